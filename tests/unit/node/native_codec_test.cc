#include "pinana/node/native_codec.h"

#include <gtest/gtest.h>

namespace pinana::node {
namespace {

using state::DeviceState;

state::Eid eid(const char* text) {
  return *state::Eid::parse(text);
}

TEST(NativeCodec, PublishBodiesAreAsterisksExactJson) {
  const auto e = eid("00:11:22:33:44:55");
  EXPECT_EQ(
      encode_devicestate("PJSIP/alice", DeviceState::kInUse, true, e),
      R"({"type":"devicestate","device":"PJSIP/alice","state":"INUSE","cachable":1,"eid":"00:11:22:33:44:55"})");
  EXPECT_EQ(
      encode_devicestate("Custom:a \"b\"", DeviceState::kNotInUse, false, e),
      R"({"type":"devicestate","device":"Custom:a \"b\"","state":"NOT_INUSE","cachable":0,"eid":"00:11:22:33:44:55"})");
  EXPECT_EQ(
      encode_mailboxstate("1000@default", 1, 2, e),
      R"({"type":"mailboxstate","uniqueid":"1000@default","old":2,"new":1,"eid":"00:11:22:33:44:55"})");
  EXPECT_EQ(encode_refresh(e), R"({"type":"refresh","eid":"00:11:22:33:44:55"})");
}

TEST(NativeCodec, DecodesADeviceSet) {
  auto doc = decode_devicestate_set(
      R"({"type":"devicestate-set","seq":3,"full":false,)"
      R"("entries":[{"device":"PJSIP/alice","state":"RINGING","cachable":1,"eid":"00:11:22:33:44:55"},)"
      R"({"device":"Local/x","state":"inuse","cachable":0,"eid":"00:11:22:33:44:56"}],)"
      R"("withdrawn":[{"device":"PJSIP/bob","eid":"00:11:22:33:44:55"}],)"
      R"("refresh":["02:00:00:00:00:01"]})");
  ASSERT_TRUE(doc.ok()) << doc.error().reason;
  EXPECT_EQ(doc->seq, 3u);
  EXPECT_FALSE(doc->full);
  ASSERT_EQ(doc->entries.size(), 2u);
  EXPECT_EQ(doc->entries[0].device, "PJSIP/alice");
  EXPECT_EQ(doc->entries[0].state, DeviceState::kRinging);
  EXPECT_TRUE(doc->entries[0].cachable);
  EXPECT_EQ(doc->entries[1].state, DeviceState::kInUse);
  EXPECT_FALSE(doc->entries[1].cachable);
  ASSERT_EQ(doc->withdrawn.size(), 1u);
  EXPECT_EQ(doc->withdrawn[0].device, "PJSIP/bob");
  ASSERT_EQ(doc->refresh.size(), 1u);
  EXPECT_EQ(doc->refresh[0], eid("02:00:00:00:00:01"));
}

TEST(NativeCodec, DecodesAMailboxSet) {
  auto doc = decode_mailboxstate_set(
      R"({"type":"mailboxstate-set","seq":0,"full":true,)"
      R"("entries":[{"uniqueid":"1000@default","old":2,"new":1,"eid":"00:11:22:33:44:55"}],)"
      R"("withdrawn":[],"refresh":[]})");
  ASSERT_TRUE(doc.ok()) << doc.error().reason;
  EXPECT_TRUE(doc->full);
  ASSERT_EQ(doc->entries.size(), 1u);
  EXPECT_EQ(doc->entries[0].new_messages, 1);
  EXPECT_EQ(doc->entries[0].old_messages, 2);
}

TEST(NativeCodec, RefusesMalformedDocumentsWithAReason) {
  const char* bad[] = {
      "",
      "[]",
      "{not json",
      R"({"type":"devicestate","device":"x","state":"INUSE","eid":"00:11:22:33:44:55"})",
      R"({"type":"devicestate-set","seq":-1,"full":true,"entries":[],"withdrawn":[],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"entries":[],"withdrawn":[],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"full":true,"entries":{},"withdrawn":[],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"full":true,"entries":[{"device":"x","state":"NOPE","eid":"00:11:22:33:44:55"}],"withdrawn":[],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"full":true,"entries":[{"device":"x","state":"INUSE","eid":"zz"}],"withdrawn":[],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"full":true,"entries":[{"device":"","state":"INUSE","eid":"00:11:22:33:44:55"}],"withdrawn":[],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"full":true,"entries":[],"withdrawn":[{"eid":"00:11:22:33:44:55"}],"refresh":[]})",
      R"({"type":"devicestate-set","seq":0,"full":true,"entries":[],"withdrawn":[],"refresh":[7]})",
  };
  for (const char* body : bad) {
    auto doc = decode_devicestate_set(body);
    EXPECT_FALSE(doc.ok()) << body;
    if (!doc.ok()) {
      EXPECT_FALSE(doc.error().reason.empty());
    }
  }
  EXPECT_FALSE(
      decode_mailboxstate_set(
          R"({"type":"mailboxstate-set","seq":0,"full":true,"entries":[{"uniqueid":"1@d","old":-1,"new":1,"eid":"00:11:22:33:44:55"}],"withdrawn":[],"refresh":[]})")
          .ok());
}

}  // namespace
}  // namespace pinana::node
