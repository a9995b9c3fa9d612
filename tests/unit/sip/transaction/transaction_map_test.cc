// TransactionMap: per-transaction context found by id through the table's cells, where an id
// whose cell has been reused finds nothing, and compact() frees the chunks left empty.
#include "pinana/sip/transaction/transaction_map.h"

#include <gtest/gtest.h>

#include <string>

namespace pinana::sip::transaction {
namespace {

TransactionId id_of(uint32_t generation, uint32_t index) {
  return TransactionId{(uint64_t{generation} << 32) | index};
}

TEST(TransactionMapTest, FindsWhatWasSetForThatIdOnly) {
  TransactionMap<std::string> map;
  EXPECT_EQ(map.find(id_of(1, 3)), nullptr);
  map.set(id_of(1, 3), "three");
  map.set(id_of(1, 700), "seven hundred");  // another chunk
  ASSERT_NE(map.find(id_of(1, 3)), nullptr);
  EXPECT_EQ(*map.find(id_of(1, 3)), "three");
  EXPECT_EQ(*map.find(id_of(1, 700)), "seven hundred");
  EXPECT_EQ(map.find(id_of(2, 3)), nullptr) << "a later transaction in the same cell";
  EXPECT_EQ(map.find(id_of(1, 4)), nullptr);
  EXPECT_EQ(map.size(), 2u);

  // The cell reused: the new id replaces the old one's entry, and erasing the old id is a no-op.
  map.set(id_of(2, 3), "three again");
  EXPECT_EQ(map.find(id_of(1, 3)), nullptr);
  map.erase(id_of(1, 3));
  ASSERT_NE(map.find(id_of(2, 3)), nullptr);
  EXPECT_EQ(*map.find(id_of(2, 3)), "three again");
  EXPECT_EQ(map.size(), 2u);

  map.erase(id_of(2, 3));
  EXPECT_EQ(map.find(id_of(2, 3)), nullptr);
  EXPECT_EQ(map.size(), 1u);
}

TEST(TransactionMapTest, CompactFreesEmptyChunksAndKeepsTheRest) {
  TransactionMap<std::string> map;
  for (uint32_t i = 0; i < 1024; ++i) map.set(id_of(1, i), std::to_string(i));
  for (uint32_t i = 0; i < 1024; ++i)
    if (i != 600) map.erase(id_of(1, i));
  map.compact();
  EXPECT_EQ(map.size(), 1u);
  ASSERT_NE(map.find(id_of(1, 600)), nullptr);
  EXPECT_EQ(*map.find(id_of(1, 600)), "600");
  EXPECT_EQ(map.find(id_of(1, 10)), nullptr);
  map.set(id_of(2, 10), "ten");  // a freed chunk comes back when needed
  EXPECT_EQ(*map.find(id_of(2, 10)), "ten");
  EXPECT_EQ(map.size(), 2u);
}

}  // namespace
}  // namespace pinana::sip::transaction
