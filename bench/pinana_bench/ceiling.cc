#include "ceiling.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "load_worker.h"
#include "udp_batch.h"

namespace pinana::bench {

CeilingResult run_ceiling(const BenchOptions& opts) {
  CeilingResult r;
  sockaddr_storage loop{};
  socklen_t loop_len = 0;
  parse_endpoint("127.0.0.1:0", loop, loop_len);
  UdpBatch receiver;
  if (std::string err = receiver.open(loop, opts.buffer_bytes); !err.empty()) {
    r.error = err;
    return r;
  }
  sockaddr_storage target = loop;
  parse_endpoint("127.0.0.1:" + std::to_string(receiver.local_port()), target, loop_len);

  int threads = opts.threads > 0 ? opts.threads : int(std::thread::hardware_concurrency());
  r.senders = std::max(1, threads - 1);
  r.datagram_bytes = std::clamp<uint32_t>(opts.datagram_bytes, 16, UdpBatch::kSlot);

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> received{0};
  std::vector<std::atomic<uint64_t>> sent(size_t(r.senders));
  std::vector<std::unique_ptr<UdpBatch>> sockets;
  for (int i = 0; i < r.senders; ++i) {
    sockets.push_back(std::make_unique<UdpBatch>());
    if (std::string err = sockets.back()->open(loop, opts.buffer_bytes); !err.empty()) {
      r.error = err;
      return r;
    }
  }
  std::thread rx([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      int n = receiver.receive();
      if (n > 0) {
        received.fetch_add(uint64_t(n), std::memory_order_relaxed);
        continue;
      }
      pollfd pfd{receiver.fd(), POLLIN, 0};
      poll(&pfd, 1, 10);
    }
  });
  std::vector<std::thread> tx;
  for (int i = 0; i < r.senders; ++i) {
    tx.emplace_back([&, i] {
      UdpBatch& s = *sockets[size_t(i)];
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < UdpBatch::kBatch; ++k) {
          char* slot = s.slot();
          std::memset(slot, 'x', r.datagram_bytes);
          s.commit(r.datagram_bytes, target, loop_len);
        }
        int refused = s.flush();
        sent[size_t(i)].fetch_add(uint64_t(UdpBatch::kBatch - refused), std::memory_order_relaxed);
      }
    });
  }
  auto total_sent = [&] {
    uint64_t n = 0;
    for (auto& s : sent) n += s.load(std::memory_order_relaxed);
    return n;
  };
  std::this_thread::sleep_for(std::chrono::duration<double>(opts.warmup));
  uint64_t s0 = total_sent(), r0 = received.load();
  int64_t t0 = now_ns();
  std::this_thread::sleep_for(std::chrono::duration<double>(opts.duration));
  uint64_t s1 = total_sent(), r1 = received.load();
  int64_t t1 = now_ns();
  stop = true;
  for (auto& t : tx) t.join();
  rx.join();
  r.seconds = double(t1 - t0) / 1e9;
  r.sent = s1 - s0;
  r.received = r1 - r0;
  r.sent_per_s = double(r.sent) / r.seconds;
  r.received_per_s = double(r.received) / r.seconds;
  return r;
}

}  // namespace pinana::bench
