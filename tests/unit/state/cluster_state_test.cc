#include "pinana/state/cluster_state.h"

#include <gtest/gtest.h>

#include "events_text.h"

namespace pinana::state {
namespace {

using S = DeviceState;
using E = ExtensionState;

const Eid kSelf = *Eid::parse("00:00:00:00:00:02");
const Eid kA = *Eid::parse("00:00:00:00:00:01");  // sorts before self
const Eid kB = *Eid::parse("00:00:00:00:00:03");

TimePoint at(int seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}

Hint hint(const char* exten, const char* value) {
  auto h = parse_hint(exten, value);
  EXPECT_TRUE(h) << h.error().reason;
  return std::move(h).value();
}

class ClusterStateTest : public ::testing::Test {
 protected:
  ClusterState cs_{kSelf};
};

TEST_F(ClusterStateTest, LocalDeviceFirstSet) {
  EXPECT_EQ(cs_.self(), kSelf);
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kInvalid);
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(1))),
            (Texts{"local PJSIP/alice INUSE", "device PJSIP/alice INVALID->INUSE"}));
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kInUse);
  EXPECT_EQ(cs_.devices(), (std::vector<std::string>{"PJSIP/alice"}));
  EXPECT_EQ(cs_.local_devices(), (std::vector<std::string>{"PJSIP/alice"}));
  auto entries = cs_.entries("PJSIP/alice");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].eid, kSelf);
  EXPECT_EQ(entries[0].state, S::kInUse);
  EXPECT_TRUE(entries[0].cachable);
  EXPECT_EQ(entries[0].updated, at(1));
}

TEST_F(ClusterStateTest, UnchangedLocalSetIsANoOp) {
  (void)cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(1));
  EXPECT_TRUE(cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(2)).empty());
  // The cachable flag is part of the entry: other nodes must learn it, the aggregate stays.
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice", S::kInUse, false, at(3))),
            (Texts{"local PJSIP/alice INUSE nocache"}));
  EXPECT_TRUE(cs_.set_local_device("PJSIP/alice", S::kInUse, false, at(4)).empty());
}

TEST_F(ClusterStateTest, LocalChangeIsSentEvenWhenTheAggregateStays) {
  (void)cs_.apply_remote("PJSIP/alice", kA, S::kBusy, true, at(1));
  (void)cs_.set_local_device("PJSIP/alice", S::kNotInUse, true, at(1));
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(2))),
            (Texts{"local PJSIP/alice INUSE"}));
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kBusy);
}

TEST_F(ClusterStateTest, AggregateOverAllEidsIncludingNonCachable) {
  EXPECT_EQ(texts(cs_.apply_remote("DAHDI/1", kA, S::kRinging, false, at(1))),
            (Texts{"device DAHDI/1 INVALID->RINGING"}));
  EXPECT_EQ(texts(cs_.apply_remote("DAHDI/1", kB, S::kInUse, true, at(1))),
            (Texts{"device DAHDI/1 RINGING->RINGINUSE"}));
  EXPECT_EQ(texts(cs_.set_local_device("DAHDI/1", S::kUnavailable, true, at(1))),
            (Texts{"local DAHDI/1 UNAVAILABLE"}));
  auto entries = cs_.entries("DAHDI/1");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].eid, kA);
  EXPECT_FALSE(entries[0].cachable);
  EXPECT_EQ(entries[1].eid, kSelf);
  EXPECT_EQ(entries[2].eid, kB);
}

TEST_F(ClusterStateTest, DeviceNamesAreCaseSensitive) {
  (void)cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(1));
  EXPECT_EQ(cs_.aggregate("pjsip/alice"), S::kInvalid);
  EXPECT_EQ(texts(cs_.apply_remote("PJSIP/Alice", kA, S::kBusy, true, at(1))),
            (Texts{"device PJSIP/Alice INVALID->BUSY"}));
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kInUse);
  EXPECT_EQ(cs_.devices(), (std::vector<std::string>{"PJSIP/Alice", "PJSIP/alice"}));
}

TEST_F(ClusterStateTest, RemoteWithOwnEidIsIgnored) {
  EXPECT_TRUE(cs_.apply_remote("PJSIP/alice", kSelf, S::kBusy, true, at(1)).empty());
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kInvalid);
  (void)cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(1));
  EXPECT_TRUE(cs_.withdraw_remote("PJSIP/alice", kSelf).empty());
  EXPECT_TRUE(cs_.withdraw_eid(kSelf).empty());
  const ClusterState::RemoteEntry none[] = {{"PJSIP/alice", kSelf, S::kBusy, true}};
  EXPECT_TRUE(cs_.replace_remote(none, at(2)).empty());
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kInUse);
}

