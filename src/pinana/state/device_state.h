// DeviceState: Asterisk's device states (enum ast_device_state), with the same numeric values,
// machine names and human names, so they can travel unchanged over every cluster transport.
//
// Plain values and pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace pinana::state {

// The numeric values are frozen: Corosync/AIS events carry them on the wire.
enum class DeviceState : uint8_t {
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

inline constexpr int kDeviceStateCount = 9;

// "UNKNOWN", "NOT_INUSE", "INUSE", "BUSY", "INVALID", "UNAVAILABLE", "RINGING", "RINGINUSE",
// "ONHOLD".
std::string_view to_string(DeviceState state);

// "Unknown", "Not in use", "In use", "Busy", "Invalid", "Unavailable", "Ringing", "Ring+Inuse",
// "On Hold".
std::string_view to_human(DeviceState state);

// Strict: one of the nine machine names, case-insensitive; anything else is nullopt (the API
// answers 400).
std::optional<DeviceState> parse_device_state(std::string_view text);

// Asterisk's ast_devstate_val: lenient, unrecognised text gives kUnknown.
DeviceState devstate_val(std::string_view text);

}  // namespace pinana::state
