#include "pinana/sip/transaction/action.h"

namespace pinana::sip::transaction {

std::string_view to_string(TimerId id) {
  switch (id) {
    case TimerId::kE:
      return "E";
    case TimerId::kF:
      return "F";
    case TimerId::kK:
      return "K";
    case TimerId::kJ:
      return "J";
    case TimerId::kTrying:
      return "Trying";
  }
  return "?";
}

std::string_view to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::kSend:
      return "Send";
    case ActionKind::kStartTimer:
      return "StartTimer";
    case ActionKind::kCancelTimer:
      return "CancelTimer";
    case ActionKind::kDeliverRequest:
      return "DeliverRequest";
    case ActionKind::kDeliverResponse:
      return "DeliverResponse";
    case ActionKind::kTimeout:
      return "Timeout";
    case ActionKind::kTransportError:
      return "TransportError";
    case ActionKind::kTerminated:
      return "Terminated";
    case ActionKind::kAnswerLoopDetected:
      return "AnswerLoopDetected";
    case ActionKind::kStatelessRequest:
      return "StatelessRequest";
    case ActionKind::kStrayResponse:
      return "StrayResponse";
  }
  return "?";
}

}  // namespace pinana::sip::transaction
