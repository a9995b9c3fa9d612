// The standard profile's bodies: device PIDF render / parse (also as Kamailio and the hub compose
// it), the member roster, and message-summary counts.
#include "pinana/node/device_pidf.h"

#include <gtest/gtest.h>

#include "pinana/node/mwi_summary.h"

namespace pinana::node {
namespace {

using state::DeviceState;

state::Eid eid(const char* text) {
  return *state::Eid::parse(text);
}

TEST(DevicePidf, RendersOneTupleWithThePinanaElement) {
  const std::string body = render_device_pidf(
      "sip:dev-.pjsip-.alice@example.com", eid("02:00:00:00:00:01"), DeviceState::kInUse, true, 42);
  EXPECT_NE(body.find("<tuple id=\"eid-020000000001\">"), std::string::npos) << body;
  EXPECT_NE(body.find("<basic>open</basic>"), std::string::npos);
  EXPECT_NE(body.find("<devicestate xmlns=\"urn:pinana:params:xml:ns:devicestate\" "
                      "eid=\"02:00:00:00:00:01\" state=\"INUSE\" cachable=\"true\" "
                      "version=\"42\"/>"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("entity=\"sip:dev-.pjsip-.alice@example.com\""), std::string::npos);
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->tuples.size(), 1u);
  EXPECT_EQ(doc->tuples[0].eid, eid("02:00:00:00:00:01"));
  EXPECT_EQ(doc->tuples[0].state, DeviceState::kInUse);
  EXPECT_TRUE(doc->tuples[0].cachable);
  EXPECT_EQ(doc->tuples[0].version, 42u);
  EXPECT_EQ(doc->malformed, 0u);
}

TEST(DevicePidf, BasicIsClosedOnlyForUnavailableAndInvalid) {
  for (auto st : {DeviceState::kUnavailable, DeviceState::kInvalid}) {
    EXPECT_NE(render_device_pidf("sip:x@y", eid("02:00:00:00:00:01"), st, true, 1)
                  .find("<basic>closed</basic>"),
              std::string::npos);
  }
  for (auto st :
       {DeviceState::kNotInUse, DeviceState::kInUse, DeviceState::kBusy, DeviceState::kRinging,
        DeviceState::kRingInUse, DeviceState::kOnHold, DeviceState::kUnknown}) {
    const std::string body = render_device_pidf("sip:x@y", eid("02:00:00:00:00:01"), st, false, 1);
    EXPECT_NE(body.find("<basic>open</basic>"), std::string::npos);
    auto doc = parse_device_pidf(body);
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->tuples.size(), 1u);
    EXPECT_EQ(doc->tuples[0].state, st);
    EXPECT_FALSE(doc->tuples[0].cachable);
  }
}

// What Kamailio's presence_xml sends: the first publication's document with the other
// publications' tuples copied in, each repeating the PIDF namespace; a phone's tuple without the
// pinana element; an unpublished node's tuple reduced to <basic>closed</basic>.
TEST(DevicePidf, ParsesAComposedDocumentAndSkipsForeignTuples) {
  const std::string body = R"(<?xml version="1.0"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:dev-x@127.0.0.1">
 <tuple id="eid-020000000001"><status><basic>open</basic>
  <devicestate xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:01"
      state="RINGING" cachable="true" version="7"/></status></tuple>
<tuple xmlns="urn:ietf:params:xml:ns:pidf" id="eid-020000000002"><status><basic>open</basic>
  <p:devicestate xmlns:p="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:02"
      state="INUSE" cachable="false" version="9"/></status></tuple>
<tuple xmlns="urn:ietf:params:xml:ns:pidf" id="phone"><status><basic>open</basic></status>
  <note>a phone</note></tuple>
<tuple xmlns="urn:ietf:params:xml:ns:pidf" id="eid-020000000003"><status><basic>closed</basic>
  </status></tuple>
<tuple xmlns="urn:ietf:params:xml:ns:pidf" id="other"><status><basic>open</basic>
  <devicestate xmlns="urn:example:other" eid="02:00:00:00:00:04" state="BUSY"/></status></tuple>
</presence>)";
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc) << doc.error().reason;
  ASSERT_EQ(doc->tuples.size(), 2u);
  EXPECT_EQ(doc->tuples[0].eid, eid("02:00:00:00:00:01"));
  EXPECT_EQ(doc->tuples[0].state, DeviceState::kRinging);
  EXPECT_EQ(doc->tuples[1].eid, eid("02:00:00:00:00:02"));
  EXPECT_EQ(doc->tuples[1].state, DeviceState::kInUse);
  EXPECT_FALSE(doc->tuples[1].cachable);
  EXPECT_EQ(doc->malformed, 0u);
}

