// ServerTransaction: the non-INVITE server transaction of RFC 3261 §17.2.2 (as updated by
// RFC 4320), as a state machine that does no I/O.
//
//   Trying --TU 100 (or late 100)--> Proceeding --TU final--> Completed --Timer J--> Terminated
//     |                                               ^         (J is 64*T1 on UDP; on a reliable
//     +-------------------TU final--------------------+          transport Completed is left at
//     once)
//   any state but Terminated --transport error--> Terminated (TU told)
//
// Request retransmissions are absorbed in Trying, answered with the last provisional in
// Proceeding and with the final response in Completed. Finals the TU sends after the first are
// discarded.
//
// RFC 4320 §4.1, enforced here: no provisional other than 100 and never a 408 (send_response
// refuses them); over UDP no 100 before the client's Timer E can have reached T2
// (TimerConfig::late_trying_delay(), 3.5 s by default, counted from this transaction's creation
// on the injected clock): an earlier 100 from the TU is dropped. When `late_trying` is on, the
// transaction arms TimerId::kTrying for that delay and, if the TU has still not answered, sends
// a 100 Trying it built from the request at creation (RFC 3261 §8.2.6.1, Timestamp copied).
//
// The owner routes to this transaction only retransmissions that match it (TransactionKey). The
// transaction owns the responses it was given; views in kSend actions point into them. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pinana/base/clock.h"
#include "pinana/base/result.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transaction/action.h"
#include "pinana/sip/transaction/timer_config.h"
#include "pinana/sip/transaction/timer_set.h"

namespace pinana::sip::transaction {

enum class ServerState : uint8_t { kTrying, kProceeding, kCompleted, kTerminated };
std::string_view to_string(ServerState state);

class ServerTransaction {
 public:
  // `request` is the non-INVITE request that creates the transaction; it is read here only (to
  // build the late 100 Trying) and need not outlive the constructor.
  ServerTransaction(const Clock& clock, const TimerConfig& config, Reliability reliability,
                    const Message& request);

  // Enters Trying: kDeliverRequest, and kTrying armed when late_trying is on. Call once.
  Actions start();

  // A retransmission of the request that created this transaction.
  Actions on_request();

  // The TU answers with `status` whose serialized response is `bytes`. Refused (Error, nothing
  // sent) for a status outside 100-699, a provisional other than 100, or 408. Accepted but not
  // sent: a 100 over UDP before late_trying_delay(), and anything once a final was sent.
  Result<Actions> send_response(int status, std::string bytes);
  Result<Actions> send_response(const Message& response);

  Actions on_timer(TimerId timer);
  Actions on_transport_error();

  ServerState state() const { return state_; }
  Reliability reliability() const { return reliability_; }
  // The response a retransmitted request would get ("" in Trying).
  std::string_view last_response() const;

 private:
  void send_provisional(std::string bytes, Actions& out);
  void terminate(Actions& out);

  const Clock* clock_;
  TimerConfig config_;
  TimerSet timers_;
  std::string trying_;       // the late 100, built at creation when late_trying is on
  std::string provisional_;  // the last provisional sent
  std::string final_;
  TimePoint trying_allowed_at_;
  Reliability reliability_;
  ServerState state_ = ServerState::kTrying;
  bool started_ = false;
};

}  // namespace pinana::sip::transaction
