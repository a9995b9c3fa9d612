#include "pinana/state/hint.h"

#include <gtest/gtest.h>

namespace pinana::state {
namespace {

using Devices = std::vector<std::string>;

TEST(Hint, DevicesJoinedByAmpersand) {
  auto h = parse_hint("1000", "PJSIP/alice&Custom:alice-dnd");
  ASSERT_TRUE(h) << h.error().reason;
  EXPECT_EQ(h->exten, "1000");
  EXPECT_EQ(h->devices, (Devices{"PJSIP/alice", "Custom:alice-dnd"}));
  EXPECT_EQ(h->presence, "");
  EXPECT_EQ(h->display_name, "");
  EXPECT_EQ(h->text, "PJSIP/alice&Custom:alice-dnd");
}

TEST(Hint, PresenceAfterFirstComma) {
  auto h = parse_hint("6004", "PJSIP/diane,CustomPresence:diane");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->devices, (Devices{"PJSIP/diane"}));
  EXPECT_EQ(h->presence, "CustomPresence:diane");
  EXPECT_EQ(h->text, "PJSIP/diane");

  // The FIRST comma splits (new Asterisk code); the rest is the presence part.
  auto two = parse_hint("6004", "PJSIP/a,CustomPresence:a,extra");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->devices, (Devices{"PJSIP/a"}));
  EXPECT_EQ(two->presence, "CustomPresence:a,extra");
}

TEST(Hint, PresenceOnly) {
  auto h = parse_hint("6005", ",CustomPresence:ellen");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->devices.empty());
  EXPECT_EQ(h->presence, "CustomPresence:ellen");
  EXPECT_EQ(h->text, "");
}

TEST(Hint, EmptyHintIsLegal) {
  auto h = parse_hint("7000", "");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->devices.empty());
}

TEST(Hint, DisplayName) {
  auto h = parse_hint("1234", "PJSIP/u1234(Alice)");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->devices, (Devices{"PJSIP/u1234"}));
  EXPECT_EQ(h->display_name, "Alice");
  EXPECT_EQ(h->text, "PJSIP/u1234");

  // First '(' to last ')': nested parentheses stay in the name; presence after it still parsed.
  auto nested = parse_hint("1235", "PJSIP/a&PJSIP/b(Alice (sales)),CustomPresence:a");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->display_name, "Alice (sales)");
  EXPECT_EQ(nested->devices, (Devices{"PJSIP/a", "PJSIP/b"}));
  EXPECT_EQ(nested->presence, "CustomPresence:a");
}

TEST(Hint, BlanksTrimmedAndEmptyNamesSkipped) {
  auto h = parse_hint(" 1000 ", "  PJSIP/a && Custom:b &\t, CustomPresence:x ");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->exten, "1000");
  EXPECT_EQ(h->devices, (Devices{"PJSIP/a", "Custom:b"}));
  EXPECT_EQ(h->presence, "CustomPresence:x");
}

TEST(Hint, DeviceNamesKeepTheirCase) {
  auto h = parse_hint("1", "PJSIP/Alice&pjsip/alice");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->devices, (Devices{"PJSIP/Alice", "pjsip/alice"}));
}

TEST(Hint, Errors) {
  const struct {
    const char* exten;
    const char* value;
    const char* reason_has;
  } cases[] = {
      {"", "PJSIP/a", "empty extension"},
      {"  ", "PJSIP/a", "empty extension"},
      {"1", "PJSIP/a(Alice", "unbalanced"},
      {"1", "PJSIP/a)Alice(", "unbalanced"},
      {"1", "PJSIP/aAlice)", "unbalanced"},
      {"1", "alice", "neither '/' nor ':'"},
      {"1", "PJSIP/a&bob", "'bob'"},
      {"1", "PJSIP/a,presence", "presence provider"},
      {"1", "PJSIP/a\r\n", "control character"},
      {"1\n", "PJSIP/a", "control character"},
  };
  for (const auto& c : cases) {
    auto h = parse_hint(c.exten, c.value);
    ASSERT_FALSE(h) << "'" << c.exten << "' => '" << c.value << "'";
    EXPECT_EQ(h.error().status, 400);
    EXPECT_NE(h.error().reason.find(c.reason_has), std::string::npos)
        << c.value << ": " << h.error().reason;
  }
}

}  // namespace
}  // namespace pinana::state
