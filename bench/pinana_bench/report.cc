#include "report.h"

#include <cstdio>

namespace pinana::bench {
namespace {

nlohmann::json percentiles_json(const Percentiles& p) {
  return {{"count", p.count},
          {"p50_ms", p.p50_ms},
          {"p99_ms", p.p99_ms},
          {"p999_ms", p.p999_ms},
          {"max_ms", p.max_ms}};
}

std::string line(const char* name, const std::string& value) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-34s %s\n", name, value.c_str());
  return buf;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pct(const Percentiles& p) {
  if (p.count == 0) return "-";
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms  (n=%llu)", p.p50_ms,
                p.p99_ms, p.p999_ms, p.max_ms, (unsigned long long)p.count);
  return buf;
}

}  // namespace

nlohmann::json to_json(const BenchOptions& o, const LoadResult& r) {
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [k, v] : r.errors) errors[k] = v;
  nlohmann::json j = {
      {"tool", "pinana-bench"},
      {"mode", "load"},
      {"server_address", o.server},
      {"event", o.event},
      {"presentities", o.presentities},
      {"watchers_per_presentity", o.watchers},
      {"rate", o.rate},
      {"window", o.window},
      {"setup_window", o.setup_window},
      {"threads", r.threads},
      {"duration_s", r.window_seconds},
      {"subscriptions", r.subscriptions},
      {"subscribe_failed", r.subscribe_failed},
      {"subscribe_seconds", r.subscribe_seconds},
      {"publish_sent", r.publish_sent},
      {"publish_accepted", r.publish_accepted},
      {"publish_per_s", r.publish_per_s},
      {"notifies", r.notifies},
      {"notify_per_s", r.notify_per_s},
      {"notify_latency", percentiles_json(r.notify_latency)},
      {"fanout_latency", percentiles_json(r.fanout_latency)},
      {"publish_rtt", percentiles_json(r.publish_rtt)},
      {"fanout_complete", r.fanout_complete},
      {"fanout_incomplete", r.fanout_incomplete},
      {"publish_412", r.publish_412},
      {"publish_errors", r.publish_errors},
      {"publish_timeouts", r.publish_timeouts},
      {"publish_skipped", r.publish_skipped},
      {"subscribe_timeouts", r.subscribe_timeouts},
      {"notify_retransmitted", r.notify_retransmitted},
      {"notify_unknown", r.notify_unknown},
      {"notify_unmatched", r.notify_unmatched},
      {"send_refused", r.send_refused},
      {"server_udp_drops", r.server_udp_drops},
      {"unparsable", r.unparsable},
      {"errors", errors},
      {"cleanup_errors", r.cleanup_errors},
  };
  if (r.have_server) {
    j["server"] = {
        {"address", o.server},
        {"processes", r.server_processes},
        {"cpu_s", r.server_cpu_s},
        {"cpu_percent", r.server_cpu_percent},
        {"cpu_us_per_publish", r.cpu_us_per_publish},
        {"cpu_us_per_notify", r.cpu_us_per_notify},
        {"rss_kb_start", r.rss_kb_start},
        {"pss_kb_start", r.pss_kb_start},
        {"rss_kb_setup", r.rss_kb_setup},
        {"pss_kb_setup", r.pss_kb_setup},
        {"rss_kb_end", r.rss_kb_end},
        {"pss_kb_end", r.pss_kb_end},
        {"rss_bytes_per_subscription", r.rss_bytes_per_subscription},
        {"pss_bytes_per_subscription", r.pss_bytes_per_subscription},
        {"rss_kb_idle", r.rss_kb_idle},
        {"pss_kb_idle", r.pss_kb_idle},
        {"rss_bytes_per_idle_subscription", r.rss_bytes_per_idle_subscription},
        {"pss_bytes_per_idle_subscription", r.pss_bytes_per_idle_subscription},
    };
  }
  return j;
}

nlohmann::json to_json(const BenchOptions& o, const CeilingResult& r) {
  return {{"tool", "pinana-bench"},
          {"mode", "ceiling"},
          {"senders", r.senders},
          {"datagram_bytes", r.datagram_bytes},
          {"duration_s", r.seconds},
          {"sent", r.sent},
          {"received", r.received},
          {"sent_per_s", r.sent_per_s},
          {"received_per_s", r.received_per_s},
          {"loss", r.sent > 0 ? 1.0 - double(r.received) / double(r.sent) : 0.0},
          {"buffer_bytes", o.buffer_bytes}};
}

