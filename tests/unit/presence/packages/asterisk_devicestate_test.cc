#include "pinana/presence/packages/asterisk_devicestate/devicestate_package.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "package_harness.h"

namespace pinana::presence::packages::asterisk_devicestate {
namespace {

using nlohmann::json;
using test::PackageHarness;

constexpr std::string_view kEidA = "00:11:22:33:44:55";
constexpr std::string_view kEidB = "aa:bb:cc:dd:ee:01";

std::string ds(std::string_view device, std::string_view state, std::string_view eid,
               std::string_view cachable = "1") {
  return R"({"type":"devicestate","device":")" + std::string(device) + R"(","state":")" +
         std::string(state) + R"(","cachable":)" + std::string(cachable) + R"(,"eid":")" +
         std::string(eid) + R"("})";
}
std::string refresh(std::string_view eid) {
  return R"({"type":"refresh","eid":")" + std::string(eid) + R"("})";
}

json body_json(const std::optional<Body>& b) {
  EXPECT_TRUE(b.has_value());
  if (!b) return json();
  EXPECT_EQ(b->content_type, "application/json");
  return json::parse(b->text);
}

json entry(std::string_view device, std::string_view state, std::string_view eid,
           int cachable = 1) {
  return json{{"device", device}, {"state", state}, {"cachable", cachable}, {"eid", eid}};
}
json key(std::string_view device, std::string_view eid) {
  return json{{"device", device}, {"eid", eid}};
}

const DevicestateDocument& as_set(const Document* d) {
  return dynamic_cast<const DevicestateDocument&>(*d);
}

class DevicestateTest : public ::testing::Test {
 protected:
  DevicestatePackage pkg;
  PackageHarness hub{pkg, "sip:devicestate@hub.example.com"};
};

TEST_F(DevicestateTest, Identity) {
  EXPECT_EQ(pkg.name(), "asterisk-devicestate");
  ASSERT_EQ(pkg.publish_types().size(), 1u);
  EXPECT_EQ(pkg.publish_types()[0], "application/json");
  EXPECT_EQ(pkg.notify_types()[0], "application/json");
  EXPECT_TRUE(pkg.per_watcher());
  EXPECT_NE(pkg.new_watcher_state(), nullptr);
}

TEST_F(DevicestateTest, ParsesAsterisksExactBody) {
  auto doc = pkg.parse(
      "application/json",
      R"({"type":"devicestate","device":"PJSIP/alice","state":"INUSE","cachable":1,"eid":"00:11:22:33:44:55"})",
      nullptr);
  ASSERT_TRUE(doc.ok()) << doc.error().reason;
  const auto& set = as_set(doc->get());
  ASSERT_EQ(set.entries().size(), 1u);
  const auto& [k, slot] = *set.entries().begin();
  EXPECT_EQ(k.device, "PJSIP/alice");
  EXPECT_EQ(k.eid.to_string(), "00:11:22:33:44:55");
  EXPECT_EQ(slot.value.state, DeviceState::kInUse);
  EXPECT_TRUE(slot.value.cachable);
}

TEST_F(DevicestateTest, AcceptsEveryAsteriskStateNameAndNormalisesCase) {
  for (std::string_view s : {"UNKNOWN", "NOT_INUSE", "INUSE", "BUSY", "INVALID", "UNAVAILABLE",
                             "RINGING", "RINGINUSE", "ONHOLD"}) {
    auto doc = pkg.parse("application/json", ds("Custom:x", s, kEidA), nullptr);
    ASSERT_TRUE(doc.ok()) << s;
    EXPECT_EQ(device_state_name(as_set(doc->get()).entries().begin()->second.value.state), s);
  }
  auto doc = pkg.parse("application/json", ds("Custom:x", "ringInUse", kEidA), nullptr);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(as_set(doc->get()).entries().begin()->second.value.state, DeviceState::kRingInUse);
}

