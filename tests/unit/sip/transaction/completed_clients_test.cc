// CompletedClients: client transactions waiting out Timer K, kept in generations of at most
// kGeneration entries: look-ups across generations, expiry through them, compaction.
#include "pinana/sip/transaction/completed_clients.h"

#include <gtest/gtest.h>

namespace pinana::sip::transaction {
namespace {

constexpr size_t kGen = CompletedClients::kGeneration;

uint64_t fingerprint_of(size_t i) {
  return 0x9e3779b97f4a7c15ULL * (i + 1);
}

TEST(CompletedClientsTest, FindsEntriesAcrossGenerationsAndExpiresThemInOrder) {
  CompletedClients done;
  const TimePoint t0{Duration(1'000'000)};
  const size_t total = 3 * kGen + 5;
  for (size_t i = 0; i < total; ++i) done.add(fingerprint_of(i), 1000 + i, t0 + Duration(i));
  EXPECT_EQ(done.size(), total);
  EXPECT_EQ(done.generations(), 4u);
  for (size_t i = 0; i < total; i += 97) {
    auto id = done.find(fingerprint_of(i), t0 - Duration(1));
    ASSERT_TRUE(id.has_value()) << i;
    EXPECT_EQ(*id, 1000 + i);
  }
  EXPECT_FALSE(done.find(fingerprint_of(total), t0).has_value()) << "never added";
  EXPECT_EQ(done.next_deadline(), t0);

  // Up to and including deadline t0 + kGen: the whole first generation and one more entry.
  done.expire(t0 + Duration(kGen));
  EXPECT_EQ(done.size(), total - (kGen + 1));
  EXPECT_EQ(done.generations(), 3u) << "the first generation is dropped whole";
  EXPECT_FALSE(done.find(fingerprint_of(0), t0 + Duration(kGen)).has_value());
  EXPECT_FALSE(done.find(fingerprint_of(kGen), t0 + Duration(kGen)).has_value());
  EXPECT_EQ(done.find(fingerprint_of(kGen + 1), t0 + Duration(kGen)), 1000 + kGen + 1);
  EXPECT_EQ(done.next_deadline(), t0 + Duration(kGen + 1));

  // Compaction keeps the live entries findable, and adding goes on.
  done.compact();
  EXPECT_EQ(done.size(), total - (kGen + 1));
  EXPECT_EQ(done.find(fingerprint_of(kGen + 2), t0 + Duration(kGen)), 1000 + kGen + 2);
  EXPECT_EQ(done.find(fingerprint_of(total - 1), t0 + Duration(kGen)), 1000 + total - 1);
  done.add(fingerprint_of(total), 7, t0 + Duration(total));
  EXPECT_EQ(done.find(fingerprint_of(total), t0 + Duration(kGen)), 7u);

  done.expire(t0 + Duration(total));
  EXPECT_EQ(done.size(), 0u);
  EXPECT_EQ(done.generations(), 0u) << "nothing held once everything expired";
  EXPECT_FALSE(done.next_deadline().has_value());
  EXPECT_FALSE(done.find(fingerprint_of(total), t0).has_value());
}

TEST(CompletedClientsTest, ASingleGenerationCompactsAndKeepsRoomForMore) {
  CompletedClients done;
  const TimePoint t0{Duration(5'000)};
  for (size_t i = 0; i < 100; ++i) done.add(fingerprint_of(i), i, t0 + Duration(i));
  done.expire(t0 + Duration(49));
  done.compact();
  EXPECT_EQ(done.size(), 50u);
  for (size_t i = 100; i < kGen + 100; ++i) done.add(fingerprint_of(i), i, t0 + Duration(i));
  EXPECT_EQ(done.generations(), 2u);
  for (size_t i = 50; i < kGen + 100; i += 61)
    EXPECT_EQ(done.find(fingerprint_of(i), t0 + Duration(49)), i) << i;
}

}  // namespace
}  // namespace pinana::sip::transaction
