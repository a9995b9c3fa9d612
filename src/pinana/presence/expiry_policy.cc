#include "pinana/presence/expiry_policy.h"

#include <algorithm>

namespace pinana::presence {

ExpiryBounds effective_bounds(ExpiryBounds b, const ExpiryOverride* o) {
  if (o != nullptr) {
    if (o->default_s) b.default_s = *o->default_s;
    if (o->min_s) b.min_s = *o->min_s;
    if (o->max_s) b.max_s = *o->max_s;
  }
  // A minimum of 0 would make "Expires: 0" ambiguous; 1 s is the smallest real interval.
  b.min_s = std::max<uint32_t>(b.min_s, 1);
  b.max_s = std::max(b.max_s, b.min_s);
  b.default_s = std::clamp(b.default_s, b.min_s, b.max_s);
  return b;
}

ExpiryDecision decide_expiry(std::optional<uint32_t> requested, const ExpiryBounds& b) {
  if (!requested) return {false, b.default_s};
  if (*requested == 0) return {false, 0};
  if (*requested < b.min_s) return {true, 0};
  return {false, std::min(*requested, b.max_s)};
}

}  // namespace pinana::presence
