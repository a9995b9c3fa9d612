// NonceTracker: the nonce-count memory that stops replays (RFC 7616 §3.4 "nc", §5.5; RFC 2617
// §4.5). For each nonce that has authenticated a request it keeps the highest nc accepted; a
// request must carry a strictly higher nc to be accepted again.
//
// Memory is bounded. Entries leave when their nonce is older than the nonce lifetime (such nonces
// are refused as stale before they get here) or, when the table is full, oldest-issued first. A
// nonce pushed out early is not forgotten silently: an unknown nonce older than the oldest entry of
// a full table is answered kForgotten, so the server re-challenges (stale=true) instead of
// accepting a replay. Entries are made only for requests whose response was correct, so a peer
// without the password cannot fill the table.
//
// Owned by one DigestServer and used from its thread only; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>

#include "pinana/base/clock.h"
#include "pinana/sip/auth/nonce_codec.h"

namespace pinana::sip::auth {

class NonceTracker {
 public:
  enum class Use : uint8_t {
    kFresh,      // nc is above every nc seen with this nonce: accepted and recorded
    kReplay,     // nc not above the highest seen: refused
    kForgotten,  // expired, or possibly evicted early: refused, re-challenge
  };

  NonceTracker(size_t capacity, Duration lifetime)
      : capacity_(capacity == 0 ? 1 : capacity), lifetime_(lifetime) {}

  // Records (id, nc) if nc is fresh for that nonce. Expires old entries first.
  Use use(const NonceId& id, uint32_t nc, TimePoint now);

  // Drops entries of nonces older than the lifetime.
  void expire(TimePoint now);

  size_t size() const { return highest_nc_.size(); }

 private:
  size_t capacity_;
  Duration lifetime_;
  std::map<NonceId, uint32_t> highest_nc_;  // ordered by issue time, oldest first
};

}  // namespace pinana::sip::auth
