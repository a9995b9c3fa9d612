#include "pinana/api/json_codec.h"

#include <gtest/gtest.h>

namespace pinana::api {
namespace {

using nlohmann::json;

TEST(DeviceUpdate, ParsesStateAndOptionalCaller) {
  auto u = parse_device_update(R"({"state":"INUSE"})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->state, "INUSE");
  EXPECT_FALSE(u->caller.has_value());

  u = parse_device_update(R"({"state":"RINGING","caller":{"name":"Bob","number":"200"}})");
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(u->caller.has_value());
  EXPECT_EQ(u->caller->name, "Bob");
  EXPECT_EQ(u->caller->number, "200");

  u = parse_device_update(R"({"state":"RINGING","caller":{"number":"200"},"extra":1})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->caller->name, "");
}

TEST(DeviceUpdate, RejectsWhatIsNotADeviceUpdate) {
  for (const char* bad :
       {"", "  ", "{", "not json", "[]", "\"INUSE\"", "{}", R"({"state":1})", R"({"state":null})",
        R"({"state":"INUSE","caller":"Bob"})", R"({"state":"INUSE","caller":{"name":5}})",
        R"({"state":"INUSE","caller":{"number":[]}})", R"({"state":"INUSE"} trailing)",
        "{\"state\":\"\xff\"}"}) {
    const auto r = parse_device_update(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400) << bad;
    EXPECT_FALSE(r.error().reason.empty());
  }
}

TEST(DeviceUpdate, RefusesDeepNestingBeforeParsing) {
  std::string deep =
      R"({"state":"INUSE","x":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
  const auto r = parse_device_update(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "JSON nested too deeply");
  // Brackets inside strings do not count.
  EXPECT_TRUE(parse_device_update(R"({"state":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"["})").ok());
}

TEST(MailboxUpdate, ParsesNonNegativeIntegers) {
  auto u = parse_mailbox_update(R"({"new":3,"old":0})");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->new_messages, 3);
  EXPECT_EQ(u->old_messages, 0);
  for (const char* bad :
       {R"({"new":3})", R"({"old":3})", R"({"new":-1,"old":0})", R"({"new":1.5,"old":0})",
        R"({"new":"3","old":0})", R"({"new":3,"old":99999999999})",
        R"({"new":18446744073709551615,"old":0})", R"({"new":true,"old":0})"}) {
    const auto r = parse_mailbox_update(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400) << bad;
  }
}

TEST(Encoders, DeviceExtensionMailboxCluster) {
  const DeviceView d{"PJSIP/alice", "INUSE", {{"aa", "INUSE"}, {"bb", "NOT_INUSE"}}};
  EXPECT_EQ(to_json(d), json::parse(R"({"name":"PJSIP/alice","state":"INUSE",
                            "nodes":{"aa":"INUSE","bb":"NOT_INUSE"}})"));
  EXPECT_EQ(to_json(DeviceView{"x", "UNKNOWN", {}})["nodes"], json::object());
  EXPECT_EQ(to_json(ExtensionView{"1000", "PJSIP/a&Custom:b", "InUse&Ringing", "away", "A"}),
            json::parse(R"({"exten":"1000","hint":"PJSIP/a&Custom:b","state":"InUse&Ringing",
                            "presence":"away","display_name":"A"})"));
  EXPECT_EQ(to_json(MailboxView{"1@d", 1, 2}), json::parse(R"({"mailbox":"1@d","new":1,"old":2})"));
  const ClusterView c{"aa", {{"aa", 3, 1709296496789, true}, {"bb", 0, 0, false}}};
  EXPECT_EQ(to_json(c), json::parse(R"({"eid":"aa","nodes":[
      {"eid":"aa","devices":3,"last_update":"2024-03-01T12:34:56.789Z","self":true},
      {"eid":"bb","devices":0,"last_update":null,"self":false}]})"));
  EXPECT_EQ(to_json(std::vector<DeviceView>{}), json::array());
}

TEST(Encoders, Iso8601) {
  EXPECT_EQ(format_iso8601_utc(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(format_iso8601_utc(1709296496789), "2024-03-01T12:34:56.789Z");
  EXPECT_EQ(format_iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Encoders, InvalidUtf8DoesNotThrow) {
  const std::string s = dump(to_json(DeviceView{"bad\xff", "INUSE", {}}));
  EXPECT_NE(s.find("bad\xEF\xBF\xBD"), std::string::npos);
  EXPECT_EQ(json::parse(error_body("no \xc3")), json::parse("{\"error\":\"no \xEF\xBF\xBD\"}"));
}

}  // namespace
}  // namespace pinana::api