TEST_F(DevicestateTest, OnlyTheInteger1IsCachable) {
  auto cachable = [&](std::string_view c) {
    auto doc = pkg.parse("application/json", ds("PJSIP/a", "BUSY", kEidA, c), nullptr);
    EXPECT_TRUE(doc.ok()) << c;
    return doc.ok() && as_set(doc->get()).entries().begin()->second.value.cachable;
  };
  EXPECT_TRUE(cachable("1"));
  EXPECT_FALSE(cachable("0"));
  EXPECT_FALSE(cachable("2"));
  EXPECT_FALSE(cachable("\"1\""));
  EXPECT_FALSE(cachable("true"));
  EXPECT_FALSE(cachable("1.0"));
  auto doc = pkg.parse(
      "application/json",
      R"({"type":"devicestate","device":"PJSIP/a","state":"BUSY","eid":"00:11:22:33:44:55"})",
      nullptr);
  ASSERT_TRUE(doc.ok());
  EXPECT_FALSE(as_set(doc->get()).entries().begin()->second.value.cachable);
}

TEST_F(DevicestateTest, RejectsInvalidBodiesWith400AndAReason) {
  const std::string long_device(kMaxDeviceName + 1, 'x');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "malformed"},
      {"", "malformed"},
      {R"([{"type":"devicestate"}])", "not an object"},
      {R"("devicestate")", "not an object"},
      {ds("PJSIP/a", "INUSE", kEidA) + ds("PJSIP/b", "INUSE", kEidA), "malformed"},
      {R"({"device":"PJSIP/a","state":"INUSE","cachable":1,"eid":"00:11:22:33:44:55"})", "type"},
      {R"({"type":"bogus","eid":"00:11:22:33:44:55"})", "unknown type"},
      {R"({"type":"mailboxstate","uniqueid":"1@d","old":0,"new":0,"eid":"00:11:22:33:44:55"})",
       "unknown type"},
      {R"({"type":"devicestate","state":"INUSE","cachable":1,"eid":"00:11:22:33:44:55"})",
       "device"},
      {ds("", "INUSE", kEidA), "device"},
      {ds(long_device, "INUSE", kEidA), "too long"},
      {R"({"type":"devicestate","device":"PJSIP/a","cachable":1,"eid":"00:11:22:33:44:55"})",
       "state"},
      {ds("PJSIP/a", "IDLE", kEidA), "unknown device state"},
      {ds("PJSIP/a", "", kEidA), "state"},
      {R"({"type":"devicestate","device":"PJSIP/a","state":"INUSE","cachable":1})", "eid"},
      {ds("PJSIP/a", "INUSE", "00:11:22:33:44"), "eid"},
      {ds("PJSIP/a", "INUSE", "00-11-22-33-44-55"), "eid"},
      {ds("PJSIP/a", "INUSE", "0g:11:22:33:44:55"), "eid"},
      {ds("PJSIP/a", "INUSE", "00:00:00:00:00:00"), "all zero"},
      {R"({"type":"devicestate","device":7,"state":"INUSE","eid":"00:11:22:33:44:55"})",
       "not a string"},
      {R"({"type":"refresh"})", "eid"},
      {R"({"type":"devicestate","x":[[[[[[[[[[1]]]]]]]]]]})", "deeply"},
  };
  for (const auto& [body, reason] : cases) {
    auto doc = pkg.parse("application/json", body, nullptr);
    ASSERT_FALSE(doc.ok()) << body;
    EXPECT_EQ(doc.error().status, 400) << body;
    EXPECT_NE(doc.error().reason.find(reason), std::string::npos)
        << body << " -> " << doc.error().reason;
  }
}

TEST_F(DevicestateTest, RejectsOtherContentTypesWith415) {
  auto doc = pkg.parse("text/plain", ds("PJSIP/a", "INUSE", kEidA), nullptr);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().status, 415);
  EXPECT_TRUE(
      pkg.parse("Application/JSON; charset=utf-8", ds("PJSIP/a", "INUSE", kEidA), nullptr).ok());
}

