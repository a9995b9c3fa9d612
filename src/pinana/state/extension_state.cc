#include "pinana/state/extension_state.h"

namespace pinana::state {

ExtensionState to_extension_state(DeviceState aggregated) {
  switch (aggregated) {
    case DeviceState::kNotInUse:
    case DeviceState::kUnknown:
      return ExtensionState::kNotInUse;
    case DeviceState::kInUse:
      return ExtensionState::kInUse;
    case DeviceState::kBusy:
      return ExtensionState::kBusy;
    case DeviceState::kUnavailable:
    case DeviceState::kInvalid:
      return ExtensionState::kUnavailable;
    case DeviceState::kRinging:
      return ExtensionState::kRinging;
    case DeviceState::kRingInUse:
      return ExtensionState::kInUseRinging;
    case DeviceState::kOnHold:
      return ExtensionState::kOnHold;
  }
  return ExtensionState::kNotInUse;
}

std::string_view to_text(ExtensionState state) {
  switch (state) {
    case ExtensionState::kNotInUse:
      return "Idle";
    case ExtensionState::kInUse:
      return "InUse";
    case ExtensionState::kBusy:
      return "Busy";
    case ExtensionState::kUnavailable:
      return "Unavailable";
    case ExtensionState::kRinging:
      return "Ringing";
    case ExtensionState::kInUseRinging:
      return "InUse&Ringing";
    case ExtensionState::kOnHold:
      return "Hold";
    case ExtensionState::kRemoved:
    case ExtensionState::kDeactivated:
      break;
  }
  return "Unknown";
}

bool includes_ringing(ExtensionState state) {
  return state == ExtensionState::kRinging || state == ExtensionState::kInUseRinging;
}

}  // namespace pinana::state
