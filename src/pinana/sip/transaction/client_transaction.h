// ClientTransaction: the non-INVITE client transaction of RFC 3261 §17.1.2 (as updated by
// RFC 4320), as a state machine that does no I/O.
//
//   Trying --1xx--> Proceeding --final--> Completed --Timer K--> Terminated
//     |                 |                   (K is T4 on UDP; on a reliable transport Completed
//     +------final------+---------------->   is left at once)
//   Trying/Proceeding --Timer F or transport error--> Terminated (TU told)
//
// Timer E retransmits the request on unreliable transports: T1, then doubling up to T2 while
// Trying; T2 from each firing in Proceeding. Timer F (64*T1) ends the transaction with kTimeout;
// the TU then acts as on a 408 that it synthesises itself (no 408 is ever sent for a non-INVITE).
// The first final response goes to the TU; retransmitted finals and late provisionals are
// absorbed.
//
// The owner (TransactionTable, or anything that drives it) feeds events and executes the returned
// Actions. It routes to this transaction only responses that match it (TransactionKey). The
// transaction owns the serialized request; the views in kSend actions point into it. One thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pinana/base/buffer_pool.h"
#include "pinana/base/clock.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transaction/action.h"
#include "pinana/sip/transaction/timer_config.h"
#include "pinana/sip/transaction/timer_set.h"

namespace pinana::sip::transaction {

enum class ClientState : uint8_t { kTrying, kProceeding, kCompleted, kTerminated };
std::string_view to_string(ClientState state);

class ClientTransaction {
 public:
  // `request` is the serialized non-INVITE request; it is sent, and resent on Timer E, as is.
  ClientTransaction(const Clock& clock, const TimerConfig& config, Reliability reliability,
                    std::string request);

  // Enters Trying: sends the request, arms F, and E on an unreliable transport. Call once.
  Actions start();

  // A response that matched this transaction.
  Actions on_response(const Message& response);
  Actions on_response(int status_code);

  // A timer this transaction asked for has fired. Fires of timers that are not armed, or not yet
  // due on the clock, are ignored (see TimerSet).
  Actions on_timer(TimerId timer);

  // The transport could not send the request (ICMP error, connection refused or lost).
  Actions on_transport_error();

  ClientState state() const { return state_; }
  Reliability reliability() const { return reliability_; }
  // The request's bytes; "" once Completed (nothing is resent from there).
  std::string_view request() const { return request_; }
  // Where the request's buffer goes once it is no longer needed (Completed), instead of being
  // freed. Null (the default): freed. The pool must outlive the transaction.
  void recycle_into(BufferPool* pool) { pool_ = pool; }
  // The interval Timer E was last armed with (0 before start and on reliable transports).
  Duration timer_e_interval() const { return e_interval_; }

 private:
  void complete(Actions& out);
  void terminate(Actions& out);

  TimerConfig config_;
  TimerSet timers_;
  std::string request_;
  BufferPool* pool_ = nullptr;
  Duration e_interval_{0};
  Reliability reliability_;
  ClientState state_ = ClientState::kTrying;
  bool started_ = false;
};

}  // namespace pinana::sip::transaction