TEST_F(DevicestateTest, PublicationAccumulatesEntriesAcrossModifies) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "RINGING", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("Custom:lamp", "BUSY", kEidA, "0")).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "NOT_INUSE", kEidA)).ok());
  const auto& set = as_set(hub.document("n1"));
  ASSERT_EQ(set.entries().size(), 3u);
  EXPECT_EQ(set.entries().at(DeviceKey{"PJSIP/alice", *common::Eid::parse(kEidA)}).value.state,
            DeviceState::kNotInUse);
  EXPECT_EQ(set.entries().at(DeviceKey{"PJSIP/bob", *common::Eid::parse(kEidA)}).value.state,
            DeviceState::kRinging);
  EXPECT_FALSE(
      set.entries().at(DeviceKey{"Custom:lamp", *common::Eid::parse(kEidA)}).value.cachable);
  // A failed modify leaves the publication as it was.
  EXPECT_FALSE(hub.publish("n1", ds("PJSIP/alice", "NOPE", kEidA)).ok());
  EXPECT_EQ(as_set(hub.document("n1")).entries().size(), 3u);
}

TEST_F(DevicestateTest, SameDeviceFromTwoEidsIsTwoEntries) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "NOT_INUSE", kEidB)).ok());
  EXPECT_EQ(as_set(hub.document("n1")).entries().size(), 2u);
  // EIDs compare by value, not by text: upper-case hex is the same EID.
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "BUSY", "AA:BB:CC:DD:EE:01")).ok());
  EXPECT_EQ(as_set(hub.document("n1")).entries().size(), 2u);
}

TEST_F(DevicestateTest, FirstNotifyIsFullStateOverAllPublicationsWithExactFormat) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "NOT_INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n2", ds("PJSIP/carol", "RINGING", kEidB, "0")).ok());
  const size_t w = hub.subscribe();
  auto body = hub.render(w, true);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->text,
            R"({"type":"devicestate-set","seq":0,"full":true,"entries":[)"
            R"({"device":"PJSIP/alice","state":"INUSE","cachable":1,"eid":"00:11:22:33:44:55"},)"
            R"({"device":"PJSIP/bob","state":"NOT_INUSE","cachable":1,"eid":"00:11:22:33:44:55"},)"
            R"({"device":"PJSIP/carol","state":"RINGING","cachable":0,"eid":"aa:bb:cc:dd:ee:01"}],)"
            R"("withdrawn":[],"refresh":[]})");
}

TEST_F(DevicestateTest, EmptyResourceGivesEmptyFullSet) {
  const size_t w = hub.subscribe();
  json j = body_json(hub.render(w, true));
  EXPECT_EQ(j["type"], "devicestate-set");
  EXPECT_EQ(j["full"], true);
  EXPECT_EQ(j["entries"], json::array());
}

TEST_F(DevicestateTest, LaterNotifiesCarryExactlyTheChangedEntries) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "NOT_INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n2", ds("PJSIP/carol", "NOT_INUSE", kEidB)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));

  EXPECT_FALSE(hub.render(w, false)) << "nothing changed";
  hub.relocate();  // the store's compaction: nothing to send, and the next delta is exact
  EXPECT_FALSE(hub.render(w, false)) << "nothing changed by moving the documents";

  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "RINGING", kEidA)).ok());
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["seq"], 1);
  EXPECT_EQ(j["full"], false);
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/bob", "RINGING", kEidA)}));
  EXPECT_EQ(j["withdrawn"], json::array());

  // Two changes in two publications before the next NOTIFY: both, once each.
  ASSERT_TRUE(hub.publish("n2", ds("PJSIP/carol", "INUSE", kEidB)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "ONHOLD", kEidA)).ok());
  j = body_json(hub.render(w, false));
  EXPECT_EQ(j["seq"], 2);
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/bob", "ONHOLD", kEidA),
                                       entry("PJSIP/carol", "INUSE", kEidB)}));
  EXPECT_FALSE(hub.render(w, false));
}

