#include "pinana/presence/packages/message_summary/message_summary_package.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "package_harness.h"
#include "pinana/presence/packages/message_summary/summary_document.h"

namespace pinana::presence::packages::message_summary {
namespace {

using test::PackageHarness;

class MessageSummaryTest : public ::testing::Test {
 protected:
  MessageSummaryPackage pkg;
  PackageHarness hub{pkg, "sip:alice@vm.example.com"};
};

TEST_F(MessageSummaryTest, Identity) {
  EXPECT_EQ(pkg.name(), "message-summary");
  EXPECT_EQ(pkg.publish_types()[0], "application/simple-message-summary");
  EXPECT_EQ(pkg.notify_types()[0], "application/simple-message-summary");
  EXPECT_FALSE(pkg.per_watcher());
}

TEST_F(MessageSummaryTest, ParsesTheRfcExample) {
  auto doc = parse_summary(
      "Messages-Waiting: yes\r\n"
      "Message-Account: sip:alice@vmail.example.com\r\n"
      "Voice-Message: 4/8 (1/2)\r\n"
      "Fax-Message: 0/1\r\n"
      "\r\n"
      "To: <alice@atlanta.example.com>\r\n"
      "From: <bob@biloxi.example.com>\r\n"
      "Subject: carpool tomorrow?\r\n");
  ASSERT_TRUE(doc.ok()) << doc.error().reason;
  const SummaryDocument& d = **doc;
  EXPECT_TRUE(d.messages_waiting);
  EXPECT_EQ(d.account, "sip:alice@vmail.example.com");
  ASSERT_EQ(d.lines.size(), 2u);
  EXPECT_EQ(d.lines[0], (SummaryLine{"Voice-Message", 4, 8, 1, 2}));
  EXPECT_EQ(d.lines[1], (SummaryLine{"Fax-Message", 0, 1, std::nullopt, std::nullopt}));
  EXPECT_EQ(d.message_headers, (std::vector<std::string>{"To: <alice@atlanta.example.com>",
                                                         "From: <bob@biloxi.example.com>",
                                                         "Subject: carpool tomorrow?"}));
  EXPECT_EQ(format_summary(d),
            "Messages-Waiting: yes\r\n"
            "Message-Account: sip:alice@vmail.example.com\r\n"
            "Voice-Message: 4/8 (1/2)\r\n"
            "Fax-Message: 0/1\r\n"
            "\r\n"
            "To: <alice@atlanta.example.com>\r\n"
            "From: <bob@biloxi.example.com>\r\n"
            "Subject: carpool tomorrow?\r\n");
}

TEST_F(MessageSummaryTest, ToleratesCaseSpacingAndBareLineFeeds) {
  auto doc = parse_summary("messages-waiting :NO\nvoice-message:  0 / 3 ( 0 / 1 )\n");
  ASSERT_TRUE(doc.ok()) << doc.error().reason;
  EXPECT_FALSE((*doc)->messages_waiting);
  ASSERT_EQ((*doc)->lines.size(), 1u);
  EXPECT_EQ((*doc)->lines[0], (SummaryLine{"Voice-Message", 0, 3, 0, 1}));
  EXPECT_EQ(format_summary(**doc), "Messages-Waiting: no\r\nVoice-Message: 0/3 (0/1)\r\n");
  EXPECT_TRUE(parse_summary("Messages-Waiting: yes").ok()) << "no final line end";
}

TEST_F(MessageSummaryTest, RejectsInvalidBodiesWith400AndAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty"},
      {"Voice-Message: 1/2\r\nMessages-Waiting: yes\r\n", "does not start with Messages-Waiting"},
      {"Messages-Waiting yes\r\n", "does not start with Messages-Waiting"},
      {"Messages-Waiting: maybe\r\n", "neither yes nor no"},
      {"Messages-Waiting: yes\r\nVoice-Message: a/b\r\n", "bad message counts"},
      {"Messages-Waiting: yes\r\nVoice-Message: 1\r\n", "bad message counts"},
      {"Messages-Waiting: yes\r\nVoice-Message: 1/2 (3)\r\n", "bad message counts"},
      {"Messages-Waiting: yes\r\nVoice-Message: 1/2 (3/4\r\n", "bad message counts"},
      {"Messages-Waiting: yes\r\nVoice-Message: 1/2 x\r\n", "bad message counts"},
      {"Messages-Waiting: yes\r\nVoice-Message: 1234567890/2\r\n", "bad message counts"},
      {"Messages-Waiting: yes\r\nVoicemail: 1/2\r\n", "unknown message summary line"},
      {"Messages-Waiting: yes\r\nVoice-Message: 1/2\r\nvoice-message: 1/2\r\n", "repeated"},
      {"Messages-Waiting: yes\r\nMessage-Account: alice\r\n", "not a URI"},
      {"Messages-Waiting: yes\r\nMessage-Account: sip:a@b\r\nMessage-Account: sip:a@b\r\n",
       "more than one Message-Account"},
      {"Messages-Waiting: yes\r\n Voice-Message: 1/2\r\n", "folded"},
      {"Messages-Waiting: yes\r\nGarbage\r\n", "without a colon"},
      {std::string("Messages-Waiting: yes\r\nVoice-Message: 1/2\0\r\n", 44), "control character"},
  };
  for (const auto& [body, reason] : cases) {
    auto doc = pkg.parse("application/simple-message-summary", body, nullptr);
    ASSERT_FALSE(doc.ok()) << body;
    EXPECT_EQ(doc.error().status, 400) << body;
    EXPECT_NE(doc.error().reason.find(reason), std::string::npos)
        << body << " -> " << doc.error().reason;
  }
  EXPECT_EQ(pkg.parse("text/plain", "Messages-Waiting: no\r\n", nullptr).error().status, 415);
}

TEST_F(MessageSummaryTest, NoPublicationsMeanNoMessagesWaiting) {
  auto body = hub.render_shared();
  ASSERT_TRUE(body);
  EXPECT_EQ(body->content_type, "application/simple-message-summary");
  EXPECT_EQ(body->text, "Messages-Waiting: no\r\n");
}

TEST_F(MessageSummaryTest, MostRecentlyPublishedSummaryWins) {
  ASSERT_TRUE(hub.publish("vm1", "Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n").ok());
  ASSERT_TRUE(hub.publish("vm2", "Messages-Waiting: no\r\nVoice-Message: 0/5\r\n").ok());
  EXPECT_EQ(hub.render_shared()->text, "Messages-Waiting: no\r\nVoice-Message: 0/5\r\n");
  hub.relocate();  // the store's compaction keeps the order of publication
  EXPECT_EQ(hub.render_shared()->text, "Messages-Waiting: no\r\nVoice-Message: 0/5\r\n");
  // Modifying the older publication makes it the most recent.
  ASSERT_TRUE(hub.publish("vm1", "Messages-Waiting: yes\r\nVoice-Message: 2/0\r\n").ok());
  EXPECT_EQ(hub.render_shared()->text, "Messages-Waiting: yes\r\nVoice-Message: 2/0\r\n");
  // A rejected PUBLISH changes nothing.
  EXPECT_FALSE(hub.publish("vm2", "Messages-Waiting: perhaps\r\n").ok());
  EXPECT_EQ(hub.render_shared()->text, "Messages-Waiting: yes\r\nVoice-Message: 2/0\r\n");
  // When it goes, the other one is current again.
  hub.remove("vm1");
  EXPECT_EQ(hub.render_shared()->text, "Messages-Waiting: no\r\nVoice-Message: 0/5\r\n");
  hub.remove("vm2");
  EXPECT_EQ(hub.render_shared()->text, "Messages-Waiting: no\r\n");
}

}  // namespace
}  // namespace pinana::presence::packages::message_summary
