#include "pinana/state/aggregate.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace pinana::state {
namespace {

using S = DeviceState;
constexpr S UNK = S::kUnknown, NOTIU = S::kNotInUse, INUSE = S::kInUse, BUSY = S::kBusy,
            INVAL = S::kInvalid, UNAV = S::kUnavailable, RING = S::kRinging, RINGIU = S::kRingInUse,
            HOLD = S::kOnHold;

constexpr std::array<S, 9> kAll{UNK, NOTIU, INUSE, BUSY, INVAL, UNAV, RING, RINGIU, HOLD};

// reference/asterisk-semantics.md §1.3, row a, column b (same order as kAll).
constexpr S kTable[9][9] = {
    /* UNK    */ {UNK, NOTIU, INUSE, BUSY, UNK, UNAV, RING, RINGIU, HOLD},
    /* NOTIU  */ {NOTIU, NOTIU, INUSE, BUSY, NOTIU, NOTIU, RING, RINGIU, HOLD},
    /* INUSE  */ {INUSE, INUSE, INUSE, BUSY, INUSE, INUSE, RINGIU, RINGIU, INUSE},
    /* BUSY   */ {BUSY, BUSY, BUSY, BUSY, BUSY, BUSY, RINGIU, RINGIU, BUSY},
    /* INVAL  */ {UNK, NOTIU, INUSE, BUSY, INVAL, UNAV, RING, RINGIU, HOLD},
    /* UNAV   */ {UNAV, NOTIU, INUSE, BUSY, UNAV, UNAV, RING, RINGIU, HOLD},
    /* RING   */ {RING, RING, RINGIU, RINGIU, RING, RING, RING, RINGIU, RINGIU},
    /* RINGIU */ {RINGIU, RINGIU, RINGIU, RINGIU, RINGIU, RINGIU, RINGIU, RINGIU, RINGIU},
    /* HOLD   */ {HOLD, HOLD, INUSE, BUSY, HOLD, HOLD, RINGIU, RINGIU, HOLD},
};

TEST(Aggregate, PairwiseTableOfAsterisk) {
  int checked = 0;
  for (size_t a = 0; a < 9; ++a) {
    for (size_t b = 0; b < 9; ++b) {
      const std::array<S, 2> pair{kAll[a], kAll[b]};
      EXPECT_EQ(aggregate(pair), kTable[a][b])
          << to_string(kAll[a]) << " + " << to_string(kAll[b]) << " gave "
          << to_string(aggregate(pair)) << ", want " << to_string(kTable[a][b]);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 81);
}

TEST(Aggregate, EmptyIsInvalid) {
  EXPECT_EQ(aggregate(std::span<const S>()), INVAL);
  EXPECT_EQ(DeviceAggregate().result(), INVAL);
}

TEST(Aggregate, SingleStateIsItself) {
  for (S s : kAll) {
    const std::array<S, 1> one{s};
    EXPECT_EQ(aggregate(one), s) << to_string(s);
  }
}

TEST(Aggregate, CommutativeOverTriples) {
  for (S a : kAll) {
    for (S b : kAll) {
      for (S c : kAll) {
        const std::array<S, 3> abc{a, b, c};
        const S want = aggregate(abc);
        const std::array<std::array<S, 3>, 5> perms{
            {{a, c, b}, {b, a, c}, {b, c, a}, {c, a, b}, {c, b, a}}};
        for (const auto& p : perms) {
          ASSERT_EQ(aggregate(p), want)
              << to_string(a) << "," << to_string(b) << "," << to_string(c);
        }
        // Associative with the pairwise table too: fold(fold(a,b),c).
        const std::array<S, 2> ab{a, b};
        const std::array<S, 2> ab_c{aggregate(ab), c};
        ASSERT_EQ(aggregate(ab_c), want)
            << to_string(a) << "," << to_string(b) << "," << to_string(c);
      }
    }
  }
}

TEST(Aggregate, ClusterExamples) {
  // Registered on one of three servers: the real state wins over UNAVAILABLE.
  EXPECT_EQ(aggregate(std::vector<S>{UNAV, NOTIU, UNAV}), NOTIU);
  // Ringing on A while in use on B.
  EXPECT_EQ(aggregate(std::vector<S>{RING, UNAV, INUSE}), RINGIU);
  EXPECT_EQ(aggregate(std::vector<S>{UNK, UNAV}), UNAV);
  EXPECT_EQ(aggregate(std::vector<S>{INVAL, INVAL}), INVAL);
}

}  // namespace
}  // namespace pinana::state
