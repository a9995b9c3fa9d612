// CachedClock: holds its source's time from one refresh() to the next.
#include "pinana/base/clock.h"

#include <gtest/gtest.h>

namespace pinana {
namespace {

TEST(CachedClockTest, ReadsItsSourceOnlyOnRefresh) {
  FakeClock source;
  CachedClock cached(source);
  const TimePoint start = source.now();
  EXPECT_EQ(cached.now(), start) << "constructed with the source's time";
  source.advance(Duration(250));
  EXPECT_EQ(cached.now(), start) << "the same instant until refreshed";
  cached.refresh();
  EXPECT_EQ(cached.now(), start + Duration(250));
}

}  // namespace
}  // namespace pinana