// Kamailio's NOTIFY after an unpublish: the publication's tuple once more, <basic> rewritten to
// closed, the pinana element kept. A closed tuple is read as gone unless its state is one we
// write closed ourselves.
TEST(DevicePidf, AClosedTupleWithAnOpenStateIsAnOfflineRewrite) {
  const std::string body = R"(<?xml version="1.0"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:dev-x@127.0.0.1">
  <tuple xmlns="urn:ietf:params:xml:ns:pidf" id="eid-02000000000c">
    <status xmlns="urn:ietf:params:xml:ns:pidf">
   <basic>closed</basic>
   <devicestate xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:0c"
     state="INUSE" cachable="true" version="5"/>
  </status></tuple>
  <tuple id="eid-02000000000d"><status><basic>closed</basic>
   <devicestate xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:0d"
     state="UNAVAILABLE"/></status></tuple>
</presence>)";
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->offline, 1u);
  ASSERT_EQ(doc->tuples.size(), 1u);
  EXPECT_EQ(doc->tuples[0].eid, eid("02:00:00:00:00:0d"));
  EXPECT_EQ(doc->tuples[0].state, DeviceState::kUnavailable);
}

TEST(DevicePidf, OfTwoTuplesOfOneEidTheHigherVersionWins) {
  const std::string a =
      render_device_pidf("sip:x@y", eid("02:00:00:00:00:01"), DeviceState::kBusy, true, 10);
  const std::string b =
      render_device_pidf("sip:x@y", eid("02:00:00:00:00:01"), DeviceState::kNotInUse, true, 11);
  auto tuple_of = [](const std::string& d) {
    const size_t s = d.find("<tuple"), e = d.find("</tuple>") + 8;
    return d.substr(s, e - s);
  };
  for (const auto& [first, second] : {std::pair{a, b}, std::pair{b, a}}) {
    const std::string body = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:x@y\">" +
                             tuple_of(first) + tuple_of(second) + "</presence>";
    auto doc = parse_device_pidf(body);
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->tuples.size(), 1u);
    EXPECT_EQ(doc->tuples[0].state, DeviceState::kNotInUse);
    EXPECT_EQ(doc->tuples[0].version, 11u);
  }
}

TEST(DevicePidf, MalformedElementsAreSkippedAndCounted) {
  const std::string body = R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:x@y">
<tuple id="t1"><status><devicestate xmlns="urn:pinana:params:xml:ns:devicestate"
  eid="02:00:00:00:00:01" state="SLEEPING"/></status></tuple>
<tuple id="t2"><status><devicestate xmlns="urn:pinana:params:xml:ns:devicestate"
  eid="nope" state="INUSE"/></status></tuple>
<tuple id="t3"><status><devicestate xmlns="urn:pinana:params:xml:ns:devicestate"
  eid="00:00:00:00:00:00" state="INUSE"/></status></tuple>
<tuple id="t4"><status><devicestate xmlns="urn:pinana:params:xml:ns:devicestate"
  eid="02:00:00:00:00:01" state="INUSE" cachable="maybe"/></status></tuple>
<tuple id="t5"><status><devicestate xmlns="urn:pinana:params:xml:ns:devicestate"
  eid="02:00:00:00:00:01" state="INUSE" version="-1"/></status></tuple>
<tuple id="t6"><status><devicestate xmlns="urn:pinana:params:xml:ns:devicestate"
  eid="02:00:00:00:00:05" state="ONHOLD"/></status></tuple>
</presence>)";
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->malformed, 5u);
  ASSERT_EQ(doc->tuples.size(), 1u);  // defaults: cachable true, version 0
  EXPECT_EQ(doc->tuples[0].eid, eid("02:00:00:00:00:05"));
  EXPECT_EQ(doc->tuples[0].state, DeviceState::kOnHold);
  EXPECT_TRUE(doc->tuples[0].cachable);
}

TEST(DevicePidf, RefusesWhatIsNotPidf) {
  EXPECT_FALSE(parse_device_pidf(""));
  EXPECT_FALSE(parse_device_pidf("<presence"));
  EXPECT_FALSE(parse_device_pidf("<presence entity=\"sip:x@y\"/>"));  // no namespace
  EXPECT_FALSE(parse_device_pidf("<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\"/>"));
  EXPECT_EQ(parse_device_pidf("\x01\x02 junk").error().status, 400);
  // A PIDF document with no tuples is fine: nobody publishes the device.
  auto empty =
      parse_device_pidf("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:x@y\"/>");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->tuples.empty());
}

