#include "load_run.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "load_worker.h"
#include "udp_batch.h"

namespace pinana::bench {
namespace {

struct Totals {
  uint64_t publish_sent = 0, publish_2xx = 0, notifies = 0, subscribe_2xx = 0;
};

Totals totals(const std::vector<std::unique_ptr<LoadWorker>>& workers) {
  Totals t;
  for (const auto& w : workers) {
    const Counters& c = w->counters();
    t.publish_sent += c.publish_sent.load(std::memory_order_relaxed);
    t.publish_2xx += c.publish_2xx.load(std::memory_order_relaxed);
    t.notifies += c.notify_received.load(std::memory_order_relaxed);
    t.subscribe_2xx += c.subscribe_2xx.load(std::memory_order_relaxed);
  }
  return t;
}

// Waits until every worker reports `phase` finished, or `limit_s` passes.
bool wait_phase(const std::vector<std::unique_ptr<LoadWorker>>& workers, Phase phase,
                double limit_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit_s);
  while (std::chrono::steady_clock::now() < deadline) {
    bool all = std::all_of(workers.begin(), workers.end(), [&](const auto& w) {
      return w->counters().done_phase.load(std::memory_order_acquire) == int(phase);
    });
    if (all) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

// Waits until no NOTIFY has arrived for `quiet_s` (and at least `expected` arrived since
// `base`), or `limit_s` passes.
void wait_quiet(const std::vector<std::unique_ptr<LoadWorker>>& workers, uint64_t base,
                uint64_t expected, double quiet_s, double limit_s) {
  auto start = std::chrono::steady_clock::now();
  auto last_change = start;
  uint64_t last = totals(workers).notifies;
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto now = std::chrono::steady_clock::now();
    uint64_t n = totals(workers).notifies;
    if (n != last) {
      last = n;
      last_change = now;
    }
    double since = std::chrono::duration<double>(now - last_change).count();
    if (since >= quiet_s && n - base >= expected) return;
    if (since >= quiet_s * 4) return;  // quiet for long: whatever is missing will not come
    if (std::chrono::duration<double>(now - start).count() >= limit_s) return;
  }
}

Percentiles percentiles(std::vector<int64_t>& samples) {
  Percentiles p;
  p.count = samples.size();
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    size_t k = size_t(q * double(samples.size()));
    return double(samples[std::min(k, samples.size() - 1)]) / 1e6;
  };
  p.p50_ms = at(0.50);
  p.p99_ms = at(0.99);
  p.p999_ms = at(0.999);
  p.max_ms = double(samples.back()) / 1e6;
  return p;
}

std::string make_run_id() {
  std::random_device rd;
  static const char* hex = "0123456789abcdef";
  std::string id;
  uint64_t v = (uint64_t(rd()) << 32) ^ rd();
  for (int i = 0; i < 8; ++i) id += hex[(v >> (i * 4)) & 15];
  return id;
}

}  // namespace

