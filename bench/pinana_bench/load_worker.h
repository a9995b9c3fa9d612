// LoadWorker: one thread's share of a pinana-bench load run. It owns one UDP socket, the
// presentities whose global index ≡ its index (mod threads), and every watcher of those
// presentities, so a PUBLISH and all the NOTIFYs it causes are seen by the same thread and
// PUBLISH→NOTIFY latency needs no cross-thread state.
//
// The coordinator (load_run.cc) moves all workers through the phases by storing into the shared
// Control; a worker reports a phase finished through done_phase and its counters, which the
// coordinator reads while the worker runs (relaxed atomics, one writer). Samples and per-status
// counts are read only after the thread has been joined.
#pragma once

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "bench_options.h"
#include "udp_batch.h"

namespace pinana::bench {

enum class Phase : int {
  kIdle = 0,
  kSubscribe,
  kPublishInitial,
  kSettle,
  kModify,
  kDrain,
  kCleanup,
  kStop,
};

struct Control {
  std::atomic<int> phase{0};
  std::atomic<int64_t> measure_start_ns{INT64_MAX};  // latency samples: PUBLISHes sent in
  std::atomic<int64_t> measure_end_ns{INT64_MAX};    // [start, end)
};

struct alignas(64) Counters {
  std::atomic<uint64_t> publish_sent{0}, publish_2xx{0}, publish_412{0}, publish_error{0},
      publish_timeout{0}, publish_skipped{0};
  std::atomic<uint64_t> subscribe_sent{0}, subscribe_2xx{0}, subscribe_error{0},
      subscribe_timeout{0};
  std::atomic<uint64_t> notify_received{0}, notify_retransmitted{0}, notify_unknown{0},
      notify_terminated{0}, notify_unmatched{0};
  std::atomic<uint64_t> fanout_complete{0}, fanout_incomplete{0};
  std::atomic<uint64_t> send_refused{0}, unparsable{0};
  std::atomic<int> done_phase{0};
};

int64_t now_ns();

class LoadWorker {
 public:
  LoadWorker(const BenchOptions& options, int index, int threads, const std::string& run_id,
             const sockaddr_storage& server, socklen_t server_len, Control& control);
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  std::string open();  // binds the socket; error text or empty
  void run();          // the thread body; returns at Phase::kStop

  const Counters& counters() const { return counters_; }
  // After join: latency samples (ns) of PUBLISHes sent in the measured window.
  std::vector<int64_t>& notify_latency() { return notify_latency_; }
  std::vector<int64_t>& fanout_latency() { return fanout_latency_; }
  std::vector<int64_t>& publish_rtt() { return publish_rtt_; }
  const std::array<uint32_t, 700>& publish_status() const { return publish_status_; }
  const std::array<uint32_t, 700>& subscribe_status() const { return subscribe_status_; }
  // Final responses to the clean-up requests (Expires: 0), kept apart from the run's errors.
  const std::array<uint32_t, 700>& cleanup_status() const { return cleanup_status_; }

 private:
  struct Sent {
    uint64_t seq = 0;
    int64_t at_ns = 0;
    uint32_t notifies = 0;
  };
  struct Presentity {
    uint32_t global = 0;
    uint32_t cseq = 0;
    uint32_t txn = 0;  // outstanding transaction, 0: none
    uint64_t seq = 0;  // last body sequence number sent
    int64_t sent_ns = 0;
    bool removing = false;
    bool published = false;
    uint8_t tries = 0;  // set-up attempts (a timed-out initial PUBLISH is sent again, twice)
    uint8_t etag_len = 0;
    char etag[64] = {};
    std::vector<Sent> ring;  // the last ring_mask_ + 1 PUBLISHes, by seq & ring_mask_
  };
  struct Watcher {
    uint32_t presentity = 0;  // local index
    uint32_t cseq = 0;
    uint32_t txn = 0;
    uint32_t last_notify_cseq = 0;
    bool active = false;
    uint8_t tries = 0;  // set-up attempts (a timed-out SUBSCRIBE is sent again, twice)
    std::string to_tag;
  };
  struct Pending {
    int64_t deadline_ns;
    uint32_t index;
    uint32_t txn;
    bool publish;
  };

  void enter(Phase phase, int64_t now);
  void pump(int64_t now);
  void handle(std::string_view data, const sockaddr_storage& from, socklen_t from_len, int64_t now);
  void on_response(const struct SipView& msg, int64_t now);
  void on_notify(const struct SipView& msg, const sockaddr_storage& from, socklen_t from_len,
                 int64_t now);
  void expire(int64_t now);
  bool send_publish(uint32_t p, int64_t now);
  bool send_subscribe(uint32_t w, bool remove, int64_t now);
  void record_retire(Sent& slot);
  bool in_window(int64_t sent_at) const;
  uint32_t window_left(uint32_t window) const;

  BenchOptions options_;
  int index_;
  int threads_;
  std::string run_id_;
  sockaddr_storage server_;
  socklen_t server_len_;
  Control& control_;
  UdpBatch socket_;
  Counters counters_;

  std::vector<Presentity> presentities_;
  std::vector<Watcher> watchers_;
  std::deque<uint32_t> ready_;  // presentities (or watchers) waiting to send, FIFO
  std::deque<Pending> pending_;
  uint32_t outstanding_ = 0;
  uint32_t window_ = 1;
  uint32_t setup_window_ = 1;
  uint32_t next_txn_ = 1;
  uint64_t ring_mask_ = 15;
  Phase phase_ = Phase::kIdle;
  bool phase_done_ = false;
  int64_t phase_start_ns_ = 0;
  uint64_t phase_sent_ = 0;
  double rate_ = 0;  // this thread's modify PUBLISH/s
  std::string remote_target_;
  std::string content_type_;
  std::string seq_marker_;

  std::vector<int64_t> notify_latency_, fanout_latency_, publish_rtt_;
  std::array<uint32_t, 700> publish_status_{};
  std::array<uint32_t, 700> subscribe_status_{};
  std::array<uint32_t, 700> cleanup_status_{};
};

}  // namespace pinana::bench
