// RateLimiter: a token bucket per source address, answering "may this source send one more
// request now?" for the hub's per-source request-rate limit (503 + Retry-After beyond it).
//
// Buckets refill at `rate` tokens per second up to a burst of `rate` tokens; idle buckets are
// forgotten so memory stays bounded by the number of recently active sources. Owned by one thread;
// takes the hub's injected clock.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "pinana/base/clock.h"

namespace pinana::hub {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, uint32_t rate_per_second);

  // Takes one token from `source`'s bucket; false when it is empty. Always true when the rate is 0.
  bool allow(const std::string& source);
  size_t tracked_sources() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    TimePoint last;
  };
  void sweep(TimePoint now);

  const Clock& clock_;
  double rate_;
  std::unordered_map<std::string, Bucket> buckets_;
  TimePoint last_sweep_;
};

}  // namespace pinana::hub
