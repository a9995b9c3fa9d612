// Bounded per-nonce nc memory.
#include "pinana/sip/auth/nonce_tracker.h"

namespace pinana::sip::auth {

void NonceTracker::expire(TimePoint now) {
  const int64_t oldest_live = (now - lifetime_).time_since_epoch().count();
  while (!highest_nc_.empty() && highest_nc_.begin()->first.issued_ms < oldest_live)
    highest_nc_.erase(highest_nc_.begin());
}

NonceTracker::Use NonceTracker::use(const NonceId& id, uint32_t nc, TimePoint now) {
  expire(now);
  // Past its lifetime: its entry may be gone, so nothing can be said about its counts.
  if (id.issued() < now - lifetime_) return Use::kForgotten;
  auto it = highest_nc_.find(id);
  if (it != highest_nc_.end()) {
    if (nc <= it->second) return Use::kReplay;
    it->second = nc;
    return Use::kFresh;
  }
  if (nc == 0) return Use::kReplay;  // nc counts from 1 (RFC 7616 §3.4)
  if (highest_nc_.size() >= capacity_) {
    // Eviction takes the oldest entry, and a live table stays full, so every evicted nonce that
    // has not expired is older than the oldest entry kept: refusing those refuses every replay.
    if (id < highest_nc_.begin()->first) return Use::kForgotten;
    highest_nc_.erase(highest_nc_.begin());
  }
  highest_nc_.emplace(id, nc);
  return Use::kFresh;
}

}  // namespace pinana::sip::auth
