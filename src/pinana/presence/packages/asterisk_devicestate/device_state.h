// DeviceState: Asterisk's device states (enum ast_device_state, asterisk-semantics §1.1) under the
// names ast_devstate_str prints, which are the names the asterisk-devicestate JSON carries.
//
// The package keeps the state as received and never aggregates; this enum only validates and
// normalises the name. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pinana::presence::packages::asterisk_devicestate {

enum class DeviceState : uint8_t {  // values as in Asterisk
  kUnknown = 0,
  kNotInUse = 1,
  kInUse = 2,
  kBusy = 3,
  kInvalid = 4,
  kUnavailable = 5,
  kRinging = 6,
  kRingInUse = 7,
  kOnHold = 8,
};

// The state named `name` (case-insensitive, e.g. "NOT_INUSE"), or nullopt.
std::optional<DeviceState> parse_device_state(std::string_view name);
std::string_view device_state_name(DeviceState state);

}  // namespace pinana::presence::packages::asterisk_devicestate
