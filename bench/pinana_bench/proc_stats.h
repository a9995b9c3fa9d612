// ServerProcs: the server processes whose CPU time and memory pinana-bench reports, read from
// /proc (Linux): a fixed list of pids, plus parent pids whose descendants are rescanned on each
// sample (Kamailio forks its workers; PostgreSQL forks a backend per connection). Plain value; any
// thread, one at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pinana::bench {

struct ProcSample {
  bool valid = false;  // at least one pid was readable
  int processes = 0;
  double cpu_seconds = 0;  // utime + stime, summed
  uint64_t rss_kb = 0;     // smaps_rollup Rss, summed
  uint64_t pss_kb = 0;     // smaps_rollup Pss, summed (shared pages counted once overall)
};

class ServerProcs {
 public:
  ServerProcs() = default;
  ServerProcs(std::vector<int> pids, std::vector<int> parents)
      : pids_(std::move(pids)), parents_(std::move(parents)) {}
  bool empty() const { return pids_.empty() && parents_.empty(); }
  ProcSample sample() const;
  std::vector<int> pids() const;  // current set: the list, the parents and all their descendants

 private:
  std::vector<int> pids_;
  std::vector<int> parents_;
};

// Datagrams the kernel dropped at the UDP sockets bound to local `port` (receive buffer full),
// summed over /proc/net/udp and /proc/net/udp6: a server's socket drops.
uint64_t udp_drops(int port);

}  // namespace pinana::bench
