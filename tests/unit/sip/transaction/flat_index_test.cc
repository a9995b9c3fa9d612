// FlatIndex: colliding fingerprints, wrap-around runs and deletions in the middle of a run must
// never lose or confuse an item.
#include "pinana/sip/transaction/flat_index.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <set>

namespace pinana::sip::transaction {
namespace {

struct Item {
  uint64_t fingerprint;
  int key;
};

TEST(FlatIndexTest, CollidingFingerprintsAreToldApartByTheCallersKey) {
  FlatIndex<Item> index;
  Item a{7, 1}, b{7, 2}, c{7 + 64, 3};  // same fingerprint; same home slot at 64 slots
  index.insert(a.fingerprint, &a);
  index.insert(b.fingerprint, &b);
  index.insert(c.fingerprint, &c);
  auto by_key = [](int k) { return [k](const Item& i) { return i.key == k; }; };
  EXPECT_EQ(index.find(7, by_key(1)), &a);
  EXPECT_EQ(index.find(7, by_key(2)), &b);
  EXPECT_EQ(index.find(7 + 64, by_key(3)), &c);
  EXPECT_EQ(index.find(7, by_key(3)), nullptr) << "another fingerprint";
  index.erase(7, &a);  // the head of the run
  EXPECT_EQ(index.find(7, by_key(1)), nullptr);
  EXPECT_EQ(index.find(7, by_key(2)), &b);
  EXPECT_EQ(index.find(7 + 64, by_key(3)), &c);
  EXPECT_EQ(index.size(), 2u);
}

TEST(FlatIndexTest, RandomInsertsAndErasesKeepEveryLookUpExact) {
  // Few distinct low bits, so that runs are long and wrap around the end of the array.
  FlatIndex<Item> index;
  std::deque<Item> items;
  std::set<size_t> live;
  std::mt19937_64 rng(11);
  for (int round = 0; round < 20000; ++round) {
    if (live.empty() || rng() % 3 != 0) {
      items.push_back(Item{(rng() % 40) | 0xfffff000ull, round});
      index.insert(items.back().fingerprint, &items.back());
      live.insert(items.size() - 1);
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      index.erase(items[*it].fingerprint, &items[*it]);
      live.erase(it);
    }
    if (round % 1000 == 0) index.compact();
  }
  EXPECT_EQ(index.size(), live.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    Item* found = index.find(item.fingerprint, [&](const Item& x) { return x.key == item.key; });
    EXPECT_EQ(found, live.count(i) ? &items[i] : nullptr) << "item " << i;
  }
}

}  // namespace
}  // namespace pinana::sip::transaction
