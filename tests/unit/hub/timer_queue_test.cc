// TimerQueue: FIFO lanes per delay and a heap for the rest must hand out timers earliest first,
// only once due, whatever mix of delays was pushed.
#include "pinana/hub/timer_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <utility>
#include <vector>

namespace pinana::hub {
namespace {

using sip::transaction::TimerId;
using sip::transaction::TransactionId;
using std::chrono::milliseconds;

TEST(TimerQueueTest, HandsOutTimersEarliestFirstAndOnlyWhenDue) {
  TimerQueue q;
  const TimePoint t0{};
  EXPECT_FALSE(q.next());
  q.push(t0, milliseconds(32000), TransactionId{1}, TimerId::kF);
  q.push(t0, milliseconds(500), TransactionId{1}, TimerId::kE);
  q.push(t0 + milliseconds(100), milliseconds(500), TransactionId{2}, TimerId::kE);
  q.push(t0 + milliseconds(100), milliseconds(32000), TransactionId{2}, TimerId::kF);
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(q.next(), t0 + milliseconds(500));
  EXPECT_FALSE(q.pop_due(t0 + milliseconds(499)));
  auto first = q.pop_due(t0 + milliseconds(600));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, TransactionId{1});
  EXPECT_EQ(first->timer, TimerId::kE);
  auto second = q.pop_due(t0 + milliseconds(600));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, TransactionId{2});
  EXPECT_FALSE(q.pop_due(t0 + milliseconds(600)));
  EXPECT_EQ(q.next(), t0 + milliseconds(32000));
  EXPECT_EQ(q.pop_due(t0 + milliseconds(40000))->id, TransactionId{1});
  EXPECT_EQ(q.pop_due(t0 + milliseconds(40000))->id, TransactionId{2});
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(q.next());
}

TEST(TimerQueueTest, AnyMixOfDelaysAndLanesComesOutInDeadlineOrder) {
  // More distinct delays than lanes (the rest go to the heap), a clock that moves forward in
  // uneven steps, and one push with a clock that went back: all must come out sorted.
  TimerQueue q;
  std::mt19937 rng(7);
  std::vector<std::pair<TimePoint, uint64_t>> expected;
  TimePoint now{};
  for (uint64_t i = 1; i <= 20000; ++i) {
    now += milliseconds(rng() % 3);
    const Duration delay = milliseconds(100 * (1 + rng() % 12));
    TimePoint at = now;
    if (i == 5000) at = now - milliseconds(50);  // the clock went back once
    q.push(at, delay, TransactionId{i}, TimerId::kE);
    expected.emplace_back(at + delay, i);
  }
  EXPECT_EQ(q.size(), expected.size());
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  TimePoint last{};
  size_t popped = 0;
  for (TimePoint t{}; popped < expected.size(); t += milliseconds(37)) {
    while (auto e = q.pop_due(t)) {
      EXPECT_LE(e->when, t);
      EXPECT_GE(e->when, last) << "timer " << e->id.value << " out of order";
      last = e->when;
      ++popped;
    }
  }
  EXPECT_EQ(popped, expected.size());
  EXPECT_EQ(last, expected.back().first);
  q.compact();
  EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace pinana::hub