TEST_F(ClusterStateTest, RepeatedRemoteStateOnlyRefreshesTheTime) {
  (void)cs_.apply_remote("PJSIP/bob", kA, S::kInUse, true, at(1));
  EXPECT_TRUE(cs_.apply_remote("PJSIP/bob", kA, S::kInUse, true, at(5)).empty());
  EXPECT_EQ(cs_.entries("PJSIP/bob")[0].updated, at(5));
  EXPECT_EQ(cs_.members()[1].last_update, at(5));
}

TEST_F(ClusterStateTest, WithdrawRemote) {
  (void)cs_.set_local_device("PJSIP/bob", S::kUnavailable, true, at(1));
  (void)cs_.apply_remote("PJSIP/bob", kA, S::kBusy, true, at(1));
  EXPECT_EQ(texts(cs_.withdraw_remote("PJSIP/bob", kA)),
            (Texts{"device PJSIP/bob BUSY->UNAVAILABLE"}));
  EXPECT_TRUE(cs_.withdraw_remote("PJSIP/bob", kA).empty());
  EXPECT_TRUE(cs_.withdraw_remote("PJSIP/nobody", kA).empty());
  EXPECT_EQ(cs_.members().size(), 1u) << "an EID with no entries left is no longer a member";

  (void)cs_.apply_remote("PJSIP/carol", kB, S::kInUse, true, at(1));
  EXPECT_EQ(texts(cs_.withdraw_remote("PJSIP/carol", kB)),
            (Texts{"device PJSIP/carol INUSE->INVALID"}));
  EXPECT_EQ(cs_.devices(), (std::vector<std::string>{"PJSIP/bob"}));
}

TEST_F(ClusterStateTest, WithdrawEidCascadesThroughHints) {
  (void)cs_.add_hint(hint("1000", "PJSIP/alice"));
  (void)cs_.add_hint(hint("2000", "PJSIP/bob&PJSIP/alice"));
  (void)cs_.add_hint(hint("3000", "PJSIP/carol"));
  (void)cs_.set_local_device("PJSIP/carol", S::kNotInUse, true, at(1));
  (void)cs_.apply_remote("PJSIP/bob", kA, S::kBusy, true, at(1));
  (void)cs_.apply_remote("PJSIP/alice", kA, S::kInUse, true, at(1));
  (void)cs_.apply_remote("PJSIP/alice", kB, S::kNotInUse, true, at(1));
  (void)cs_.apply_remote_mwi("1000@default", kA, 2, 1, at(1));
  EXPECT_EQ(cs_.extension_state("2000"), E::kBusy);

  EXPECT_EQ(texts(cs_.withdraw_eid(kA)),
            (Texts{"device PJSIP/alice INUSE->NOT_INUSE", "device PJSIP/bob BUSY->INVALID",
                   "exten 1000 InUse->Idle", "exten 2000 Busy->Idle", "mwi 1000@default 0/0"}));
  EXPECT_EQ(cs_.members().size(), 2u);
  EXPECT_FALSE(cs_.mwi("1000@default"));
  EXPECT_TRUE(cs_.withdraw_eid(kA).empty());
}

TEST_F(ClusterStateTest, ReplaceRemoteMakesTheRemoteViewExactlyTheDump) {
  (void)cs_.add_hint(hint("1000", "PJSIP/alice&PJSIP/bob"));
  (void)cs_.set_local_device("PJSIP/alice", S::kNotInUse, true, at(1));
  (void)cs_.apply_remote("PJSIP/alice", kA, S::kInUse, true, at(1));
  (void)cs_.apply_remote("PJSIP/bob", kA, S::kInUse, true, at(1));
  (void)cs_.apply_remote("PJSIP/carol", kB, S::kBusy, true, at(1));
  (void)cs_.apply_remote("PJSIP/dave", kB, S::kRinging, true, at(1));

  const ClusterState::RemoteEntry full[] = {
      {"PJSIP/alice", kA, S::kInUse, true},      // unchanged
      {"PJSIP/dave", kB, S::kInUse, true},       // changed
      {"PJSIP/erin", kA, S::kOnHold, false},     // new
      {"PJSIP/alice", kSelf, S::kBusy, true},    // own EID: ignored
      {"PJSIP/erin", kA, S::kUnavailable, true}  // duplicate: the later one wins
  };
  EXPECT_EQ(texts(cs_.replace_remote(full, at(9))),
            (Texts{"device PJSIP/bob INUSE->INVALID", "device PJSIP/carol BUSY->INVALID",
                   "device PJSIP/dave RINGING->INUSE", "device PJSIP/erin INVALID->UNAVAILABLE"}));
  EXPECT_EQ(cs_.devices(), (std::vector<std::string>{"PJSIP/alice", "PJSIP/dave", "PJSIP/erin"}));
  EXPECT_EQ(cs_.aggregate("PJSIP/alice"), S::kInUse);
  EXPECT_EQ(cs_.entries("PJSIP/erin")[0].cachable, true);
  EXPECT_EQ(cs_.entries("PJSIP/alice")[0].updated, at(9));
  EXPECT_EQ(cs_.extension_state("1000"), E::kInUse);

  EXPECT_EQ(texts(cs_.replace_remote({}, at(10))),
            (Texts{"device PJSIP/alice INUSE->NOT_INUSE", "device PJSIP/dave INUSE->INVALID",
                   "device PJSIP/erin UNAVAILABLE->INVALID", "exten 1000 InUse->Idle"}));
  EXPECT_EQ(cs_.members().size(), 1u);
}

