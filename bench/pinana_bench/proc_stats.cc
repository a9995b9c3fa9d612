#include "proc_stats.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace pinana::bench {
namespace {

// Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses).
bool read_stat(int pid, int& ppid, double& cpu_seconds) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return false;
  size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  // f[0] = state (field 3), f[1] = ppid (4), f[11] = utime (14), f[12] = stime (15).
  if (f.size() < 13) return false;
  ppid = std::stoi(f[1]);
  static const double ticks = double(sysconf(_SC_CLK_TCK));
  cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  return true;
}

void read_rollup(int pid, uint64_t& rss_kb, uint64_t& pss_kb) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
  // The first line names the rolled-up range; then "Key:   VALUE kB" lines.
  std::string text;
  while (std::getline(in, text)) {
    bool rss = text.starts_with("Rss:");
    bool pss = text.starts_with("Pss:");
    if (!rss && !pss) continue;
    uint64_t value = std::strtoull(text.c_str() + 4, nullptr, 10);
    (rss ? rss_kb : pss_kb) += value;
  }
}

}  // namespace

std::vector<int> ServerProcs::pids() const {
  if (parents_.empty()) return pids_;
  std::map<int, std::vector<int>> children;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      int pid = std::atoi(e->d_name);
      if (pid <= 0) continue;
      int ppid = 0;
      double cpu = 0;
      if (read_stat(pid, ppid, cpu)) children[ppid].push_back(pid);
    }
    closedir(d);
  }
  std::vector<int> out = parents_;
  for (size_t i = 0; i < out.size(); ++i)
    for (int c : children[out[i]]) out.push_back(c);
  for (int p : pids_) out.push_back(p);
  std::set<int> unique(out.begin(), out.end());
  return {unique.begin(), unique.end()};
}

ProcSample ServerProcs::sample() const {
  ProcSample s;
  for (int pid : pids()) {
    int ppid = 0;
    double cpu = 0;
    if (!read_stat(pid, ppid, cpu)) continue;
    s.valid = true;
    ++s.processes;
    s.cpu_seconds += cpu;
    read_rollup(pid, s.rss_kb, s.pss_kb);
  }
  return s;
}

uint64_t udp_drops(int port) {
  uint64_t drops = 0;
  for (const char* path : {"/proc/net/udp", "/proc/net/udp6"}) {
    std::ifstream in(path);
    std::string text;
    std::getline(in, text);  // header
    while (std::getline(in, text)) {
      std::istringstream f(text);
      std::string slot, local, field;
      f >> slot >> local;
      size_t colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      if (std::strtol(local.c_str() + colon + 1, nullptr, 16) != port) continue;
      std::string last;
      while (f >> field) last = field;
      drops += std::strtoull(last.c_str(), nullptr, 10);
    }
  }
  return drops;
}

}  // namespace pinana::bench
