// ServerProcs: the server processes whose CPU time and memory pinana-bench reports, read from
// /proc (Linux). Either a fixed list of pids, or a parent pid whose descendants are rescanned on
// each sample (Kamailio forks its workers). Plain value; any thread, one at a time.
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
  ServerProcs(std::vector<int> pids, int parent) : pids_(std::move(pids)), parent_(parent) {}
  bool empty() const { return pids_.empty() && parent_ <= 0; }
  ProcSample sample() const;
  std::vector<int> pids() const;  // current set (parent and all its descendants, or the list)

 private:
  std::vector<int> pids_;
  int parent_ = 0;
};

}  // namespace pinana::bench