TEST(DevicePidf, TheRosterListsMembers) {
  const std::string a = render_member_pidf("sip:pinana-nodes@y", eid("02:00:00:00:00:0a"));
  EXPECT_NE(a.find("<tuple id=\"eid-02000000000a\">"), std::string::npos);
  auto doc = parse_device_pidf(a);
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->members.size(), 1u);
  EXPECT_EQ(doc->members[0], eid("02:00:00:00:00:0a"));
  EXPECT_TRUE(doc->tuples.empty());
  EXPECT_EQ(tuple_id(eid("ab:cd:ef:01:23:45")), "eid-abcdef012345");
}

TEST(DevicePidf, TheRosterListsMailboxesUpToTheLimit) {
  std::vector<std::string> mailboxes = {"1000@default", "a&b<c>@x", "bad", "bell\x07@x"};
  for (size_t i = 0; i < kMaxMemberMailboxes; ++i) mailboxes.push_back(std::to_string(i) + "@m");
  const std::string body =
      render_member_pidf("sip:pinana-nodes@y", eid("02:00:00:00:00:0a"), mailboxes);
  EXPECT_NE(body.find("<mailbox>1000@default</mailbox>"), std::string::npos) << body;
  EXPECT_NE(body.find("<mailbox>a&amp;b&lt;c&gt;@x</mailbox>"), std::string::npos);
  EXPECT_EQ(body.find("bad"), std::string::npos);   // not MAILBOX@CONTEXT
  EXPECT_EQ(body.find("bell"), std::string::npos);  // not printable ASCII
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->members, std::vector<state::Eid>{eid("02:00:00:00:00:0a")});
  ASSERT_EQ(doc->mailboxes.size(), kMaxMemberMailboxes);
  EXPECT_EQ(doc->mailboxes[0], "1000@default");
  EXPECT_EQ(doc->mailboxes[1], "a&b<c>@x");
  EXPECT_EQ(doc->mailboxes.back(), std::to_string(kMaxMemberMailboxes - 3) + "@m");
  EXPECT_EQ(doc->malformed, 0u);
  EXPECT_EQ(doc->excess_mailboxes, 0u);
}

// As Kamailio composes the roster: each member's tuple, mailboxes unioned across members; a
// member listing more than the limit is read up to it; bad names are skipped and counted.
TEST(DevicePidf, ReadsTheMailboxesOfEveryMember) {
  std::string many;
  for (size_t i = 0; i < kMaxMemberMailboxes + 3; ++i)
    many += "<mailbox>" + std::to_string(i) + "@m</mailbox>";
  const std::string body = R"(<?xml version="1.0"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:pinana-nodes@127.0.0.1">
 <tuple id="eid-02000000000a"><status><basic>open</basic>
  <member xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:0a">
   <mailbox>1000@default</mailbox><mailbox>2000@sales</mailbox></member></status></tuple>
<tuple xmlns="urn:ietf:params:xml:ns:pidf" id="eid-02000000000b"><status><basic>open</basic>
  <p:member xmlns:p="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:0b">
   <p:mailbox>2000@sales</p:mailbox><p:mailbox>nope</p:mailbox><mailbox>3000@x</mailbox>
  </p:member></status></tuple>
<tuple xmlns="urn:ietf:params:xml:ns:pidf" id="eid-02000000000c"><status><basic>open</basic>
  <member xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:0c">)" +
                           many + R"(</member></status></tuple>
</presence>)";
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc) << doc.error().reason;
  EXPECT_EQ(doc->members.size(), 3u);
  ASSERT_GE(doc->mailboxes.size(), 2u);
  EXPECT_EQ(doc->mailboxes[0], "1000@default");
  EXPECT_EQ(doc->mailboxes[1], "2000@sales");
  // 3000@x is in the PIDF namespace (the tuple's default), not ours: not a mailbox.
  EXPECT_EQ(doc->mailboxes.size(), 2u + kMaxMemberMailboxes);
  EXPECT_EQ(doc->malformed, 1u);  // "nope"
  EXPECT_EQ(doc->excess_mailboxes, 3u);
}

TEST(DevicePidf, ATombstoneIsNoStateFromItsEid) {
  const std::string body = render_device_tombstone("sip:x@y", eid("02:00:00:00:00:01"), 12);
  EXPECT_NE(body.find("<basic>closed</basic>"), std::string::npos) << body;
  EXPECT_NE(body.find("withdrawn=\"true\""), std::string::npos) << body;
  EXPECT_EQ(body.find("state=\""), std::string::npos) << body;  // older readers: malformed, skipped
  auto doc = parse_device_pidf(body);
  ASSERT_TRUE(doc);
  EXPECT_TRUE(doc->tuples.empty());
  EXPECT_EQ(doc->withdrawn, std::vector<state::Eid>{eid("02:00:00:00:00:01")});
  EXPECT_EQ(doc->malformed, 0u);
  EXPECT_EQ(doc->offline, 0u);
}

