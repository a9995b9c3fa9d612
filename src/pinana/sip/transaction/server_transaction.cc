#include "pinana/sip/transaction/server_transaction.h"

#include <cassert>
#include <utility>

#include "pinana/sip/writer.h"

namespace pinana::sip::transaction {

std::string_view to_string(ServerState state) {
  switch (state) {
    case ServerState::kTrying:
      return "Trying";
    case ServerState::kProceeding:
      return "Proceeding";
    case ServerState::kCompleted:
      return "Completed";
    case ServerState::kTerminated:
      return "Terminated";
  }
  return "?";
}

ServerTransaction::ServerTransaction(const Clock& clock, const TimerConfig& config,
                                     Reliability reliability, const Message& request)
    : clock_(&clock),
      config_(config),
      timers_(clock),
      trying_allowed_at_(clock.now() + config.late_trying_delay()),
      reliability_(reliability) {
  if (config_.late_trying) trying_ = make_response(request, 100, "Trying");
}

Actions ServerTransaction::start() {
  assert(!started_);
  started_ = true;
  Actions out;
  out.push(Action::signal(ActionKind::kDeliverRequest));
  if (config_.late_trying) timers_.start(TimerId::kTrying, config_.late_trying_delay(), out);
  return out;
}

Actions ServerTransaction::on_request() {
  Actions out;
  switch (state_) {
    case ServerState::kTrying:
      break;  // the TU is working on it; stay silent (RFC 3261 §17.2.2)
    case ServerState::kProceeding:
      out.push(Action::send(provisional_));
      break;
    case ServerState::kCompleted:
      out.push(Action::send(final_));
      break;
    case ServerState::kTerminated:
      break;
  }
  return out;
}

Result<Actions> ServerTransaction::send_response(const Message& response) {
  if (!response.is_response()) return Error{500, "send_response given a request"};
  return send_response(response.status_code(), response.serialize());
}

Result<Actions> ServerTransaction::send_response(int status, std::string bytes) {
  if (status < 100 || status > 699) return Error{500, "status code outside 100-699"};
  if (status > 100 && status < 200)
    return Error{500, "RFC 4320: no provisional other than 100 to a non-INVITE request"};
  if (status == 408) return Error{500, "RFC 4320: no 408 to a non-INVITE request"};
  if (bytes.empty()) return Error{500, "empty response"};

  Actions out;
  if (state_ == ServerState::kCompleted || state_ == ServerState::kTerminated) {
    return out;  // RFC 3261 §17.2.2: later responses from the TU are discarded
  }
  if (status == 100) {
    if (reliability_ == Reliability::kUnreliable && clock_->now() < trying_allowed_at_) {
      return out;  // too early over UDP (RFC 4320); the late 100 follows if still needed
    }
    send_provisional(std::move(bytes), out);
    return out;
  }
  timers_.cancel(TimerId::kTrying, out);
  final_ = std::move(bytes);
  state_ = ServerState::kCompleted;
  out.push(Action::send(final_));
  const Duration j = config_.timer_j(reliability_);
  if (j > Duration(0)) {
    timers_.start(TimerId::kJ, j, out);
  } else {
    terminate(out);
  }
  return out;
}

void ServerTransaction::send_provisional(std::string bytes, Actions& out) {
  timers_.cancel(TimerId::kTrying, out);
  provisional_ = std::move(bytes);
  state_ = ServerState::kProceeding;
  out.push(Action::send(provisional_));
}

void ServerTransaction::terminate(Actions& out) {
  timers_.cancel_all(out);
  state_ = ServerState::kTerminated;
  out.push(Action::signal(ActionKind::kTerminated));
}

Actions ServerTransaction::on_timer(TimerId timer) {
  Actions out;
  if (state_ == ServerState::kTerminated || !timers_.take_due(timer)) return out;
  switch (timer) {
    case TimerId::kTrying:
      // Only armed in Trying and cancelled on leaving it, so the TU has sent nothing yet.
      if (state_ == ServerState::kTrying) send_provisional(std::move(trying_), out);
      break;
    case TimerId::kJ:
      if (state_ == ServerState::kCompleted) terminate(out);
      break;
    case TimerId::kE:
    case TimerId::kF:
    case TimerId::kK:
      break;  // client timers; never armed here
  }
  return out;
}

Actions ServerTransaction::on_transport_error() {
  Actions out;
  if (state_ == ServerState::kTerminated) return out;
  out.push(Action::signal(ActionKind::kTransportError));
  terminate(out);
  return out;
}

std::string_view ServerTransaction::last_response() const {
  switch (state_) {
    case ServerState::kProceeding:
      return provisional_;
    case ServerState::kCompleted:
      return final_;
    case ServerState::kTrying:
    case ServerState::kTerminated:
      break;
  }
  return {};
}

}  // namespace pinana::sip::transaction
