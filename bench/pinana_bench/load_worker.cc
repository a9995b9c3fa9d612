#include "load_worker.h"

#include <poll.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "sip_text.h"

namespace pinana::bench {
namespace {

constexpr std::string_view kBranchMagic = "z9hG4bK";

void write_presentity_uri(Writer& w, const BenchOptions& o, uint32_t global) {
  w << "sip:" << o.prefix;
  w.num(global) << '@' << o.domain;
}

// The body of PUBLISH number `seq`: a state that alternates, and a marker carrying the sequence
// number that the NOTIFY caused by it will carry back.
void write_body(Writer& w, const BenchOptions& o, uint32_t global, uint64_t seq,
                std::string_view marker) {
  if (o.event == "dialog") {
    w << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
         "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"";
    w.num(seq) << "\" state=\"full\" entity=\"";
    write_presentity_uri(w, o, global);
    w << "\">\r\n<dialog id=\"" << marker;
    w.num(seq) << "\" direction=\"recipient\"><state>" << ((seq & 1) ? "confirmed" : "early")
               << "</state></dialog>\r\n</dialog-info>\r\n";
  } else {
    w << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
         "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"";
    write_presentity_uri(w, o, global);
    w << "\">\r\n<tuple id=\"t1\"><status><basic>" << ((seq & 1) ? "open" : "closed")
      << "</basic></status></tuple>\r\n<note>" << marker;
    w.num(seq) << "</note>\r\n</presence>\r\n";
  }
}

// "z9hG4bK<run>.<P|S><index>.<txn>" → fields; false when it is not one of ours.
bool parse_branch(std::string_view branch, std::string_view run_id, bool& publish, uint64_t& index,
                  uint64_t& txn) {
  if (!branch.starts_with(kBranchMagic)) return false;
  branch.remove_prefix(kBranchMagic.size());
  if (!branch.starts_with(run_id) || branch.size() < run_id.size() + 4) return false;
  branch.remove_prefix(run_id.size());
  if (branch[0] != '.') return false;
  publish = branch[1] == 'P';
  if (!publish && branch[1] != 'S') return false;
  branch.remove_prefix(2);
  size_t dot = branch.find('.');
  if (dot == std::string_view::npos) return false;
  return parse_u64(branch.substr(0, dot), index) && parse_u64(branch.substr(dot + 1), txn);
}

}  // namespace

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

LoadWorker::LoadWorker(const BenchOptions& options, int index, int threads,
                       const std::string& run_id, const sockaddr_storage& server,
                       socklen_t server_len, Control& control)
    : options_(options),
      index_(index),
      threads_(threads),
      run_id_(run_id),
      server_(server),
      server_len_(server_len),
      control_(control) {
  // NOTIFYs may trail their PUBLISH by seconds when a server queues: keep more PUBLISHes per
  // presentity when there are few presentities (about 64k slots in all, 16 to 1024 each).
  uint64_t ring = 16;
  while (ring < 1024 && ring * 2 * std::max<uint32_t>(1, options_.presentities) <= 65536) ring *= 2;
  ring_mask_ = ring - 1;
  for (uint32_t g = uint32_t(index); g < options_.presentities; g += uint32_t(threads)) {
    Presentity p;
    p.global = g;
    p.ring.resize(ring);
    presentities_.push_back(p);
  }
  watchers_.resize(size_t(presentities_.size()) * options_.watchers);
  for (size_t i = 0; i < watchers_.size(); ++i)
    watchers_[i].presentity = uint32_t(i / options_.watchers);
  window_ = std::max<uint32_t>(1, options_.window / uint32_t(threads));
  setup_window_ = std::max<uint32_t>(1, options_.setup_window / uint32_t(threads));
  rate_ = options_.rate / threads;
  content_type_ =
      options_.event == "dialog" ? "application/dialog-info+xml" : "application/pidf+xml";
  seq_marker_ = "bseq-" + run_id_ + "-";
}

std::string LoadWorker::open() {
  return socket_.open(server_, options_.buffer_bytes);
}

bool LoadWorker::in_window(int64_t sent_at) const {
  return sent_at >= control_.measure_start_ns.load(std::memory_order_relaxed) &&
         sent_at < control_.measure_end_ns.load(std::memory_order_relaxed);
}

uint32_t LoadWorker::window_left(uint32_t window) const {
  return outstanding_ >= window ? 0 : window - outstanding_;
}

void LoadWorker::enter(Phase phase, int64_t now) {
  phase_ = phase;
  phase_done_ = false;
  phase_start_ns_ = now;
  phase_sent_ = 0;
  ready_.clear();
  switch (phase) {
    case Phase::kSubscribe:
      for (uint32_t w = 0; w < watchers_.size(); ++w) ready_.push_back(w);
      break;
    case Phase::kPublishInitial:
      for (uint32_t p = 0; p < presentities_.size(); ++p) ready_.push_back(p);
      break;
    case Phase::kModify:
      for (uint32_t p = 0; p < presentities_.size(); ++p)
        if (presentities_[p].txn == 0) ready_.push_back(p);
      break;
    case Phase::kCleanup:
      // Watchers first (S), then publications (P): one queue, told apart by the high bit.
      for (uint32_t w = 0; w < watchers_.size(); ++w)
        if (watchers_[w].active) ready_.push_back(w);
      for (uint32_t p = 0; p < presentities_.size(); ++p)
        if (presentities_[p].published) ready_.push_back(p | 0x80000000u);
      break;
    default:
      break;
  }
}

bool LoadWorker::send_publish(uint32_t p, int64_t now) {
  Presentity& pr = presentities_[p];
  bool modify = pr.etag_len > 0;
  bool remove = phase_ == Phase::kCleanup;
  if (remove && !modify) return false;
  char* buf = socket_.slot();
  Writer w(buf, UdpBatch::kSlot);
  uint32_t txn = next_txn_++;
  w << "PUBLISH ";
  write_presentity_uri(w, options_, pr.global);
  w << " SIP/2.0\r\nVia: SIP/2.0/UDP " << socket_.local_host() << ':';
  w.num(uint64_t(socket_.local_port())) << ";branch=" << kBranchMagic << run_id_ << ".P";
  w.num(p) << '.';
  w.num(txn) << ";rport\r\nMax-Forwards: 70\r\nFrom: <";
  write_presentity_uri(w, options_, pr.global);
  w << ">;tag=" << run_id_ << 'p';
  w.num(pr.global) << "\r\nTo: <";
  write_presentity_uri(w, options_, pr.global);
  w << ">\r\nCall-ID: " << run_id_ << ".p";
  w.num(pr.global) << "\r\nCSeq: ";
  w.num(++pr.cseq) << " PUBLISH\r\nEvent: " << options_.event << "\r\nExpires: ";
  w.num(remove ? 0 : options_.expires) << "\r\n";
  if (modify) w << "SIP-If-Match: " << std::string_view(pr.etag, pr.etag_len) << "\r\n";
  if (remove) {
    w << "Content-Length: 0\r\n\r\n";
  } else {
    w << "Content-Type: " << content_type_ << "\r\nContent-Length: ";
    size_t slot = w.reserve(5);
    w << "\r\n\r\n";
    size_t body_start = w.size();
    uint64_t seq = ++pr.seq;
    write_body(w, options_, pr.global, seq, seq_marker_);
    w.patch(slot, 5, w.size() - body_start);
    Sent& s = pr.ring[seq & ring_mask_];
    record_retire(s);
    s = Sent{seq, now, 0};
  }
  if (w.failed()) return false;
  socket_.commit(w.size(), server_, server_len_);
  pr.txn = txn;
  pr.sent_ns = now;
  pr.removing = remove;
  pending_.push_back({now + int64_t(options_.timeout * 1e9), p, txn, true});
  ++outstanding_;
  counters_.publish_sent.fetch_add(1, std::memory_order_relaxed);
  return true;
}

bool LoadWorker::send_subscribe(uint32_t wi, bool remove, int64_t now) {
  Watcher& wa = watchers_[wi];
  const Presentity& pr = presentities_[wa.presentity];
  char* buf = socket_.slot();
  Writer w(buf, UdpBatch::kSlot);
  uint32_t txn = next_txn_++;
  w << "SUBSCRIBE ";
  if (remove && !remote_target_.empty()) {
    w << remote_target_;
  } else {
    write_presentity_uri(w, options_, pr.global);
  }
  w << " SIP/2.0\r\nVia: SIP/2.0/UDP " << socket_.local_host() << ':';
  w.num(uint64_t(socket_.local_port())) << ";branch=" << kBranchMagic << run_id_ << ".S";
  w.num(wi) << '.';
  w.num(txn) << ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:w" << options_.prefix;
  w.num(pr.global) << '_';
  w.num(wi % std::max<uint32_t>(1, options_.watchers))
      << '@' << options_.domain << ">;tag=" << run_id_ << 'w';
  w.num(wi) << "\r\nTo: <";
  write_presentity_uri(w, options_, pr.global);
  w << '>';
  if (remove && !wa.to_tag.empty()) w << ";tag=" << wa.to_tag;
  w << "\r\nCall-ID: " << run_id_ << ".w";
  w.num(uint64_t(index_)) << '.';
  w.num(wi) << "\r\nCSeq: ";
  w.num(++wa.cseq) << " SUBSCRIBE\r\nContact: <sip:w@" << socket_.local_host() << ':';
  w.num(uint64_t(socket_.local_port()))
      << ">\r\nEvent: " << options_.event << "\r\nAccept: " << content_type_ << "\r\nExpires: ";
  w.num(remove ? 0 : options_.expires) << "\r\nContent-Length: 0\r\n\r\n";
  if (w.failed()) return false;
  socket_.commit(w.size(), server_, server_len_);
  wa.txn = txn;
  pending_.push_back({now + int64_t(options_.timeout * 1e9), wi, txn, false});
  ++outstanding_;
  counters_.subscribe_sent.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// A ring slot about to be reused: a fan-out that never completed counts as incomplete.
void LoadWorker::record_retire(Sent& slot) {
  if (slot.seq != 0 && options_.watchers > 0 && slot.notifies < options_.watchers &&
      in_window(slot.at_ns))
    counters_.fanout_incomplete.fetch_add(1, std::memory_order_relaxed);
}

void LoadWorker::expire(int64_t now) {
  while (!pending_.empty() && pending_.front().deadline_ns <= now) {
    Pending p = pending_.front();
    pending_.pop_front();
    if (p.publish) {
      Presentity& pr = presentities_[p.index];
      if (pr.txn != p.txn) continue;
      pr.txn = 0;
      --outstanding_;
      counters_.publish_timeout.fetch_add(1, std::memory_order_relaxed);
      // The server may or may not have applied it: start over with an initial PUBLISH.
      pr.etag_len = 0;
      if (phase_ == Phase::kModify) ready_.push_back(p.index);
      if (phase_ == Phase::kPublishInitial && ++pr.tries < 3) ready_.push_back(p.index);
    } else {
      Watcher& wa = watchers_[p.index];
      if (wa.txn != p.txn) continue;
      wa.txn = 0;
      --outstanding_;
      counters_.subscribe_timeout.fetch_add(1, std::memory_order_relaxed);
      // Set-up is not what is measured: a lost SUBSCRIBE is tried again (new transaction).
      if (phase_ == Phase::kSubscribe && ++wa.tries < 3) ready_.push_back(p.index);
    }
  }
}

void LoadWorker::on_response(const SipView& msg, int64_t now) {
  bool publish = false;
  uint64_t index = 0, txn = 0;
  if (!parse_branch(msg.top_branch, run_id_, publish, index, txn)) return;
  if (msg.status < 200) return;
  int status = std::clamp(msg.status, 0, 699);
  if (publish) {
    if (index >= presentities_.size()) return;
    Presentity& pr = presentities_[index];
    if (pr.txn != txn) return;  // late answer to a request already timed out
    pr.txn = 0;
    --outstanding_;
    ++(phase_ == Phase::kCleanup ? cleanup_status_ : publish_status_)[size_t(status)];
    if (msg.status < 300) {
      counters_.publish_2xx.fetch_add(1, std::memory_order_relaxed);
      if (!pr.removing) {
        size_t n = std::min(msg.etag.size(), sizeof pr.etag);
        std::copy_n(msg.etag.data(), n, pr.etag);
        pr.etag_len = uint8_t(n);
        pr.published = true;
        if (in_window(pr.sent_ns)) publish_rtt_.push_back(now - pr.sent_ns);
      } else {
        pr.etag_len = 0;
        pr.published = false;
      }
    } else {
      if (msg.status == 412)
        counters_.publish_412.fetch_add(1, std::memory_order_relaxed);
      else
        counters_.publish_error.fetch_add(1, std::memory_order_relaxed);
      pr.etag_len = 0;  // the next PUBLISH is an initial one
    }
    if (phase_ == Phase::kModify && !pr.removing) ready_.push_back(uint32_t(index));
  } else {
    if (index >= watchers_.size()) return;
    Watcher& wa = watchers_[index];
    if (wa.txn != txn) return;
    wa.txn = 0;
    --outstanding_;
    ++(phase_ == Phase::kCleanup ? cleanup_status_ : subscribe_status_)[size_t(status)];
    if (msg.status < 300) {
      counters_.subscribe_2xx.fetch_add(1, std::memory_order_relaxed);
      if (phase_ != Phase::kCleanup) {
        wa.active = true;
        wa.to_tag.assign(msg.to_tag);
        if (remote_target_.empty() && !msg.contact.empty()) remote_target_.assign(msg.contact);
      } else {
        wa.active = false;
      }
    } else {
      counters_.subscribe_error.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void LoadWorker::on_notify(const SipView& msg, const sockaddr_storage& from, socklen_t from_len,
                           int64_t now) {
  // Call-ID "<run>.w<thread>.<watcher>"
  std::string_view id = msg.call_id;
  uint64_t wi = 0;
  bool ours = false;
  if (id.starts_with(run_id_) && id.size() > run_id_.size() + 2 && id[run_id_.size()] == '.' &&
      id[run_id_.size() + 1] == 'w') {
    std::string_view rest = id.substr(run_id_.size() + 2);
    size_t dot = rest.find('.');
    uint64_t thread = 0;
    ours = dot != std::string_view::npos && parse_u64(rest.substr(0, dot), thread) &&
           thread == uint64_t(index_) && parse_u64(rest.substr(dot + 1), wi) &&
           wi < watchers_.size();
  }
  char* buf = socket_.slot();
  size_t len = ours ? write_response(msg, 200, "OK", {}, buf, UdpBatch::kSlot)
                    : write_response(msg, 481, "Call/Transaction Does Not Exist", "bench", buf,
                                     UdpBatch::kSlot);
  if (len > 0) socket_.commit(len, from, from_len);
  if (!ours) {
    counters_.notify_unknown.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Watcher& wa = watchers_[wi];
  if (msg.cseq <= wa.last_notify_cseq) {
    counters_.notify_retransmitted.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  wa.last_notify_cseq = msg.cseq;
  counters_.notify_received.fetch_add(1, std::memory_order_relaxed);
  if (msg.subscription_state.starts_with("terminated")) {
    counters_.notify_terminated.fetch_add(1, std::memory_order_relaxed);
    wa.active = false;
    return;
  }
  uint64_t seq = 0;
  if (!find_number_after(msg.body, seq_marker_, seq)) return;  // no publication yet
  Presentity& pr = presentities_[wa.presentity];
  Sent& s = pr.ring[seq & ring_mask_];
  if (s.seq != seq) {
    counters_.notify_unmatched.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ++s.notifies;
  if (in_window(s.at_ns)) {
    notify_latency_.push_back(now - s.at_ns);
    if (s.notifies == options_.watchers) {
      fanout_latency_.push_back(now - s.at_ns);
      counters_.fanout_complete.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void LoadWorker::handle(std::string_view data, const sockaddr_storage& from, socklen_t from_len,
                        int64_t now) {
  SipView msg;
  if (!scan_sip(data, msg)) {
    counters_.unparsable.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (msg.is_response) {
    on_response(msg, now);
  } else if (msg.method == "NOTIFY") {
    on_notify(msg, from, from_len, now);
  } else {
    char* buf = socket_.slot();
    size_t len = write_response(msg, 501, "Not Implemented", "bench", buf, UdpBatch::kSlot);
    if (len > 0) socket_.commit(len, from, from_len);
  }
}

// Sends what the phase calls for, within the window (and the rate, when modifying).
void LoadWorker::pump(int64_t now) {
  switch (phase_) {
    case Phase::kSubscribe:
      while (window_left(setup_window_) > 0 && !ready_.empty()) {
        uint32_t w = ready_.front();
        ready_.pop_front();
        send_subscribe(w, false, now);
      }
      break;
    case Phase::kPublishInitial:
      while (window_left(setup_window_) > 0 && !ready_.empty()) {
        uint32_t p = ready_.front();
        ready_.pop_front();
        send_publish(p, now);
      }
      break;
    case Phase::kModify: {
      uint64_t budget = UINT64_MAX;
      if (rate_ > 0) {
        uint64_t due = uint64_t(double(now - phase_start_ns_) * 1e-9 * rate_);
        budget = due > phase_sent_ ? due - phase_sent_ : 0;
      }
      uint64_t sent = 0;
      while (sent < budget && window_left(window_) > 0 && !ready_.empty()) {
        uint32_t p = ready_.front();
        ready_.pop_front();
        if (send_publish(p, now)) ++sent;
      }
      if (rate_ > 0) {
        // What the server could not take in time is skipped, not sent in a burst later.
        if (sent < budget) {
          counters_.publish_skipped.fetch_add(budget - sent, std::memory_order_relaxed);
          sent = budget;
        }
        phase_sent_ += sent;
      }
      break;
    }
    case Phase::kCleanup:
      while (window_left(setup_window_) > 0 && !ready_.empty()) {
        uint32_t item = ready_.front();
        ready_.pop_front();
        if (item & 0x80000000u)
          send_publish(item & 0x7fffffffu, now);
        else
          send_subscribe(item, true, now);
      }
      break;
    default:
      break;
  }
  bool finite = phase_ == Phase::kSubscribe || phase_ == Phase::kPublishInitial ||
                phase_ == Phase::kDrain || phase_ == Phase::kCleanup || phase_ == Phase::kSettle;
  if (finite && !phase_done_ && ready_.empty() && outstanding_ == 0) {
    phase_done_ = true;
    counters_.done_phase.store(int(phase_), std::memory_order_release);
  }
}

void LoadWorker::run() {
  while (true) {
    int64_t now = now_ns();
    auto want = Phase(control_.phase.load(std::memory_order_acquire));
    if (want != phase_) {
      if (want == Phase::kStop) break;
      enter(want, now);
    }
    int received = 0;
    for (int round = 0; round < 8; ++round) {
      int n = socket_.receive();
      if (n == 0) break;
      now = now_ns();
      for (int i = 0; i < n; ++i)
        handle(socket_.datagram(i), socket_.source(i), socket_.source_len(i), now);
      received += n;
      if (n < UdpBatch::kBatch) break;
    }
    expire(now);
    pump(now);
    int staged = socket_.staged();
    if (staged > 0) {
      int refused = socket_.flush();
      if (refused > 0) counters_.send_refused.fetch_add(uint64_t(refused));
    }
    if (received == 0 && staged == 0) {
      // Idle: wait for a datagram, the next rate slot, or at most 1 ms.
      int64_t wait_ns = 1000000;
      if (phase_ == Phase::kModify && rate_ > 0) {
        int64_t next = phase_start_ns_ + int64_t(double(phase_sent_ + 1) / rate_ * 1e9);
        wait_ns = std::clamp<int64_t>(next - now_ns(), 0, 1000000);
      }
      pollfd pfd{socket_.fd(), POLLIN, 0};
      timespec ts{0, long(wait_ns)};
      ppoll(&pfd, 1, &ts, nullptr);
    }
  }
}

}  // namespace pinana::bench
