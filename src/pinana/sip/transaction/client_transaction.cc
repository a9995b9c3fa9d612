#include "pinana/sip/transaction/client_transaction.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace pinana::sip::transaction {

std::string_view to_string(ClientState state) {
  switch (state) {
    case ClientState::kTrying:
      return "Trying";
    case ClientState::kProceeding:
      return "Proceeding";
    case ClientState::kCompleted:
      return "Completed";
    case ClientState::kTerminated:
      return "Terminated";
  }
  return "?";
}

ClientTransaction::ClientTransaction(const Clock& clock, const TimerConfig& config,
                                     Reliability reliability, std::string request)
    : config_(config), timers_(clock), request_(std::move(request)), reliability_(reliability) {}

Actions ClientTransaction::start() {
  assert(!started_);
  started_ = true;
  Actions out;
  out.push(Action::send(request_));
  timers_.start(TimerId::kF, config_.timer_f(), out);
  if (reliability_ == Reliability::kUnreliable) {
    e_interval_ = config_.timer_e_initial();
    timers_.start(TimerId::kE, e_interval_, out);
  }
  return out;
}

Actions ClientTransaction::on_response(const Message& response) {
  if (!response.is_response()) return {};
  return on_response(response.status_code());
}

Actions ClientTransaction::on_response(int status_code) {
  Actions out;
  if (status_code < 100 || status_code > 699) return out;
  const bool provisional = status_code < 200;
  switch (state_) {
    case ClientState::kTrying:
    case ClientState::kProceeding:
      if (provisional) {
        // Timer E keeps its current schedule; only its next firing switches it to T2.
        state_ = ClientState::kProceeding;
        out.push(Action::signal(ActionKind::kDeliverResponse));
      } else {
        timers_.cancel(TimerId::kE, out);
        timers_.cancel(TimerId::kF, out);
        out.push(Action::signal(ActionKind::kDeliverResponse));
        complete(out);
      }
      break;
    case ClientState::kCompleted:
    case ClientState::kTerminated:
      // Retransmitted finals (and provisionals overtaken by the final) are absorbed.
      break;
  }
  return out;
}

void ClientTransaction::complete(Actions& out) {
  state_ = ClientState::kCompleted;
  // Nothing is resent from Completed; Timer K only absorbs response retransmissions, so the
  // request's bytes (often a NOTIFY with a body) need not wait for it.
  if (pool_ != nullptr) pool_->give(std::move(request_));
  std::string().swap(request_);
  const Duration k = config_.timer_k(reliability_);
  if (k > Duration(0)) {
    timers_.start(TimerId::kK, k, out);
  } else {
    terminate(out);
  }
}

void ClientTransaction::terminate(Actions& out) {
  timers_.cancel_all(out);
  state_ = ClientState::kTerminated;
  out.push(Action::signal(ActionKind::kTerminated));
}

Actions ClientTransaction::on_timer(TimerId timer) {
  Actions out;
  if (state_ == ClientState::kTerminated || !timers_.take_due(timer)) return out;
  switch (timer) {
    case TimerId::kE:
      if (state_ == ClientState::kTrying) {
        e_interval_ = std::min(2 * e_interval_, config_.t2);
      } else if (state_ == ClientState::kProceeding) {
        e_interval_ = config_.t2;
      } else {
        break;  // Completed: E was cancelled on entry; a due fire cannot reach here.
      }
      out.push(Action::send(request_));
      timers_.start(TimerId::kE, e_interval_, out);
      break;
    case TimerId::kF:
      if (state_ == ClientState::kTrying || state_ == ClientState::kProceeding) {
        out.push(Action::signal(ActionKind::kTimeout));
        terminate(out);
      }
      break;
    case TimerId::kK:
      if (state_ == ClientState::kCompleted) terminate(out);
      break;
    case TimerId::kJ:
    case TimerId::kTrying:
      break;  // server timers; never armed here
  }
  return out;
}

Actions ClientTransaction::on_transport_error() {
  Actions out;
  switch (state_) {
    case ClientState::kTrying:
    case ClientState::kProceeding:
      out.push(Action::signal(ActionKind::kTransportError));
      terminate(out);
      break;
    case ClientState::kCompleted:
      // The TU already has its final response; nothing is left to send or wait for.
      terminate(out);
      break;
    case ClientState::kTerminated:
      break;
  }
  return out;
}

}  // namespace pinana::sip::transaction
