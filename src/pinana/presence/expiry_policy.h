// Expiry negotiation shared by PUBLISH (RFC 3903 §6 step 5) and SUBSCRIBE (RFC 6665 §4.2.1.1):
// a missing Expires gets the default, a non-zero value below the minimum is refused (423 with
// Min-Expires), a value above the maximum is shortened. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "pinana/presence/event_package.h"
#include "pinana/presence/presence_config.h"

namespace pinana::presence {

// The package's bounds with the configured overrides applied, made consistent
// (min <= default <= max).
ExpiryBounds effective_bounds(ExpiryBounds package_bounds, const ExpiryOverride* override_or_null);

struct ExpiryDecision {
  bool too_brief = false;  // answer 423 with Min-Expires: bounds.min_s
  uint32_t granted_s = 0;  // when !too_brief; 0 only when 0 was asked for
};

ExpiryDecision decide_expiry(std::optional<uint32_t> requested_s, const ExpiryBounds& bounds);

}  // namespace pinana::presence
