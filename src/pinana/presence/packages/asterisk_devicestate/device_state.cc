#include "pinana/presence/packages/asterisk_devicestate/device_state.h"

#include <array>

namespace pinana::presence::packages::asterisk_devicestate {
namespace {

// Indexed by the enum value.
constexpr std::array<std::string_view, 9> kNames{
    "UNKNOWN",     "NOT_INUSE", "INUSE",     "BUSY",   "INVALID",
    "UNAVAILABLE", "RINGING",   "RINGINUSE", "ONHOLD",
};

}  // namespace

std::optional<DeviceState> parse_device_state(std::string_view name) {
  // Case-insensitive, as Asterisk's ast_devstate_val. Asterisk maps any other word to UNKNOWN
  // silently, which would hide a broken sender; the hub refuses it instead.
  auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
  for (size_t i = 0; i < kNames.size(); ++i) {
    const std::string_view n = kNames[i];
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t k = 0; k < n.size() && same; ++k) same = upper(name[k]) == n[k];
    if (same) return static_cast<DeviceState>(i);
  }
  return std::nullopt;
}

std::string_view device_state_name(DeviceState state) {
  const auto i = static_cast<size_t>(state);
  return i < kNames.size() ? kNames[i] : std::string_view("UNKNOWN");
}

}  // namespace pinana::presence::packages::asterisk_devicestate
