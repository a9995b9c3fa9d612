// run_load: one pinana-bench load run against a SIP presence server (subscribe, initial
// PUBLISH, settle, modify PUBLISHes for warmup + duration, drain, clean up), with the figures it
// measured. Runs its worker threads and joins them before returning; call from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench_options.h"
#include "proc_stats.h"

namespace pinana::bench {

struct Percentiles {
  uint64_t count = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0;
};

struct LoadResult {
  std::string error;  // non-empty: the run could not start
  int threads = 0;
  uint64_t subscriptions = 0;  // SUBSCRIBE 2xx in the setup phase
  uint64_t subscribe_failed = 0;
  double subscribe_seconds = 0;
  double window_seconds = 0;
  uint64_t publish_sent = 0, publish_accepted = 0, notifies = 0;  // in the measured window
  double publish_per_s = 0, notify_per_s = 0;
  uint64_t publish_412 = 0, publish_errors = 0, publish_timeouts = 0, publish_skipped = 0;
  uint64_t subscribe_timeouts = 0;
  uint64_t notify_retransmitted = 0, notify_unknown = 0, notify_unmatched = 0;
  uint64_t fanout_complete = 0, fanout_incomplete = 0, send_refused = 0, unparsable = 0;
  std::map<std::string, uint64_t> errors;  // "PUBLISH 412" → count, whole run but clean-up
  uint64_t cleanup_errors = 0;             // non-2xx answers to the Expires: 0 requests
  Percentiles notify_latency, fanout_latency, publish_rtt;
  bool have_server = false;
  int server_processes = 0;
  double server_cpu_s = 0;  // in the measured window
  double cpu_us_per_publish = 0, cpu_us_per_notify = 0;
  double server_cpu_percent = 0;
  uint64_t server_udp_drops = 0;  // at the server's port, whole run (set-up included)
  uint64_t rss_kb_start = 0, pss_kb_start = 0, rss_kb_setup = 0, pss_kb_setup = 0, rss_kb_end = 0,
           pss_kb_end = 0;
  double rss_bytes_per_subscription = 0, pss_bytes_per_subscription = 0;
  // After --idle seconds with nothing sent: the subscriptions alone, once every transaction of
  // the set-up (a SUBSCRIBE's server transaction lives 32 s after its 200, RFC 3261 Timer J)
  // is gone. 0 when --idle was not given.
  uint64_t rss_kb_idle = 0, pss_kb_idle = 0;
  double rss_bytes_per_idle_subscription = 0, pss_bytes_per_idle_subscription = 0;
};

LoadResult run_load(const BenchOptions& options, const ServerProcs& server);

}  // namespace pinana::bench