// Of a live tuple and a tombstone of one EID the higher version wins either way; Kamailio's
// rewrite of an unpublished tombstone (basic closed, the element kept) is still a tombstone.
TEST(DevicePidf, TombstonesTakePartInTheVersionRule) {
  auto tuple_of = [](const std::string& d) {
    const size_t s = d.find("<tuple"), e = d.find("</tuple>") + 8;
    return d.substr(s, e - s);
  };
  const auto e = eid("02:00:00:00:00:01");
  const std::string live =
      tuple_of(render_device_pidf("sip:x@y", e, DeviceState::kUnavailable, true, 10));
  const std::string dead = tuple_of(render_device_tombstone("sip:x@y", e, 11));
  const std::string newer =
      tuple_of(render_device_pidf("sip:x@y", e, DeviceState::kBusy, true, 12));
  auto parse = [](const std::string& a, const std::string& b) {
    return parse_device_pidf("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:x@y\">" +
                             a + b + "</presence>");
  };
  for (auto doc : {parse(live, dead), parse(dead, live)}) {
    ASSERT_TRUE(doc);
    EXPECT_TRUE(doc->tuples.empty());
    EXPECT_EQ(doc->withdrawn.size(), 1u);
  }
  for (auto doc : {parse(newer, dead), parse(dead, newer)}) {
    ASSERT_TRUE(doc);
    ASSERT_EQ(doc->tuples.size(), 1u);
    EXPECT_EQ(doc->tuples[0].state, DeviceState::kBusy);
    EXPECT_TRUE(doc->withdrawn.empty());
  }
  auto rewritten = parse_device_pidf(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf"
  entity="sip:x@y"><tuple xmlns="urn:ietf:params:xml:ns:pidf" id="eid-020000000001">
  <status xmlns="urn:ietf:params:xml:ns:pidf"><basic>closed</basic>
  <devicestate xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:01"
    withdrawn="true" version="11"/></status></tuple></presence>)");
  ASSERT_TRUE(rewritten);
  EXPECT_TRUE(rewritten->tuples.empty());
  EXPECT_EQ(rewritten->withdrawn.size(), 1u);
  // withdrawn="false" is an ordinary tuple; a bad value is malformed.
  auto plain = parse_device_pidf(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="x">
  <tuple id="t"><status><basic>open</basic><devicestate
  xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:01" state="INUSE"
  withdrawn="false"/></status></tuple><tuple id="u"><status><devicestate
  xmlns="urn:pinana:params:xml:ns:devicestate" eid="02:00:00:00:00:02" withdrawn="yes"/>
  </status></tuple></presence>)");
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->tuples.size(), 1u);
  EXPECT_EQ(plain->tuples[0].state, DeviceState::kInUse);
  EXPECT_EQ(plain->malformed, 1u);
}

TEST(MwiSummary, RendersAndParsesCounts) {
  const std::string s = render_summary(2, 5, "sip:mwi-x@y");
  EXPECT_EQ(s, "Messages-Waiting: yes\r\nMessage-Account: sip:mwi-x@y\r\nVoice-Message: 2/5\r\n");
  EXPECT_EQ(render_summary(0, 3), "Messages-Waiting: no\r\nVoice-Message: 0/3\r\n");
  auto c = parse_summary_counts(s);
  ASSERT_TRUE(c);
  ASSERT_TRUE(*c);
  EXPECT_EQ(**c, std::make_pair(2, 5));
  auto u = parse_summary_counts("messages-waiting: yes\nvoice-message: 1/0 (1/0)\n\nTo: x\n");
  ASSERT_TRUE(u && *u);
  EXPECT_EQ(**u, std::make_pair(1, 0));
}

TEST(MwiSummary, NoVoiceMessageLineMeansNoCounts) {
  for (const char* body : {"", "Messages-Waiting: no\r\n", "Messages-Waiting: no\r\n\r\n"}) {
    auto c = parse_summary_counts(body);
    ASSERT_TRUE(c) << body;
    EXPECT_FALSE(*c) << body;
  }
}

TEST(MwiSummary, RefusesMalformedSummaries) {
  EXPECT_FALSE(parse_summary_counts("Voice-Message: 1/2\r\n"));
  EXPECT_FALSE(parse_summary_counts("Messages-Waiting: yes\r\nVoice-Message: 12\r\n"));
  EXPECT_FALSE(parse_summary_counts("Messages-Waiting: yes\r\nVoice-Message: x/1\r\n"));
  EXPECT_FALSE(parse_summary_counts("Messages-Waiting: yes\r\nVoice-Message: 1234567890/1\r\n"));
  EXPECT_FALSE(parse_summary_counts("Messages-Waiting: yes\r\ngarbage\r\n"));
}

}  // namespace
}  // namespace pinana::node
