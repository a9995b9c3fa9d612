// Bounded per-nonce nc memory.
#include "pinana/sip/auth/nonce_tracker.h"

#include <algorithm>

namespace pinana::sip::auth {

void NonceTracker::expire(TimePoint now) {
  const int64_t oldest_live = (now - lifetime_).time_since_epoch().count();
  while (!highest_nc_.empty() && highest_nc_.begin()->first.issued_ms < oldest_live)
    highest_nc_.erase(highest_nc_.begin());
}

NonceTracker::Use NonceTracker::use(const NonceId& id, uint32_t nc, TimePoint now) {
  expire(now);
  auto it = highest_nc_.find(id);
  if (it != highest_nc_.end()) {
    if (nc <= it->second) return Use::kReplay;
    it->second = nc;
    return Use::kFresh;
  }
  if (id.issued_ms <= forgotten_through_ms_) return Use::kForgotten;
  if (nc == 0) return Use::kReplay;  // nc counts from 1 (RFC 7616 §3.4)
  if (highest_nc_.size() >= capacity_) {
    auto oldest = highest_nc_.begin();
    if (id < oldest->first) {
      // Older than everything kept: keeping it would evict a younger nonce, so forget it instead.
      forgotten_through_ms_ = std::max(forgotten_through_ms_, id.issued_ms);
      return Use::kForgotten;
    }
    forgotten_through_ms_ = std::max(forgotten_through_ms_, oldest->first.issued_ms);
    highest_nc_.erase(oldest);
  }
  highest_nc_.emplace(id, nc);
  return Use::kFresh;
}

}  // namespace pinana::sip::auth