TEST_F(ClusterStateTest, HintLifecycle) {
  EXPECT_EQ(cs_.extension_state("1000"), E::kRemoved);
  EXPECT_EQ(cs_.hint("1000"), nullptr);
  EXPECT_EQ(texts(cs_.add_hint(hint("1000", "PJSIP/alice"))),
            (Texts{"exten 1000 Removed->Unavailable"}));
  ASSERT_NE(cs_.hint("1000"), nullptr);
  EXPECT_EQ(cs_.hint("1000")->devices, (std::vector<std::string>{"PJSIP/alice"}));

  (void)cs_.set_local_device("PJSIP/alice", S::kNotInUse, true, at(1));
  EXPECT_EQ(cs_.extension_state("1000"), E::kNotInUse);

  // Replace with the same state: no event; with another: one event.
  EXPECT_TRUE(cs_.add_hint(hint("1000", "PJSIP/alice&Custom:x")).empty());
  EXPECT_EQ(texts(cs_.add_hint(hint("1000", "PJSIP/bob"))),
            (Texts{"exten 1000 Idle->Unavailable"}));
  // The old device no longer drives the hint.
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice", S::kBusy, true, at(2))),
            (Texts{"local PJSIP/alice BUSY", "device PJSIP/alice NOT_INUSE->BUSY"}));

  EXPECT_EQ(texts(cs_.remove_hint("1000")), (Texts{"exten 1000 Unavailable->Deactivated"}));
  EXPECT_TRUE(cs_.remove_hint("1000").empty());
  EXPECT_EQ(cs_.extension_state("1000"), E::kRemoved);
  EXPECT_TRUE(cs_.set_local_device("PJSIP/bob", S::kBusy, true, at(3)).size() == 2u);
}

TEST_F(ClusterStateTest, HintWithNoDevicesIsUnavailable) {
  EXPECT_EQ(texts(cs_.add_hint(hint("6005", ",CustomPresence:ellen"))),
            (Texts{"exten 6005 Removed->Unavailable"}));
  EXPECT_EQ(cs_.extension_state("6005"), E::kUnavailable);
}

TEST_F(ClusterStateTest, HintsAreListedSortedByExten) {
  (void)cs_.add_hint(hint("300", "PJSIP/c"));
  (void)cs_.add_hint(hint("1000", "PJSIP/a"));
  (void)cs_.add_hint(hint("200", "PJSIP/b"));
  std::vector<std::string> extens;
  for (const Hint* h : cs_.hints()) extens.push_back(h->exten);
  EXPECT_EQ(extens, (std::vector<std::string>{"1000", "200", "300"}));
}

TEST_F(ClusterStateTest, CausalOrderAndExtensionOverSeveralDevices) {
  (void)cs_.add_hint(hint("1000", "PJSIP/alice&Custom:alice-dnd"));
  (void)cs_.add_hint(hint("0999", "Custom:alice-dnd"));
  (void)cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(1));
  EXPECT_EQ(texts(cs_.apply_remote("Custom:alice-dnd", kA, S::kRinging, true, at(1))),
            (Texts{"device Custom:alice-dnd INVALID->RINGING", "exten 0999 Unavailable->Ringing",
                   "exten 1000 InUse->InUse&Ringing"}));
}

TEST_F(ClusterStateTest, DeviceListedTwiceInAHintGivesOneEvent) {
  (void)cs_.add_hint(hint("1000", "PJSIP/a&PJSIP/a"));
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/a", S::kInUse, true, at(1))),
            (Texts{"local PJSIP/a INUSE", "device PJSIP/a INVALID->INUSE",
                   "exten 1000 Unavailable->InUse"}));
  EXPECT_EQ(texts(cs_.remove_hint("1000")), (Texts{"exten 1000 InUse->Deactivated"}));
  EXPECT_EQ(cs_.set_local_device("PJSIP/a", S::kBusy, true, at(2)).size(), 2u);
}

