#include "pinana/hub/rate_limiter.h"

#include <algorithm>

namespace pinana::hub {

RateLimiter::RateLimiter(const Clock& clock, uint32_t rate_per_second)
    : clock_(clock), rate_(rate_per_second), last_sweep_(clock.now()) {}

bool RateLimiter::allow(const std::string& source) {
  if (rate_ <= 0) return true;
  const TimePoint now = clock_.now();
  if (now - last_sweep_ > std::chrono::seconds(10)) sweep(now);
  auto [it, fresh] = buckets_.try_emplace(source, Bucket{rate_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(rate_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

void RateLimiter::sweep(TimePoint now) {
  // A bucket idle long enough to be full again carries no information.
  const auto full_after = std::chrono::duration<double>(1.0);
  std::erase_if(buckets_, [&](const auto& kv) { return now - kv.second.last > full_after; });
  last_sweep_ = now;
}

}  // namespace pinana::hub
