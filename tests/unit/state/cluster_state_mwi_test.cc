#include <gtest/gtest.h>

#include "events_text.h"
#include "pinana/state/cluster_state.h"

namespace pinana::state {
namespace {

const Eid kSelf = *Eid::parse("00:00:00:00:00:02");
const Eid kA = *Eid::parse("00:00:00:00:00:01");
const Eid kB = *Eid::parse("00:00:00:00:00:03");

TimePoint at(int seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

class ClusterMwiTest : public ::testing::Test {
 protected:
  ClusterState cs_{kSelf};
};

TEST_F(ClusterMwiTest, LocalCountsAreSentAndSummed) {
  EXPECT_EQ(texts(cs_.set_local_mwi("1000@default", 1, 2, at(1))),
            (Texts{"localmwi 1000@default 1/2", "mwi 1000@default 1/2"}));
  EXPECT_TRUE(cs_.set_local_mwi("1000@default", 1, 2, at(2)).empty());
  EXPECT_EQ(texts(cs_.apply_remote_mwi("1000@default", kA, 3, 0, at(2))),
            (Texts{"mwi 1000@default 4/2"}));
  EXPECT_EQ(texts(cs_.set_local_mwi("1000@default", 0, 3, at(3))),
            (Texts{"localmwi 1000@default 0/3", "mwi 1000@default 3/3"}));
  auto view = cs_.mwi("1000@default");
  ASSERT_TRUE(view);
  EXPECT_EQ(view->new_messages, 3);
  EXPECT_EQ(view->old_messages, 3);
  ASSERT_EQ(view->per_eid.size(), 2u);
  EXPECT_EQ(view->per_eid[0].first, kA);
  EXPECT_EQ(view->per_eid[0].second, (std::pair<int, int>{3, 0}));
  EXPECT_EQ(view->per_eid[1].first, kSelf);
  EXPECT_EQ(view->per_eid[1].second, (std::pair<int, int>{0, 3}));
}

TEST_F(ClusterMwiTest, LocalChangeThenRemoteRepeat) {
  (void)cs_.set_local_mwi("1000@default", 1, 0, at(1));
  (void)cs_.apply_remote_mwi("1000@default", kA, 0, 1, at(1));
  EXPECT_EQ(texts(cs_.set_local_mwi("1000@default", 0, 1, at(2))),
            (Texts{"localmwi 1000@default 0/1", "mwi 1000@default 0/2"}));
  // A remote node repeating its counts says nothing.
  (void)cs_.apply_remote_mwi("1000@default", kB, 0, 0, at(2));
  EXPECT_TRUE(cs_.apply_remote_mwi("1000@default", kB, 0, 0, at(3)).empty());
}

TEST_F(ClusterMwiTest, OwnEidFromRemoteIsIgnored) {
  EXPECT_TRUE(cs_.apply_remote_mwi("1000@default", kSelf, 5, 5, at(1)).empty());
  EXPECT_FALSE(cs_.mwi("1000@default"));
  (void)cs_.set_local_mwi("1000@default", 1, 1, at(1));
  EXPECT_TRUE(cs_.withdraw_remote_mwi("1000@default", kSelf).empty());
  EXPECT_TRUE(cs_.mwi("1000@default"));
}

TEST_F(ClusterMwiTest, WithdrawRemote) {
  (void)cs_.apply_remote_mwi("1000@default", kA, 2, 0, at(1));
  (void)cs_.apply_remote_mwi("1000@default", kB, 1, 0, at(1));
  EXPECT_EQ(texts(cs_.withdraw_remote_mwi("1000@default", kA)), (Texts{"mwi 1000@default 1/0"}));
  EXPECT_TRUE(cs_.withdraw_remote_mwi("1000@default", kA).empty());
  EXPECT_EQ(texts(cs_.withdraw_remote_mwi("1000@default", kB)), (Texts{"mwi 1000@default 0/0"}));
  EXPECT_FALSE(cs_.mwi("1000@default"));
  EXPECT_EQ(cs_.members().size(), 1u);
}

TEST_F(ClusterMwiTest, ReplaceRemote) {
  (void)cs_.set_local_mwi("1000@default", 1, 0, at(1));
  (void)cs_.apply_remote_mwi("1000@default", kA, 2, 0, at(1));
  (void)cs_.apply_remote_mwi("2000@default", kA, 2, 0, at(1));
  (void)cs_.apply_remote_mwi("3000@default", kB, 1, 1, at(1));
  const ClusterState::RemoteMwi full[] = {
      {"1000@default", kA, 2, 0},    // unchanged
      {"3000@default", kB, 4, 1},    // changed
      {"4000@sales", kB, 1, 0},      // new
      {"1000@default", kSelf, 9, 9}  // own EID: ignored
  };
  EXPECT_EQ(texts(cs_.replace_remote_mwi(full, at(5))),
            (Texts{"mwi 2000@default 0/0", "mwi 3000@default 4/1", "mwi 4000@sales 1/0"}));
  std::vector<std::string> names;
  for (const auto& m : cs_.mailboxes()) names.push_back(m.mailbox);
  EXPECT_EQ(names, (std::vector<std::string>{"1000@default", "3000@default", "4000@sales"}));
  EXPECT_EQ(cs_.mwi("1000@default")->new_messages, 3);
  EXPECT_EQ(cs_.members()[1].last_update, at(5));
}

TEST_F(ClusterMwiTest, MemberKeptWhileItHasMailboxes) {
  (void)cs_.apply_remote_mwi("1000@default", kA, 1, 0, at(1));
  (void)cs_.apply_remote("PJSIP/a", kA, DeviceState::kInUse, true, at(2));
  (void)cs_.withdraw_remote("PJSIP/a", kA);
  auto members = cs_.members();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1].eid, kA);
  EXPECT_EQ(members[1].devices, 0u);
  EXPECT_EQ(members[1].last_update, at(2));
}

}  // namespace
}  // namespace pinana::state
