#include "pinana/hub/rate_limiter.h"

#include <gtest/gtest.h>

namespace pinana::hub {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int allowed_in_a_row(RateLimiter& limiter, const std::string& source, int attempts) {
  int n = 0;
  for (int i = 0; i < attempts; ++i) n += limiter.allow(source) ? 1 : 0;
  return n;
}

TEST(RateLimiter, BurstOfRateThenRefused) {
  FakeClock clock;
  RateLimiter limiter(clock, 5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("10.0.0.1:5060")) << i;
  EXPECT_FALSE(limiter.allow("10.0.0.1:5060"));
  EXPECT_FALSE(limiter.allow("10.0.0.1:5060"));
}

TEST(RateLimiter, RefillsOverTime) {
  FakeClock clock;
  RateLimiter limiter(clock, 10);
  EXPECT_EQ(allowed_in_a_row(limiter, "a", 20), 10);
  // 10 per second: one token every 100 ms.
  clock.advance(milliseconds(99));
  EXPECT_FALSE(limiter.allow("a"));
  clock.advance(milliseconds(2));
  EXPECT_TRUE(limiter.allow("a"));
  EXPECT_FALSE(limiter.allow("a"));
  clock.advance(milliseconds(500));
  EXPECT_EQ(allowed_in_a_row(limiter, "a", 20), 5);
  // The bucket never holds more than one second's worth.
  clock.advance(seconds(60));
  EXPECT_EQ(allowed_in_a_row(limiter, "a", 100), 10);
}

TEST(RateLimiter, SourcesAreIndependent) {
  FakeClock clock;
  RateLimiter limiter(clock, 3);
  EXPECT_EQ(allowed_in_a_row(limiter, "a", 10), 3);
  EXPECT_EQ(allowed_in_a_row(limiter, "b", 10), 3);
  EXPECT_FALSE(limiter.allow("a"));
  EXPECT_EQ(limiter.tracked_sources(), 2u);
}

TEST(RateLimiter, ZeroRateIsUnlimited) {
  FakeClock clock;
  RateLimiter limiter(clock, 0);
  EXPECT_EQ(allowed_in_a_row(limiter, "a", 10000), 10000);
  EXPECT_EQ(limiter.tracked_sources(), 0u);
}

TEST(RateLimiter, IdleSourcesAreForgotten) {
  FakeClock clock;
  RateLimiter limiter(clock, 2);
  for (int i = 0; i < 50; ++i) (void)limiter.allow("src" + std::to_string(i));
  EXPECT_EQ(limiter.tracked_sources(), 50u);
  clock.advance(seconds(11));
  EXPECT_TRUE(limiter.allow("fresh"));
  EXPECT_EQ(limiter.tracked_sources(), 1u);
  // A forgotten source starts again with a full burst.
  EXPECT_EQ(allowed_in_a_row(limiter, "src0", 5), 2);
}

}  // namespace
}  // namespace pinana::hub
