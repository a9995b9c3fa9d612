// parse_uri: SIP, SIPS, tel and opaque URIs; hosts; escapes; errors.
#include <gtest/gtest.h>

#include "pinana/sip/uri.h"

namespace pinana::sip {
namespace {

TEST(Uri, SipWithEverything) {
  auto u =
      parse_uri("sip:alice:secret@example.com:5070;transport=tcp;lr?Subject=hi&Priority=urgent");
  ASSERT_TRUE(u.ok()) << u.error().reason;
  EXPECT_EQ(u->scheme, UriScheme::kSip);
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->host_type, HostType::kHostname);
  EXPECT_TRUE(u->has_port);
  EXPECT_EQ(u->port, 5070);
  EXPECT_EQ(u->params.get("transport"), "tcp");
  EXPECT_TRUE(u->params.has("LR"));  // parameter names compare case-insensitively
  EXPECT_FALSE(u->params.find("lr")->has_value);
  EXPECT_EQ(u->headers, "Subject=hi&Priority=urgent");
}

TEST(Uri, SchemesAreCaseInsensitive) {
  EXPECT_EQ(parse_uri("SIP:bob@h")->scheme, UriScheme::kSip);
  EXPECT_EQ(parse_uri("SiPs:bob@h")->scheme, UriScheme::kSips);
  EXPECT_EQ(parse_uri("TEL:+1-201-555-0123")->scheme, UriScheme::kTel);
}

TEST(Uri, HostTypes) {
  EXPECT_EQ(parse_uri("sip:192.0.2.1")->host_type, HostType::kIPv4);
  EXPECT_EQ(parse_uri("sip:[::1]:5060")->host_type, HostType::kIPv6);
  EXPECT_EQ(parse_uri("sip:[::1]:5060")->host_address(), "::1");
  EXPECT_EQ(parse_uri("sip:host.example.com.")->host_type, HostType::kHostname);
  EXPECT_EQ(parse_uri("sip:[::ffff:192.0.2.1]")->host_type, HostType::kIPv6);
}

TEST(Uri, RejectsBadHostsAndPorts) {
  for (const char* bad : {"sip:",
                          "sip:@host",
                          "sip:host:",
                          "sip:host:65536",
                          "sip:host:5x",
                          "sip:[::1",
                          "sip:[1:2:3:4:5:6:7:8:9]",
                          "sip:[::1::2]",
                          "sip:-host",
                          "sip:host-",
                          "sip:1.2.3",
                          "sip:300.1.1.1",
                          "sip:a b@host",
                          "sip:host;=x",
                          "sip:host?",
                          "sip:host?a",
                          "sip:us%4@host",
                          "nocolon",
                          "1sip:x",
                          "sip:2001:db8::10"}) {
    auto u = parse_uri(bad);
    EXPECT_FALSE(u.ok()) << bad;
    if (!u.ok()) {
      EXPECT_FALSE(u.error().reason.empty());
    }
  }
}

TEST(Uri, Tel) {
  auto g = parse_uri("tel:+1-201-555-0123;ext=42");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->user, "+1-201-555-0123");
  EXPECT_EQ(g->params.get("ext"), "42");
  EXPECT_TRUE(parse_uri("tel:7042;phone-context=example.com").ok());
  EXPECT_FALSE(parse_uri("tel:7042").ok());  // local numbers need a phone-context
  EXPECT_FALSE(parse_uri("tel:+1 201").ok());
}

TEST(Uri, OtherSchemesAreOpaque) {
  auto u = parse_uri("urn:service:sos");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, UriScheme::kOther);
  EXPECT_EQ(u->scheme_text, "urn");
  EXPECT_EQ(u->opaque, "service:sos");
  EXPECT_FALSE(parse_uri("http://a b").ok());
}

TEST(Uri, Unescape) {
  EXPECT_EQ(unescape("a%20b%2Fc"), "a b/c");
  EXPECT_EQ(unescape("%00"), std::string("\0", 1));
  EXPECT_EQ(unescape("100%"), "100%");  // not an escape: copied
  EXPECT_EQ(unescape("%zz"), "%zz");
}

}  // namespace
}  // namespace pinana::sip
