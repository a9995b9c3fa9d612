// run_ceiling: the loopback one-way datagram ceiling of this machine. Sender threads push
// datagrams of a typical NOTIFY's size with sendmmsg to one receiver socket drained with recvmmsg
// on its own thread; the figure is datagrams received per second. Nothing is parsed, so no SIP
// server can deliver more NOTIFYs per second than this on the same cores. Call from one thread.
#pragma once

#include <cstdint>
#include <string>

#include "bench_options.h"

namespace pinana::bench {

struct CeilingResult {
  std::string error;
  int senders = 0;
  uint32_t datagram_bytes = 0;
  double seconds = 0;
  uint64_t sent = 0, received = 0;
  double sent_per_s = 0, received_per_s = 0;
};

CeilingResult run_ceiling(const BenchOptions& options);

}  // namespace pinana::bench
