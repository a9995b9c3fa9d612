#include "pinana/hub/access.h"

#include <gtest/gtest.h>

namespace pinana::hub {
namespace {

sip::Uri uri(std::string_view text) {
  auto r = sip::parse_uri(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : sip::Uri{};
}

AccessRule rule(std::vector<std::string> presentities, std::vector<std::string> packages) {
  return AccessRule{std::move(presentities), std::move(packages)};
}

TEST(Access, StarPermitsEverything) {
  const AccessRule r;  // defaults: "*" and "*"
  EXPECT_TRUE(permits(r, uri("sip:alice@example.com"), "presence"));
  EXPECT_TRUE(permits(r, uri("sips:bob@other.net"), "dialog"));
  EXPECT_TRUE(permits(r, uri("tel:+123"), "message-summary"));
}

TEST(Access, DomainWildcard) {
  const auto r = rule({"sip:*@example.com"}, {"*"});
  EXPECT_TRUE(permits(r, uri("sip:alice@example.com"), "presence"));
  EXPECT_TRUE(permits(r, uri("sip:100@example.com;user=phone"), "presence"));
  EXPECT_FALSE(permits(r, uri("sip:alice@example.org"), "presence"));
  EXPECT_FALSE(permits(r, uri("sip:alice@sub.example.com"), "presence"));
  EXPECT_FALSE(permits(r, uri("tel:+123"), "presence"));
}

TEST(Access, ExactUri) {
  const auto r = rule({"sip:alice@example.com"}, {"*"});
  EXPECT_TRUE(permits(r, uri("sip:alice@example.com"), "presence"));
  EXPECT_FALSE(permits(r, uri("sip:bob@example.com"), "presence"));
  EXPECT_FALSE(permits(r, uri("sip:alice2@example.com"), "presence"));
}

TEST(Access, SipsMatchesSipBothWays) {
  EXPECT_TRUE(permits(rule({"sip:alice@example.com"}, {"*"}), uri("sips:alice@example.com"), "x"));
  EXPECT_TRUE(permits(rule({"sips:alice@example.com"}, {"*"}), uri("sip:alice@example.com"), "x"));
  EXPECT_TRUE(permits(rule({"sips:*@example.com"}, {"*"}), uri("sip:bob@example.com"), "x"));
}

TEST(Access, HostIsCaseInsensitiveUserIsNot) {
  const auto r = rule({"sip:alice@Example.COM"}, {"*"});
  EXPECT_TRUE(permits(r, uri("sip:alice@example.com"), "presence"));
  EXPECT_TRUE(permits(r, uri("sip:alice@EXAMPLE.com"), "presence"));
  EXPECT_FALSE(permits(r, uri("sip:Alice@example.com"), "presence"));
  EXPECT_TRUE(permits(rule({"SIP:alice@example.com"}, {"*"}), uri("sip:alice@example.com"), "p"));
}

TEST(Access, PackageLists) {
  const auto r = rule({"*"}, {"asterisk-devicestate", "presence"});
  EXPECT_TRUE(permits(r, uri("sip:a@example.com"), "presence"));
  EXPECT_TRUE(permits(r, uri("sip:a@example.com"), "asterisk-devicestate"));
  EXPECT_FALSE(permits(r, uri("sip:a@example.com"), "dialog"));
  EXPECT_FALSE(permits(r, uri("sip:a@example.com"), "Presence"));
  EXPECT_FALSE(permits(rule({"*"}, {}), uri("sip:a@example.com"), "presence"));
  EXPECT_FALSE(permits(rule({}, {"*"}), uri("sip:a@example.com"), "presence"));
}

TEST(Access, BothListsMustMatch) {
  const auto r = rule({"sip:*@example.com"}, {"presence"});
  EXPECT_FALSE(permits(r, uri("sip:a@example.org"), "presence"));
  EXPECT_FALSE(permits(r, uri("sip:a@example.com"), "dialog"));
  EXPECT_TRUE(permits(r, uri("sip:a@example.com"), "presence"));
}

TEST(Access, AnyPatternInTheListSuffices) {
  const auto r = rule({"sip:alice@a.com", "sip:*@b.com"}, {"*"});
  EXPECT_TRUE(permits(r, uri("sip:alice@a.com"), "p"));
  EXPECT_TRUE(permits(r, uri("sip:zed@b.com"), "p"));
  EXPECT_FALSE(permits(r, uri("sip:bob@a.com"), "p"));
}

TEST(Access, MalformedPatternsMatchNothing) {
  EXPECT_FALSE(permits(rule({"alice@example.com"}, {"*"}), uri("sip:alice@example.com"), "p"));
  EXPECT_FALSE(permits(rule({"sip:example.com"}, {"*"}), uri("sip:example.com"), "p"));
  EXPECT_FALSE(permits(rule({"tel:*@example.com"}, {"*"}), uri("sip:a@example.com"), "p"));
}

TEST(Access, FindUser) {
  std::vector<HubUser> users(2);
  users[0].name = "node1";
  users[1].name = "node2";
  ASSERT_NE(find_user(users, "node2"), nullptr);
  EXPECT_EQ(find_user(users, "node2"), &users[1]);
  EXPECT_EQ(find_user(users, "Node2"), nullptr);
  EXPECT_EQ(find_user(users, ""), nullptr);
}

}  // namespace
}  // namespace pinana::hub