TEST_F(ClusterStateTest, RingingRepeatsWhenAnEntryOfItsDevicesChanges) {
  (void)cs_.add_hint(hint("1000", "PJSIP/alice"));
  (void)cs_.apply_remote("PJSIP/alice", kA, S::kRinging, true, at(1));
  // Another node's entry changes but the aggregate stays RINGING: extended watchers hear again.
  EXPECT_EQ(texts(cs_.apply_remote("PJSIP/alice", kB, S::kUnavailable, true, at(2))),
            (Texts{"exten 1000 Ringing->Ringing repeat"}));
  // Not ringing: an entry change that keeps the state says nothing.
  (void)cs_.apply_remote("PJSIP/alice", kA, S::kInUse, true, at(3));
  EXPECT_EQ(cs_.extension_state("1000"), E::kInUse);
  EXPECT_TRUE(cs_.apply_remote("PJSIP/alice", kB, S::kNotInUse, true, at(4)).empty());
}

TEST_F(ClusterStateTest, CallerOfTheMostRecentLocalRingingDevice) {
  (void)cs_.add_hint(hint("1000", "PJSIP/alice&PJSIP/alice2"));
  EXPECT_EQ(
      texts(cs_.set_local_device("PJSIP/alice", S::kRinging, true, at(1), CallerId{"Bob", "2000"})),
      (Texts{"local PJSIP/alice RINGING", "device PJSIP/alice INVALID->RINGING",
             "exten 1000 Unavailable->Ringing caller=Bob<2000>"}));
  // A new caller on a second device of the hint: the most recent one is reported.
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice2", S::kRinging, true, at(2),
                                       CallerId{"Carol", "3000"})),
            (Texts{"local PJSIP/alice2 RINGING", "device PJSIP/alice2 INVALID->RINGING",
                   "exten 1000 Ringing->Ringing repeat caller=Carol<3000>"}));
  // Only the caller changes: the entry changed, the state stays, a repeat carries the new caller.
  EXPECT_EQ(
      texts(cs_.set_local_device("PJSIP/alice", S::kRinging, true, at(3), CallerId{"Dan", "4000"})),
      (Texts{"local PJSIP/alice RINGING", "exten 1000 Ringing->Ringing repeat caller=Dan<4000>"}));
  // Same caller again: nothing at all.
  EXPECT_TRUE(cs_.set_local_device("PJSIP/alice", S::kRinging, true, at(4), CallerId{"Dan", "4000"})
                  .empty());
  // alice answers: no longer ringing, so Carol on alice2 is the caller.
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice", S::kInUse, true, at(5))),
            (Texts{"local PJSIP/alice INUSE", "device PJSIP/alice RINGING->INUSE",
                   "exten 1000 Ringing->InUse&Ringing caller=Carol<3000>"}));
  // Everything answered: no caller.
  EXPECT_EQ(texts(cs_.set_local_device("PJSIP/alice2", S::kNotInUse, true, at(6))),
            (Texts{"local PJSIP/alice2 NOT_INUSE", "device PJSIP/alice2 RINGING->NOT_INUSE",
                   "exten 1000 InUse&Ringing->InUse"}));
}

TEST_F(ClusterStateTest, RemoteRingingHasNoCaller) {
  (void)cs_.add_hint(hint("1000", "PJSIP/alice"));
  EXPECT_EQ(texts(cs_.apply_remote("PJSIP/alice", kA, S::kRinging, true, at(1))),
            (Texts{"device PJSIP/alice INVALID->RINGING", "exten 1000 Unavailable->Ringing"}));
}

TEST_F(ClusterStateTest, MembersSelfFirstThenByEid) {
  (void)cs_.apply_remote("PJSIP/x", kB, S::kInUse, true, at(3));
  (void)cs_.apply_remote("PJSIP/y", kB, S::kInUse, true, at(4));
  (void)cs_.apply_remote("PJSIP/x", kA, S::kInUse, true, at(2));
  (void)cs_.set_local_device("PJSIP/z", S::kInUse, true, at(7));
  auto members = cs_.members();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].eid, kSelf);
  EXPECT_TRUE(members[0].self);
  EXPECT_EQ(members[0].devices, 1u);
  EXPECT_EQ(members[0].last_update, at(7));
  EXPECT_EQ(members[1].eid, kA);
  EXPECT_FALSE(members[1].self);
  EXPECT_EQ(members[1].devices, 1u);
  EXPECT_EQ(members[2].eid, kB);
  EXPECT_EQ(members[2].devices, 2u);
  EXPECT_EQ(members[2].last_update, at(4));
}

TEST_F(ClusterStateTest, FreshStateHasOnlySelf) {
  auto members = cs_.members();
  ASSERT_EQ(members.size(), 1u);
  EXPECT_TRUE(members[0].self);
  EXPECT_EQ(members[0].devices, 0u);
  EXPECT_TRUE(cs_.devices().empty());
  EXPECT_TRUE(cs_.local_devices().empty());
  EXPECT_TRUE(cs_.entries("x").empty());
}

}  // namespace
}  // namespace pinana::state
