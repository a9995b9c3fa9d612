// ExtensionState: Asterisk's extension (hint) states (enum ast_extension_states) with the same
// numeric values and AMI / `core show hints` texts, and the device → extension mapping
// (ast_devstate_to_extenstate, reference/asterisk-semantics.md §3).
//
// Plain values and pure functions; any thread.
#pragma once

#include <string_view>

#include "pinana/state/device_state.h"

namespace pinana::state {

enum class ExtensionState : int {
  kRemoved = -2,      // the extension went away
  kDeactivated = -1,  // the hint went away; watchers are terminated
  kNotInUse = 0,
  kInUse = 1,
  kBusy = 2,
  kUnavailable = 4,
  kRinging = 8,
  kInUseRinging = 9,
  kOnHold = 16,
};

ExtensionState to_extension_state(DeviceState aggregated);

// "Idle", "InUse", "Busy", "Unavailable", "Ringing", "InUse&Ringing", "Hold"; "Unknown" otherwise.
std::string_view to_text(ExtensionState state);

// True for kRinging and kInUseRinging (the states extended watchers are re-notified in).
bool includes_ringing(ExtensionState state);

}  // namespace pinana::state