std::string table(const BenchOptions& o, const LoadResult& r) {
  std::string t =
      "pinana-bench load: " + o.server + ", event " + o.event + ", " +
      std::to_string(o.presentities) + " presentities x " + std::to_string(o.watchers) +
      " watchers, rate " +
      (o.rate > 0 ? fmt("%.0f/s", o.rate) : "max (window " + std::to_string(o.window) + ")") +
      ", " + std::to_string(r.threads) + " threads\n";
  t += line("subscriptions", std::to_string(r.subscriptions) + " ok, " +
                                 std::to_string(r.subscribe_failed) + " failed, " +
                                 fmt("%.2f s", r.subscribe_seconds));
  t += line("measured window", fmt("%.2f s", r.window_seconds));
  t += line("PUBLISH sent / accepted",
            std::to_string(r.publish_sent) + " / " + std::to_string(r.publish_accepted));
  t += line("PUBLISH/s accepted", fmt("%.0f", r.publish_per_s));
  t += line("NOTIFY/s received", fmt("%.0f", r.notify_per_s));
  t += line("PUBLISH->NOTIFY", pct(r.notify_latency));
  t += line("PUBLISH->last NOTIFY", pct(r.fanout_latency));
  t += line("PUBLISH->200", pct(r.publish_rtt));
  t += line("fan-outs complete / incomplete",
            std::to_string(r.fanout_complete) + " / " + std::to_string(r.fanout_incomplete));
  t += line("412 / other errors / timeouts",
            std::to_string(r.publish_412) + " / " + std::to_string(r.publish_errors) + " / " +
                std::to_string(r.publish_timeouts + r.subscribe_timeouts));
  if (o.rate > 0) t += line("PUBLISHes skipped (rate not met)", std::to_string(r.publish_skipped));
  std::string errs;
  for (const auto& [k, v] : r.errors) errs += k + ": " + std::to_string(v) + "  ";
  t += line("errors by status", errs.empty() ? "none" : errs);
  t += line("NOTIFY retransmitted / unknown",
            std::to_string(r.notify_retransmitted) + " / " + std::to_string(r.notify_unknown));
  t += line("server socket drops", std::to_string(r.server_udp_drops));
  if (r.have_server) {
    t += line("server processes", std::to_string(r.server_processes));
    t += line("server CPU in window", fmt("%.2f s", r.server_cpu_s) + " (" +
                                          fmt("%.0f%% of one core)", r.server_cpu_percent));
    t += line("server CPU per PUBLISH", fmt("%.1f us", r.cpu_us_per_publish));
    t += line("server CPU per NOTIFY", fmt("%.1f us", r.cpu_us_per_notify));
    t += line("server RSS start/setup/end", std::to_string(r.rss_kb_start) + " / " +
                                                std::to_string(r.rss_kb_setup) + " / " +
                                                std::to_string(r.rss_kb_end) + " KiB");
    t += line("server PSS start/setup/end", std::to_string(r.pss_kb_start) + " / " +
                                                std::to_string(r.pss_kb_setup) + " / " +
                                                std::to_string(r.pss_kb_end) + " KiB");
    t += line("RSS / PSS per subscription", fmt("%.0f B", r.rss_bytes_per_subscription) + " / " +
                                                fmt("%.0f B", r.pss_bytes_per_subscription));
    if (r.pss_kb_idle != 0)
      t += line("RSS / PSS per idle subscription",
                fmt("%.0f B", r.rss_bytes_per_idle_subscription) + " / " +
                    fmt("%.0f B", r.pss_bytes_per_idle_subscription));
  }
  return t;
}

std::string table(const CeilingResult& r) {
  std::string t = "pinana-bench ceiling: loopback UDP, " + std::to_string(r.senders) +
                  " sender thread(s) -> 1 receiver, " + std::to_string(r.datagram_bytes) +
                  "-byte datagrams\n";
  t += line("measured window", fmt("%.2f s", r.seconds));
  t += line("datagrams/s sent", fmt("%.0f", r.sent_per_s));
  t += line("datagrams/s received", fmt("%.0f", r.received_per_s));
  return t;
}

}  // namespace pinana::bench