TEST_F(DevicestateTest, RepublishingAnUnchangedStateSendsNothing) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  EXPECT_FALSE(hub.render(w, false));
  // The cachable flag is part of the value.
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA, "0")).ok());
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "INUSE", kEidA, 0)}));
}

TEST_F(DevicestateTest, RemovalWithdrawsThePublicationsEntries) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "NOT_INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n2", ds("PJSIP/carol", "INUSE", kEidB)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));

  hub.remove("n1");
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array());
  EXPECT_EQ(j["withdrawn"], json::array({key("PJSIP/alice", kEidA), key("PJSIP/bob", kEidA)}));

  // A later full NOTIFY no longer has them.
  j = body_json(hub.render(w, true));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/carol", "INUSE", kEidB)}));
}

TEST_F(DevicestateTest, RemovalKeepsAnEntryAnotherLivePublicationHolds) {
  // A node restarted: its new publication holds the same (device, EID) as the old one, which then
  // expires. The entry must stay, with the new publication's value.
  ASSERT_TRUE(hub.publish("old", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("old", ds("PJSIP/bob", "INUSE", kEidA)).ok());
  ASSERT_TRUE(hub.publish("new", ds("PJSIP/alice", "NOT_INUSE", kEidA)).ok());
  const size_t w = hub.subscribe();
  json j = body_json(hub.render(w, true));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "NOT_INUSE", kEidA),
                                       entry("PJSIP/bob", "INUSE", kEidA)}))
      << "the most recently changed value wins";
  hub.remove("old");
  j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "NOT_INUSE", kEidA)}));
  EXPECT_EQ(j["withdrawn"], json::array({key("PJSIP/bob", kEidA)}));
}

TEST_F(DevicestateTest, MostRecentlyChangedValueWinsAcrossPublications) {
  ASSERT_TRUE(hub.publish("p1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));
  ASSERT_TRUE(hub.publish("p2", ds("PJSIP/alice", "BUSY", kEidA)).ok());
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "BUSY", kEidA)}));
  ASSERT_TRUE(hub.publish("p1", ds("PJSIP/alice", "RINGING", kEidA)).ok());
  j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "RINGING", kEidA)}));
  const size_t w2 = hub.subscribe();
  j = body_json(hub.render(w2, true));
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "RINGING", kEidA)}));
}

TEST_F(DevicestateTest, RefreshChangesNoStateAndIsPassedToWatchers) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));

  ASSERT_TRUE(hub.publish("n2", refresh(kEidB)).ok());  // an initial PUBLISH that is a refresh
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array());
  EXPECT_EQ(j["withdrawn"], json::array());
  EXPECT_EQ(j["refresh"], json::array({kEidB}));

  ASSERT_TRUE(hub.publish("n1", refresh(kEidA)).ok());  // a modify that is a refresh
  j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array());
  EXPECT_EQ(j["refresh"], json::array({kEidA}));
  EXPECT_EQ(as_set(hub.document("n1")).entries().size(), 1u) << "refresh keeps the entries";

  // A state change after the refresh does not repeat the refresh.
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "NOT_INUSE", kEidA)).ok());
  j = body_json(hub.render(w, false));
  EXPECT_EQ(j["refresh"], json::array());
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "NOT_INUSE", kEidA)}));

  // Full NOTIFYs still list the entries; the refresh is not re-sent to a new watcher.
  const size_t w2 = hub.subscribe();
  j = body_json(hub.render(w2, true));
  EXPECT_EQ(j["refresh"], json::array());
  EXPECT_EQ(j["entries"].size(), 1u);
}

