#include "pinana/state/device_state.h"

#include <array>

namespace pinana::state {
namespace {

struct Names {
  std::string_view machine;
  std::string_view human;
};

// Indexed by the numeric value (AST main/devicestate.c devstatestring[][2]).
constexpr std::array<Names, kDeviceStateCount> kNames{{
    {"UNKNOWN", "Unknown"},
    {"NOT_INUSE", "Not in use"},
    {"INUSE", "In use"},
    {"BUSY", "Busy"},
    {"INVALID", "Invalid"},
    {"UNAVAILABLE", "Unavailable"},
    {"RINGING", "Ringing"},
    {"RINGINUSE", "Ring+Inuse"},
    {"ONHOLD", "On Hold"},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(DeviceState state) {
  auto i = static_cast<size_t>(state);
  return i < kNames.size() ? kNames[i].machine : std::string_view("UNKNOWN");
}

std::string_view to_human(DeviceState state) {
  auto i = static_cast<size_t>(state);
  return i < kNames.size() ? kNames[i].human : std::string_view("Unknown");
}

std::optional<DeviceState> parse_device_state(std::string_view text) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (iequals(text, kNames[i].machine)) return static_cast<DeviceState>(i);
  }
  return std::nullopt;
}

DeviceState devstate_val(std::string_view text) {
  return parse_device_state(text).value_or(DeviceState::kUnknown);
}

}  // namespace pinana::state
