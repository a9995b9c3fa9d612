// Typed header values: Via, name-addr, CSeq, numbers, Event, Subscription-State, media types,
// token lists and comma-separated splitting.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pinana/sip/header_values.h"

namespace pinana::sip {
namespace {

std::vector<std::string> split(std::string_view v) {
  std::vector<std::string> out;
  EXPECT_TRUE(for_each_element(v, [&](std::string_view e) { return out.emplace_back(e), true; }));
  return out;
}

TEST(Elements, SplitsOutsideQuotesAndAngles) {
  EXPECT_EQ(split("a, b ,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("\"x, y\" <sip:a@b>, <sip:c,d@e>"),
            (std::vector<std::string>{"\"x, y\" <sip:a@b>", "<sip:c,d@e>"}));
  EXPECT_EQ(split("a,\r\n b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(for_each_element("\"open", [](std::string_view) { return true; }));
}

TEST(Via, ParsesParameters) {
  auto v = parse_via(
      "SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKabc;rport;received=192.0.2.7;maddr=239.1.1.1");
  ASSERT_TRUE(v.ok()) << v.error().reason;
  EXPECT_EQ(v->protocol, "SIP");
  EXPECT_EQ(v->version, "2.0");
  EXPECT_EQ(v->transport, "TCP");
  EXPECT_EQ(v->host, "[2001:db8::1]");
  EXPECT_EQ(v->port, 5061);
  EXPECT_TRUE(v->rfc3261_branch());
  EXPECT_TRUE(v->has_rport());
  EXPECT_EQ(v->received(), "192.0.2.7");
  EXPECT_EQ(v->maddr(), "239.1.1.1");
}

TEST(Via, Rejects) {
  for (const char* bad :
       {"SIP/2.0/UDP", "SIP/2.0 host", "SIP/2.0/UDP host;;", "SIP/2.0/UDP host:99999",
        "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host;received=example.com",
        "SIP/2.0/UDP host;rport=x", "SIP/2.0/UDP host junk"}) {
    EXPECT_FALSE(parse_via(bad).ok()) << bad;
  }
}

TEST(NameAddr, Forms) {
  auto a = parse_name_addr("\"Alice \\\"A\\\"\" <sip:alice@example.com;transport=udp>;tag=1;q=0.5");
  ASSERT_TRUE(a.ok()) << a.error().reason;
  EXPECT_EQ(unquote(a->display_name), "Alice \"A\"");
  EXPECT_TRUE(a->angle_brackets);
  EXPECT_EQ(a->uri.params.get("transport"), "udp");
  EXPECT_EQ(a->tag(), "1");
  EXPECT_EQ(a->params.get("q"), "0.5");
  auto b = parse_name_addr("Bob Smith <tel:+15551234>");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->display_name, "Bob Smith");
  auto c = parse_name_addr("sip:carol@example.com;tag=xyz");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->angle_brackets);
  EXPECT_EQ(c->tag(), "xyz");
  EXPECT_TRUE(c->uri.params.empty());
  EXPECT_FALSE(parse_name_addr("<sip:a@b").ok());
  EXPECT_FALSE(parse_name_addr("\"x\" sip:a@b").ok());
  EXPECT_FALSE(parse_name_addr("<sip:a@b> junk").ok());
}

TEST(CSeq, Bounds) {
  EXPECT_EQ(parse_cseq("4294967295 PUBLISH")->sequence, 4294967295u);
  EXPECT_FALSE(parse_cseq("4294967296 PUBLISH").ok());
  EXPECT_FALSE(parse_cseq("12").ok());
  EXPECT_FALSE(parse_cseq("x PUBLISH").ok());
  EXPECT_EQ(parse_cseq("7\r\n SUBSCRIBE")->method, "SUBSCRIBE");
}

TEST(Numbers, ExpiresSaturates) {
  EXPECT_EQ(parse_number("3600", 0xffffffffu, true).value(), 3600u);
  EXPECT_EQ(parse_number("99999999999999999999", 0xffffffffu, true).value(), 0xffffffffu);
  EXPECT_FALSE(parse_number("300", 255).ok());
  EXPECT_FALSE(parse_number("-1", 100).ok());
  EXPECT_FALSE(parse_number("", 100).ok());
}

TEST(Event, PackageTemplateAndId) {
  auto e = parse_event("presence.winfo;id=abc");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->type, "presence.winfo");
  EXPECT_EQ(e->package, "presence");
  EXPECT_EQ(e->id(), "abc");
  EXPECT_EQ(parse_event("asterisk-devicestate")->package, "asterisk-devicestate");
  EXPECT_FALSE(parse_event("").ok());
  EXPECT_FALSE(parse_event("presence;id=").ok());
  EXPECT_FALSE(parse_event("pres..ence").ok());
}

TEST(SubscriptionState, ReasonExpiresRetryAfter) {
  auto s = parse_subscription_state("terminated;reason=timeout;retry-after=30");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, "terminated");
  EXPECT_EQ(s->reason, "timeout");
  EXPECT_EQ(s->retry_after, 30);
  EXPECT_EQ(s->expires, -1);
  EXPECT_EQ(parse_subscription_state("active ; expires = 600")->expires, 600);
  EXPECT_FALSE(parse_subscription_state("active;expires=soon").ok());
  EXPECT_FALSE(parse_subscription_state(";expires=1").ok());
}

TEST(MediaType, Matching) {
  auto m = parse_media_type("application/pidf+xml;charset=utf-8");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->matches("application", "PIDF+XML"));
  EXPECT_EQ(m->params.get("charset"), "utf-8");
  EXPECT_TRUE(parse_media_type("*/*")->matches("text", "plain"));
  EXPECT_TRUE(parse_media_type("application/*")->matches("application", "json"));
  EXPECT_FALSE(parse_media_type("application").ok());
}

TEST(Tokens, CallIdAndLists) {
  EXPECT_TRUE(is_call_id("abc@192.0.2.1"));
  EXPECT_FALSE(is_call_id("a b"));
  EXPECT_FALSE(is_call_id("a@"));
  EXPECT_TRUE(is_token_list("100rel, timer ,eventlist", false));
  EXPECT_FALSE(is_token_list("", false));
  EXPECT_TRUE(is_token_list("", true));
  EXPECT_FALSE(is_token_list("a,,b", false));
}

}  // namespace
}  // namespace pinana::sip

namespace pinana::sip {
namespace {

TEST(Tokens, EventTypeLists) {
  EXPECT_TRUE(is_event_type_list("presence, dialog ,presence.winfo"));
  EXPECT_FALSE(is_event_type_list("presence, .winfo"));
  EXPECT_FALSE(is_event_type_list("presence. , dialog"));
  EXPECT_FALSE(is_event_type_list("pres..ence"));
  EXPECT_FALSE(is_event_type_list("presence;id=1"));
  EXPECT_FALSE(is_event_type_list(""));
}

}  // namespace
}  // namespace pinana::sip
