// pinana-bench: a load generator for SIP presence servers (issue 6). See docs/benchmarks.md,
// "Presence server (make bench)", for what it measures and its flags.
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench_options.h"
#include "ceiling.h"
#include "load_run.h"
#include "proc_stats.h"
#include "report.h"

using namespace pinana::bench;

int main(int argc, char** argv) {
  BenchOptions o;
  std::string pids, parents;
  CLI::App app{
      "pinana-bench: load generator for SIP presence servers (UDP). Subscribes W watchers to "
      "each of P presentities, publishes each once, then modifies them (SIP-If-Match) for "
      "--duration seconds and measures PUBLISH/s, NOTIFY/s, PUBLISH->NOTIFY latency, errors, "
      "and the server's CPU and memory. Prints a table and, last, one JSON line."};
  app.add_option("--mode", o.mode, "load, or ceiling (loopback one-way datagram ceiling)")
      ->check(CLI::IsMember({"load", "ceiling"}));
  app.add_option("--server", o.server, "server ADDR:PORT (numeric; IPv6 as [::1]:5060)");
  app.add_option("--domain", o.domain, "host part of presentity URIs (default: server address)");
  app.add_option("--prefix", o.prefix, "user part prefix of presentity URIs");
  app.add_option("--presentities,-P", o.presentities, "presentities (publishers)");
  app.add_option("--watchers,-W", o.watchers, "watchers per presentity, each its own dialog");
  app.add_option("--event", o.event, "event package")->check(CLI::IsMember({"presence", "dialog"}));
  app.add_option("--rate", o.rate, "modify PUBLISH/s in total; 0: as fast as the server answers");
  app.add_option("--window", o.window, "outstanding modify PUBLISHes at most, in total");
  app.add_option("--setup-window", o.setup_window,
                 "outstanding SUBSCRIBEs / initial PUBLISHes / clean-up requests, in total");
  app.add_option("--duration", o.duration, "seconds measured (0: set up, measure memory, stop)");
  app.add_option("--warmup", o.warmup, "seconds of modifies before the measured window");
  app.add_option("--expires", o.expires, "Expires of PUBLISH and SUBSCRIBE");
  app.add_option("--threads", o.threads, "threads (default: number of cores)");
  app.add_option("--timeout", o.timeout, "seconds after which a request counts as timed out");
  app.add_option("--settle", o.settle, "seconds without NOTIFY that end the set-up phase");
  app.add_option("--idle", o.idle,
                 "seconds to wait after set-up, then sample the server's memory again (idle "
                 "subscriptions, set-up transactions gone; 40 covers SIP's 32 s Timer J)");
  app.add_option("--server-pid", pids, "server pid(s), comma-separated: CPU and memory");
  app.add_option("--server-pids-from-parent", parents,
                 "server parent pid(s), comma-separated: each and all its descendants");
  app.add_flag("!--no-cleanup", o.cleanup,
               "leave subscriptions and publications in place at the end");
  app.add_option("--datagram-bytes", o.datagram_bytes, "ceiling mode: datagram size");
  app.add_option("--socket-buffer", o.buffer_bytes, "SO_RCVBUF/SO_SNDBUF bytes");
  app.add_flag("--json", o.json_only, "print only the JSON line");
  CLI11_PARSE(app, argc, argv);

  std::vector<int> pid_list;
  for (auto [text, out] : {std::pair{&pids, &pid_list}, std::pair{&parents, &o.server_parents}}) {
    std::stringstream ss(*text);
    for (std::string item; std::getline(ss, item, ',');) {
      if (item.empty()) continue;
      try {
        out->push_back(std::stoi(item));
      } catch (const std::exception&) {
        std::cerr << "pinana-bench: not a pid: " << item << "\n";
        return 2;
      }
    }
  }

  nlohmann::json j;
  if (o.mode == "ceiling") {
    CeilingResult r = run_ceiling(o);
    if (!r.error.empty()) {
      std::cerr << "pinana-bench: " << r.error << "\n";
      return 2;
    }
    if (!o.json_only) std::cout << table(r);
    j = to_json(o, r);
  } else {
    ServerProcs procs(pid_list, o.server_parents);
    LoadResult r = run_load(o, procs);
    if (!r.error.empty()) {
      std::cerr << "pinana-bench: " << r.error << "\n";
      return 2;
    }
    if (!o.json_only) std::cout << table(o, r);
    j = to_json(o, r);
  }
  std::cout << j.dump() << std::endl;
  return 0;
}