LoadResult run_load(const BenchOptions& opts_in, const ServerProcs& server) {
  LoadResult r;
  BenchOptions opts = opts_in;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  if (!parse_endpoint(opts.server, addr, addr_len)) {
    r.error = "--server: expected a numeric ADDR:PORT, got \"" + opts.server + "\"";
    return r;
  }
  if (opts.domain.empty()) opts.domain = endpoint_host(addr);
  int threads = opts.threads > 0 ? opts.threads : int(std::thread::hardware_concurrency());
  threads = std::max(1, std::min<int>(threads, int(std::max<uint32_t>(1, opts.presentities))));
  r.threads = threads;

  Control control;
  std::string run_id = make_run_id();
  std::vector<std::unique_ptr<LoadWorker>> workers;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(
        std::make_unique<LoadWorker>(opts, i, threads, run_id, addr, addr_len, control));
    std::string err = workers.back()->open();
    if (!err.empty()) {
      r.error = err;
      return r;
    }
  }
  std::vector<std::thread> pool;
  for (auto& w : workers) pool.emplace_back([&w] { w->run(); });
  auto set_phase = [&](Phase p) { control.phase.store(int(p), std::memory_order_release); };

  uint64_t drops0 = udp_drops(endpoint_port(addr));
  ProcSample m0 = server.sample();
  r.have_server = m0.valid;
  r.server_processes = m0.processes;
  r.rss_kb_start = m0.rss_kb;
  r.pss_kb_start = m0.pss_kb;

  uint64_t expected_subs = uint64_t(opts.presentities) * opts.watchers;
  auto t_sub = std::chrono::steady_clock::now();
  set_phase(Phase::kSubscribe);
  wait_phase(workers, Phase::kSubscribe, 60 + double(expected_subs) / 500.0);
  r.subscribe_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_sub).count();
  Totals after_sub = totals(workers);
  r.subscriptions = after_sub.subscribe_2xx;
  r.subscribe_failed = expected_subs - std::min(expected_subs, r.subscriptions);

  set_phase(Phase::kPublishInitial);
  wait_phase(workers, Phase::kPublishInitial, 60 + opts.presentities / 500.0);
  set_phase(Phase::kSettle);
  // Each subscription gets its first NOTIFY and one for the initial PUBLISH (servers may merge).
  wait_quiet(workers, 0, r.subscriptions, opts.settle, 30 + double(expected_subs) / 2000.0);

  // Bytes per subscription grown since the start, in (rss, pss); 0 when not measurable.
  auto per_subscription = [&](const ProcSample& m, double& rss, double& pss) {
    if (r.subscriptions == 0 || !m.valid) return;
    rss = (double(m.rss_kb) - double(m0.rss_kb)) * 1024.0 / double(r.subscriptions);
    pss = (double(m.pss_kb) - double(m0.pss_kb)) * 1024.0 / double(r.subscriptions);
  };
  ProcSample m1 = server.sample();
  r.rss_kb_setup = m1.rss_kb;
  r.pss_kb_setup = m1.pss_kb;
  per_subscription(m1, r.rss_bytes_per_subscription, r.pss_bytes_per_subscription);
  if (opts.idle > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(opts.idle));
    ProcSample mi = server.sample();
    r.rss_kb_idle = mi.rss_kb;
    r.pss_kb_idle = mi.pss_kb;
    per_subscription(mi, r.rss_bytes_per_idle_subscription, r.pss_bytes_per_idle_subscription);
  }

  if (opts.duration > 0) {
    set_phase(Phase::kModify);
    std::this_thread::sleep_for(std::chrono::duration<double>(opts.warmup));
    ProcSample c0 = server.sample();
    Totals a = totals(workers);
    int64_t t0 = now_ns();
    control.measure_start_ns.store(t0, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::duration<double>(opts.duration));
    int64_t t1 = now_ns();
    control.measure_end_ns.store(t1, std::memory_order_relaxed);
    Totals b = totals(workers);
    ProcSample c1 = server.sample();
    set_phase(Phase::kDrain);
    r.window_seconds = double(t1 - t0) / 1e9;
    r.publish_sent = b.publish_sent - a.publish_sent;
    r.publish_accepted = b.publish_2xx - a.publish_2xx;
    r.notifies = b.notifies - a.notifies;
    r.publish_per_s = double(r.publish_accepted) / r.window_seconds;
    r.notify_per_s = double(r.notifies) / r.window_seconds;
    if (c0.valid && c1.valid) {
      r.server_cpu_s = c1.cpu_seconds - c0.cpu_seconds;
      r.server_cpu_percent = 100.0 * r.server_cpu_s / r.window_seconds;
      if (r.publish_accepted > 0)
        r.cpu_us_per_publish = r.server_cpu_s * 1e6 / double(r.publish_accepted);
      if (r.notifies > 0) r.cpu_us_per_notify = r.server_cpu_s * 1e6 / double(r.notifies);
    }
    wait_phase(workers, Phase::kDrain, opts.timeout + 5);
    if (opts.watchers > 0) wait_quiet(workers, 0, 0, opts.settle, opts.timeout + 5);
  }
  ProcSample m2 = server.sample();
  r.rss_kb_end = m2.rss_kb;
  r.pss_kb_end = m2.pss_kb;

  if (opts.cleanup) {
    set_phase(Phase::kCleanup);
    wait_phase(workers, Phase::kCleanup, 60 + double(expected_subs) / 500.0);
    if (opts.watchers > 0) wait_quiet(workers, 0, 0, 0.2, 5);
  }
  set_phase(Phase::kStop);
  for (auto& t : pool) t.join();
  r.server_udp_drops = udp_drops(endpoint_port(addr)) - drops0;

  std::vector<int64_t> lat, fan, rtt;
  for (auto& w : workers) {
    const Counters& c = w->counters();
    r.publish_412 += c.publish_412;
    r.publish_errors += c.publish_error;
    r.publish_timeouts += c.publish_timeout;
    r.publish_skipped += c.publish_skipped;
    r.subscribe_timeouts += c.subscribe_timeout;
    r.notify_retransmitted += c.notify_retransmitted;
    r.notify_unknown += c.notify_unknown;
    r.notify_unmatched += c.notify_unmatched;
    r.fanout_complete += c.fanout_complete;
    r.fanout_incomplete += c.fanout_incomplete;
    r.send_refused += c.send_refused;
    r.unparsable += c.unparsable;
    for (int s = 300; s < 700; ++s) {
      if (w->publish_status()[s] > 0)
        r.errors["PUBLISH " + std::to_string(s)] += w->publish_status()[s];
      if (w->subscribe_status()[s] > 0)
        r.errors["SUBSCRIBE " + std::to_string(s)] += w->subscribe_status()[s];
      if (w->cleanup_status()[s] > 0) r.cleanup_errors += w->cleanup_status()[s];
    }
    lat.insert(lat.end(), w->notify_latency().begin(), w->notify_latency().end());
    fan.insert(fan.end(), w->fanout_latency().begin(), w->fanout_latency().end());
    rtt.insert(rtt.end(), w->publish_rtt().begin(), w->publish_rtt().end());
  }
  if (r.publish_timeouts > 0) r.errors["PUBLISH timeout"] = r.publish_timeouts;
  if (r.subscribe_timeouts > 0) r.errors["SUBSCRIBE timeout"] = r.subscribe_timeouts;
  r.notify_latency = percentiles(lat);
  r.fanout_latency = percentiles(fan);
  r.publish_rtt = percentiles(rtt);
  return r;
}

}  // namespace pinana::bench
