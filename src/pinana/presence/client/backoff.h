// Backoff and refresh timing shared by the client-side presence machines (RFC 3903 §4.1,
// RFC 6665 §4.1.2.1).
//
// Backoff: 1 s doubling to 30 s, reset by a success; a Retry-After from the peer wins.
// refresh_delay(): when to refresh a publication or subscription granted `expires` seconds:
// max(expires - 5 s, expires / 2) after the 2xx. Plain values; the owner's thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "pinana/base/clock.h"

namespace pinana::presence::client {

inline Duration refresh_delay(uint32_t expires_s) {
  const Duration full = Duration(int64_t{expires_s} * 1000);
  return std::max(full - Duration(5000), full / 2);
}

class Backoff {
 public:
  static constexpr Duration kFirst{1000};
  static constexpr Duration kMax{30000};

  // The delay before the next attempt; `retry_after_s` (from the peer) wins when given.
  Duration next(std::optional<uint32_t> retry_after_s = std::nullopt) {
    const Duration d = current_;
    current_ = std::min(current_ * 2, kMax);
    if (retry_after_s) return Duration(int64_t{*retry_after_s} * 1000);
    return d;
  }
  void reset() { current_ = kFirst; }
  Duration peek() const { return current_; }

 private:
  Duration current_ = kFirst;
};

}  // namespace pinana::presence::client
