#include "pinana/presence/packages/asterisk_mwi/mwi_package.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "package_harness.h"

namespace pinana::presence::packages::asterisk_mwi {
namespace {

using nlohmann::json;
using test::PackageHarness;

constexpr std::string_view kEidA = "00:11:22:33:44:55";
constexpr std::string_view kEidB = "aa:bb:cc:dd:ee:01";

std::string mb(std::string_view uniqueid, std::string_view old_count, std::string_view new_count,
               std::string_view eid) {
  return R"({"type":"mailboxstate","uniqueid":")" + std::string(uniqueid) + R"(","old":)" +
         std::string(old_count) + R"(,"new":)" + std::string(new_count) + R"(,"eid":")" +
         std::string(eid) + R"("})";
}

json body_json(const std::optional<Body>& b) {
  EXPECT_TRUE(b.has_value());
  return b ? json::parse(b->text) : json();
}
json entry(std::string_view uniqueid, int old_count, int new_count, std::string_view eid) {
  return json{{"uniqueid", uniqueid}, {"old", old_count}, {"new", new_count}, {"eid", eid}};
}
json key(std::string_view uniqueid, std::string_view eid) {
  return json{{"uniqueid", uniqueid}, {"eid", eid}};
}

class MwiTest : public ::testing::Test {
 protected:
  MwiPackage pkg;
  PackageHarness hub{pkg, "sip:mwi@hub.example.com"};
};

TEST_F(MwiTest, Identity) {
  EXPECT_EQ(pkg.name(), "asterisk-mwi");
  EXPECT_EQ(pkg.publish_types()[0], "application/json");
  EXPECT_EQ(pkg.notify_types()[0], "application/json");
  EXPECT_TRUE(pkg.per_watcher());
}

TEST_F(MwiTest, ParsesAsterisksExactBody) {
  auto doc = pkg.parse(
      "application/json",
      R"({"type":"mailboxstate","uniqueid":"1000@default","old":2,"new":1,"eid":"00:11:22:33:44:55"})",
      nullptr);
  ASSERT_TRUE(doc.ok()) << doc.error().reason;
  const auto& set = dynamic_cast<const MwiDocument&>(**doc);
  ASSERT_EQ(set.entries().size(), 1u);
  EXPECT_EQ(set.entries().begin()->first.uniqueid, "1000@default");
  EXPECT_EQ(set.entries().begin()->second.value, (MailboxValue{2, 1}));
}

TEST_F(MwiTest, RejectsInvalidBodiesWith400AndAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"type\":", "malformed"},
      {"[]", "not an object"},
      {R"({"type":"devicestate","device":"PJSIP/a","state":"INUSE","eid":"00:11:22:33:44:55"})",
       "unknown type"},
      {R"({"type":"mailboxstate","old":2,"new":1,"eid":"00:11:22:33:44:55"})", "uniqueid"},
      {mb("", "2", "1", kEidA), "uniqueid"},
      {mb(std::string(kMaxUniqueId + 1, 'm'), "2", "1", kEidA), "too long"},
      {R"({"type":"mailboxstate","uniqueid":"1@d","new":1,"eid":"00:11:22:33:44:55"})", "old"},
      {R"({"type":"mailboxstate","uniqueid":"1@d","old":1,"eid":"00:11:22:33:44:55"})", "new"},
      {mb("1@d", "-1", "1", kEidA), "old"},
      {mb("1@d", "2", "1.5", kEidA), "new"},
      {mb("1@d", "2", "\"1\"", kEidA), "new"},
      {mb("1@d", "2", "4294967296", kEidA), "new"},
      {mb("1@d", "2", "1", "zz:11:22:33:44:55"), "eid"},
      {mb("1@d", "2", "1", "00:00:00:00:00:00"), "all zero"},
      {R"({"type":"mailboxstate","uniqueid":"1@d","old":1,"new":1})", "eid"},
  };
  for (const auto& [body, reason] : cases) {
    auto doc = pkg.parse("application/json", body, nullptr);
    ASSERT_FALSE(doc.ok()) << body;
    EXPECT_EQ(doc.error().status, 400) << body;
    EXPECT_NE(doc.error().reason.find(reason), std::string::npos)
        << body << " -> " << doc.error().reason;
  }
  EXPECT_EQ(pkg.parse("application/xml", mb("1@d", "0", "0", kEidA), nullptr).error().status, 415);
}

TEST_F(MwiTest, AccumulatesAndSendsFullThenDeltas) {
  ASSERT_TRUE(hub.publish("n1", mb("1000@default", "2", "1", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n1", mb("1001@default", "0", "0", kEidA)).ok());
  ASSERT_TRUE(hub.publish("n2", mb("2000@sales", "5", "3", kEidB)).ok());
  ASSERT_EQ(dynamic_cast<const MwiDocument&>(*hub.document("n1")).entries().size(), 2u);

  const size_t w = hub.subscribe();
  auto full = hub.render(w, true);
  ASSERT_TRUE(full);
  EXPECT_EQ(full->text, R"({"type":"mailboxstate-set","seq":0,"full":true,"entries":[)"
                        R"({"uniqueid":"1000@default","old":2,"new":1,"eid":"00:11:22:33:44:55"},)"
                        R"({"uniqueid":"1001@default","old":0,"new":0,"eid":"00:11:22:33:44:55"},)"
                        R"({"uniqueid":"2000@sales","old":5,"new":3,"eid":"aa:bb:cc:dd:ee:01"}],)"
                        R"("withdrawn":[],"refresh":[]})");

  EXPECT_FALSE(hub.render(w, false));
  hub.relocate();  // the store's compaction: a modify then builds on the copies
  EXPECT_FALSE(hub.render(w, false));
  ASSERT_TRUE(hub.publish("n1", mb("1000@default", "3", "0", kEidA)).ok());
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["type"], "mailboxstate-set");
  EXPECT_EQ(j["seq"], 1);
  EXPECT_EQ(j["full"], false);
  EXPECT_EQ(j["entries"], json::array({entry("1000@default", 3, 0, kEidA)}));

  ASSERT_TRUE(hub.publish("n1", mb("1000@default", "3", "0", kEidA)).ok());
  EXPECT_FALSE(hub.render(w, false)) << "unchanged counts are not a change";

  hub.remove("n1");
  j = body_json(hub.render(w, false));
  EXPECT_EQ(j["entries"], json::array());
  EXPECT_EQ(j["withdrawn"], json::array({key("1000@default", kEidA), key("1001@default", kEidA)}));
}

TEST_F(MwiTest, RefreshIsPassedOnWithoutChangingCounts) {
  ASSERT_TRUE(hub.publish("n1", mb("1000@default", "2", "1", kEidA)).ok());
  const size_t w = hub.subscribe();
  ASSERT_TRUE(hub.render(w, true));
  ASSERT_TRUE(hub.publish("n1", R"({"type":"refresh","eid":"00:11:22:33:44:55"})").ok());
  json j = body_json(hub.render(w, false));
  EXPECT_EQ(j["refresh"], json::array({kEidA}));
  EXPECT_EQ(j["entries"], json::array());
  EXPECT_EQ(dynamic_cast<const MwiDocument&>(*hub.document("n1")).entries().size(), 1u);
}

}  // namespace
}  // namespace pinana::presence::packages::asterisk_mwi