TEST_F(DevicestateTest, WatchersAreIndependent) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  const size_t a = hub.subscribe();
  const size_t b = hub.subscribe();
  ASSERT_TRUE(hub.render(a, true));
  ASSERT_TRUE(hub.render(b, true));

  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "NOT_INUSE", kEidA)).ok());
  json ja = body_json(hub.render(a, false));  // a is told now, b later
  EXPECT_EQ(ja["entries"], json::array({entry("PJSIP/alice", "NOT_INUSE", kEidA)}));

  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/bob", "BUSY", kEidA)).ok());
  ja = body_json(hub.render(a, false));
  EXPECT_EQ(ja["seq"], 2);
  EXPECT_EQ(ja["entries"], json::array({entry("PJSIP/bob", "BUSY", kEidA)}));
  json jb = body_json(hub.render(b, false));
  EXPECT_EQ(jb["seq"], 1);
  EXPECT_EQ(jb["entries"], json::array({entry("PJSIP/alice", "NOT_INUSE", kEidA),
                                        entry("PJSIP/bob", "BUSY", kEidA)}));
}

TEST_F(DevicestateTest, FullNotifyClearsPendingChanges) {
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "INUSE", kEidA)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));
  ASSERT_TRUE(hub.publish("n1", ds("PJSIP/alice", "BUSY", kEidA)).ok());
  json j = body_json(hub.render(w, true));  // a subscription refresh: full again
  EXPECT_EQ(j["full"], true);
  EXPECT_EQ(j["seq"], 1);
  EXPECT_FALSE(hub.render(w, false));
}

TEST_F(DevicestateTest, NoteChangeDiffsUnrelatedDocuments) {
  // The core may hand documents that were not derived from one another (e.g. after a restore);
  // the package then compares whole sets.
  auto before = pkg.parse("application/json", ds("PJSIP/alice", "INUSE", kEidA), nullptr);
  ASSERT_TRUE(before.ok());
  auto mid = pkg.parse("application/json", ds("PJSIP/bob", "INUSE", kEidA), before->get());
  ASSERT_TRUE(mid.ok());
  auto after = pkg.parse("application/json", ds("PJSIP/alice", "BUSY", kEidA), mid->get());
  ASSERT_TRUE(after.ok());  // alice changed, bob added, both relative to `before`
  auto state = pkg.new_watcher_state();
  pkg.note_change({ChangeKind::kModified, "p", before->get(), after->get()}, state.get());
  PublicationView pv{"p", **after};
  ResourceView view{"sip:x@y", std::span<const PublicationView>(&pv, 1), 3};
  json j = json::parse(pkg.render(view, "application/json", state.get(), false)->text);
  EXPECT_EQ(j["entries"],
            json::array({entry("PJSIP/alice", "BUSY", kEidA), entry("PJSIP/bob", "INUSE", kEidA)}));

  // And the reverse direction reports a removed key as withdrawn.
  auto state2 = pkg.new_watcher_state();
  pkg.note_change({ChangeKind::kModified, "p", after->get(), before->get()}, state2.get());
  PublicationView pv2{"p", **before};
  ResourceView view2{"sip:x@y", std::span<const PublicationView>(&pv2, 1), 4};
  j = json::parse(pkg.render(view2, "application/json", state2.get(), false)->text);
  EXPECT_EQ(j["entries"], json::array({entry("PJSIP/alice", "INUSE", kEidA)}));
  EXPECT_EQ(j["withdrawn"], json::array({key("PJSIP/bob", kEidA)}));
}

TEST_F(DevicestateTest, ParseDoesNotModifyThePreviousDocument) {
  auto first = pkg.parse("application/json", ds("PJSIP/alice", "INUSE", kEidA), nullptr);
  ASSERT_TRUE(first.ok());
  auto second = pkg.parse("application/json", ds("PJSIP/alice", "BUSY", kEidA), first->get());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(as_set(first->get()).entries().begin()->second.value.state, DeviceState::kInUse);
  EXPECT_EQ(as_set(second->get()).entries().begin()->second.value.state, DeviceState::kBusy);
}

}  // namespace
}  // namespace pinana::presence::packages::asterisk_devicestate
