// Action and Actions: what a transaction (or the TransactionTable) asks its owner to do after an
// event. The state machines do no I/O; the owner (an event loop) executes the actions in order:
// sends bytes, arms and cancels timers, and tells the transaction user (TU) what happened.
//
// Actions is a fixed-capacity list held by value, so returning one never touches the heap. The
// bytes of a kSend action are a view into the transaction that produced it; it stays valid until
// the next call into that transaction (or into the table that owns it). A transport that sends
// later must copy them. Plain values; the thread that owns the transaction.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <string_view>

#include "pinana/base/clock.h"

namespace pinana::sip::transaction {

// RFC 3261 Table 4 timers of the non-INVITE transactions, plus RFC 4320's late 100 Trying.
enum class TimerId : uint8_t {
  kE,       // client: request retransmission (unreliable transports only)
  kF,       // client: transaction timeout, 64*T1
  kK,       // client: absorb response retransmissions in Completed (T4 on UDP)
  kJ,       // server: absorb request retransmissions in Completed (64*T1 on UDP)
  kTrying,  // server: send 100 Trying if still unanswered (TimerConfig::late_trying_delay())
};
inline constexpr size_t kTimerCount = 5;

enum class ActionKind : uint8_t {
  kSend,         // send `bytes` on the transaction's transport (to the transaction's peer)
  kStartTimer,   // arm `timer` to fire after `delay`, replacing any pending one of that id
  kCancelTimer,  // disarm `timer`
  // To the TU:
  kDeliverRequest,   // server: a new request; answer it with send_response()
  kDeliverResponse,  // client: pass the response just given to on_response() to the TU
  kTimeout,          // client: Timer F fired; the TU acts as on a local 408 (never sent)
  kTransportError,   // the transport failed; the TU gives up on this transaction
  kTerminated,       // the transaction is over; the owner forgets it and its timers
  // From the TransactionTable only:
  kAnswerLoopDetected,  // merged request (RFC 3261 §8.2.2.2): send_response() a 482
  kStatelessRequest,    // ACK or INVITE: no non-INVITE transaction; the core handles it statelessly
  kStrayResponse,       // the response matches no client transaction; a UA discards it (§18.1.2)
};

struct Action {
  ActionKind kind = ActionKind::kSend;
  TimerId timer = TimerId::kE;  // kStartTimer, kCancelTimer
  Duration delay{0};            // kStartTimer
  std::string_view bytes;       // kSend

  static Action send(std::string_view b) {
    return {ActionKind::kSend, TimerId::kE, Duration(0), b};
  }
  static Action start_timer(TimerId t, Duration d) { return {ActionKind::kStartTimer, t, d, {}}; }
  static Action cancel_timer(TimerId t) { return {ActionKind::kCancelTimer, t, Duration(0), {}}; }
  static Action signal(ActionKind k) { return {k, TimerId::kE, Duration(0), {}}; }
};

class Actions {
 public:
  // The most any single event produces is four (a final response on UDP: cancel E, cancel F,
  // deliver, start K); the table may add one.
  static constexpr size_t kCapacity = 8;

  void push(const Action& a) {
    assert(size_ < kCapacity);
    items_[size_++] = a;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Action& operator[](size_t i) const { return items_[i]; }
  Action& operator[](size_t i) { return items_[i]; }
  const Action* begin() const { return items_.data(); }
  const Action* end() const { return items_.data() + size_; }

  // The first action of `kind`, or null.
  const Action* find(ActionKind kind) const {
    for (const Action& a : *this)
      if (a.kind == kind) return &a;
    return nullptr;
  }
  bool has(ActionKind kind) const { return find(kind) != nullptr; }
  bool terminated() const { return has(ActionKind::kTerminated); }

 private:
  std::array<Action, kCapacity> items_{};
  uint8_t size_ = 0;
};

std::string_view to_string(TimerId id);
std::string_view to_string(ActionKind kind);

}  // namespace pinana::sip::transaction
