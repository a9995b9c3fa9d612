// The parser's fast paths (SIP URI in one pass, "SIP/2.0/" Via prefix, header-name hash, picked
// parameters, one-pass Call-ID and numbers, single-address Contact/Route) against the results
// and verdicts of the general grammar, on the inputs where the two could drift apart.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "pinana/sip/header_id.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/message.h"
#include "pinana/sip/uri.h"

namespace pinana::sip {
namespace {

TEST(FastPath, HeaderNamesInEveryCaseAndForm) {
  for (int i = 1; i < static_cast<int>(HeaderId::kCount); ++i) {
    const auto id = static_cast<HeaderId>(i);
    std::string name(canonical_name(id));
    EXPECT_EQ(lookup_header(name), id) << name;
    std::string upper = name, lower = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(lookup_header(upper), id) << upper;
    EXPECT_EQ(lookup_header(lower), id) << lower;
    // One letter changed, one added or one dropped: unknown (or, by chance, another known name).
    std::string changed = name;
    changed[name.size() / 2] = changed[name.size() / 2] == 'x' ? 'y' : 'x';
    EXPECT_NE(lookup_header(changed), id) << changed;
    EXPECT_NE(lookup_header(name + "s"), id) << name << "s";
    EXPECT_NE(lookup_header(name.substr(1)), id) << name.substr(1);
    if (auto c = compact_name(id); !c.empty()) {
      EXPECT_EQ(lookup_header(c), id) << c;
      EXPECT_EQ(lookup_header(std::string(1, static_cast<char>(std::toupper(c[0])))), id) << c;
    }
  }
  EXPECT_EQ(lookup_header(""), HeaderId::kUnknown);
  EXPECT_EQ(lookup_header("X"), HeaderId::kUnknown);
  EXPECT_EQ(lookup_header("-"), HeaderId::kUnknown);
  EXPECT_EQ(lookup_header("X-Asterisk-Very-Long-Header-Name"), HeaderId::kUnknown);
  EXPECT_EQ(lookup_header("Content-Lengths"), HeaderId::kUnknown);
}

struct UriCase {
  const char* text;
  bool ok;
  const char* user;
  const char* host;
  HostType host_type;
  int port;  // -1: none
  const char* params;
};

TEST(FastPath, SipUrisAgreeWithTheGrammar) {
  const UriCase cases[] = {
      {"sip:pbx.example.net", true, "", "pbx.example.net", HostType::kHostname, -1, ""},
      {"sip:2001@pbx.example.net", true, "2001", "pbx.example.net", HostType::kHostname, -1, ""},
      {"sip:2001@10.1.20.33:5062", true, "2001", "10.1.20.33", HostType::kIPv4, 5062, ""},
      {"sip:192.0.2.20;lr", true, "", "192.0.2.20", HostType::kIPv4, -1, ";lr"},
      {"sip:a@h:0;transport=udp", true, "a", "h", HostType::kHostname, 0, ";transport=udp"},
      {"sip:a@h:65535", true, "a", "h", HostType::kHostname, 65535, ""},
      {"sip:a@h:65536", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@h:123456", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@h:", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@h:5060x", false, "", "", HostType::kNone, -1, ""},
      {"sip:a;b=c@h", true, "a;b=c", "h", HostType::kHostname, -1, ""},
      {"sip:2001;x@h", true, "2001;x", "h", HostType::kHostname, -1, ""},
      {"sip:alice:secret@h", true, "alice", "h", HostType::kHostname, -1, ""},
      {"sip:alice:5060@h", true, "alice", "h", HostType::kHostname, -1, ""},
      {"sip:%61lice@h", true, "%61lice", "h", HostType::kHostname, -1, ""},
      {"sip:a@b@c", false, "", "", HostType::kNone, -1, ""},
      {"sip:@h", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@[2001:db8::1]:5060", true, "a", "[2001:db8::1]", HostType::kIPv6, 5060, ""},
      {"sip:a@h?Subject=x", true, "a", "h", HostType::kHostname, -1, ""},
      {"sip:a@h;lr?Subject=x", true, "a", "h", HostType::kHostname, -1, ";lr"},
      {"sip:a@h;lr@x", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@256.1.1.1", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@1.2.3", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@example.com.", true, "a", "example.com.", HostType::kHostname, -1, ""},
      {"sip:a@-h", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@h-", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@h;", false, "", "", HostType::kNone, -1, ""},
      {"sip:a@h;%zz", false, "", "", HostType::kNone, -1, ""},
      {"sip:", false, "", "", HostType::kNone, -1, ""},
      {"SIP:a@h:5", true, "a", "h", HostType::kHostname, 5, ""},
      {"sips:a@h:5;x", true, "a", "h", HostType::kHostname, 5, ";x"},
  };
  for (const auto& c : cases) {
    auto u = parse_uri(c.text);
    ASSERT_EQ(u.ok(), c.ok) << c.text << (u.ok() ? "" : ": " + u.error().reason);
    if (!c.ok) continue;
    EXPECT_EQ(u->user, c.user) << c.text;
    EXPECT_EQ(u->has_user, *c.user != '\0') << c.text;
    EXPECT_EQ(u->host, c.host) << c.text;
    EXPECT_EQ(u->host_type, c.host_type) << c.text;
    EXPECT_EQ(u->has_port, c.port >= 0) << c.text;
    if (c.port >= 0) {
      EXPECT_EQ(u->port, c.port) << c.text;
    }
    EXPECT_EQ(u->params.text(), c.params) << c.text;
    EXPECT_EQ(u->text, c.text);
  }
  // The password and headers, which only the general path fills in.
  auto p = parse_uri("sip:alice:secret@h;x?a=b");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->password, "secret");
  EXPECT_EQ(p->headers, "a=b");
  auto f = parse_uri("sip:a@h;x");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->password, "");
  EXPECT_EQ(f->headers, "");
}

TEST(FastPath, ViaPrefixAllowsWhatTheGrammarAllows) {
  for (const char* text : {"SIP/2.0/UDP h", "SIP / 2.0 / UDP h", "SIP/2.0/ UDP h", "sip/2.0/udp h",
                           "SIP/2.0/UDP\t h:5060"}) {
    auto v = parse_via(text);
    ASSERT_TRUE(v.ok()) << text << ": " << v.error().reason;
    EXPECT_TRUE(v->protocol == "SIP" || v->protocol == "sip") << text;
    EXPECT_EQ(v->version, "2.0") << text;
    EXPECT_TRUE(v->transport == "UDP" || v->transport == "udp") << text;
    EXPECT_EQ(v->host, "h") << text;
  }
  EXPECT_FALSE(parse_via("SIP/2.0/").ok());
  EXPECT_FALSE(parse_via("SIP/2.0/ ").ok());
  EXPECT_FALSE(parse_via("SIP/2.0/UDPh").ok());
  auto tok = parse_via("SIP/2.0/UDP h;branch=\"z9hG4bK1\"");
  EXPECT_FALSE(tok.ok());  // a quoted branch is not a token
  auto bracket = parse_via("SIP/2.0/UDP h;branch=z9hG4bK[1]");
  EXPECT_FALSE(bracket.ok());  // host characters are not token characters
  auto ok = parse_via("SIP/2.0/UDP h;BRANCH=z9hG4bK-x.y_z;RPort;Received=192.0.2.1");
  ASSERT_TRUE(ok.ok()) << ok.error().reason;
  EXPECT_EQ(ok->branch(), "z9hG4bK-x.y_z");
  EXPECT_TRUE(ok->has_rport());
  EXPECT_EQ(ok->received(), "192.0.2.1");
}

TEST(FastPath, PickedParametersAreTheFirstOfTheirName) {
  auto s = parse_subscription_state("active;EXPIRES=5;expires=7;Reason=timeout;reason=x");
  ASSERT_TRUE(s.ok()) << s.error().reason;
  EXPECT_EQ(s->expires, 5);
  EXPECT_EQ(s->reason, "timeout");
  EXPECT_EQ(s->retry_after, -1);
  EXPECT_FALSE(parse_subscription_state("active;expires").ok());
  EXPECT_FALSE(parse_subscription_state("active;expires=x").ok());
  EXPECT_FALSE(parse_subscription_state("active;retry-after=\"5\"").ok());
  auto r = parse_subscription_state("terminated;reason;retry-after=99999999999");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->reason, "");
  EXPECT_EQ(r->retry_after, 0xffffffffll);
  EXPECT_FALSE(parse_event("dialog;id").ok());
  EXPECT_FALSE(parse_event("dialog;ID").ok());
  auto e = parse_event("dialog;Id=1;id");  // only the first id counts
  ASSERT_TRUE(e.ok()) << e.error().reason;
  EXPECT_EQ(e->id(), "1");
}

TEST(FastPath, CallIdAndNumbers) {
  EXPECT_TRUE(is_call_id("a@b"));
  EXPECT_TRUE(is_call_id(" a@b "));
  EXPECT_TRUE(is_call_id("9a8b-7c6d<>[]{}"));
  EXPECT_FALSE(is_call_id("@b"));
  EXPECT_FALSE(is_call_id("a@"));
  EXPECT_FALSE(is_call_id("a@b@c"));
  EXPECT_FALSE(is_call_id("a b"));
  EXPECT_FALSE(is_call_id(""));
  EXPECT_FALSE(is_call_id("a;b"));
  EXPECT_EQ(parse_number("0000000001", 255).value(), 1u);
  EXPECT_EQ(parse_number(" 42 ", 255).value(), 42u);
  EXPECT_FALSE(parse_number("256", 255).ok());
  EXPECT_EQ(parse_number("256", 255, true).value(), 255u);
  EXPECT_EQ(parse_number("999999999", 0xffffffffu).value(), 999999999u);
  EXPECT_EQ(parse_number("4294967296", 0xffffffffu, true).value(), 0xffffffffu);
  EXPECT_FALSE(parse_number("4294967296", 0xffffffffu).ok());
  EXPECT_FALSE(parse_number("12a", 0xffffffffu).ok());
  EXPECT_FALSE(parse_number("", 0xffffffffu).ok());
}

std::string request_with(std::string_view header) {
  std::string m =
      "OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
      "To: <sip:b@h>\r\nCall-ID: c@h\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n";
  m.append(header);
  m.append("\r\nContent-Length: 0\r\n\r\n");
  return m;
}

TEST(FastPath, SingleAddressContactAndRouteKeepTheListVerdicts) {
  for (const char* ok : {"Contact: <sip:a@h>", "Contact: \"A, B\" <sip:a@h>", "Contact: *",
                         "Route: <sip:h;lr>", "Record-Route: <sip:h;lr>, <sip:g;lr>",
                         "Contact: sip:a@h;expires=5", "Contact: <sip:a@h>;q=0.5"}) {
    Message m;
    auto s = m.parse(request_with(ok), Framing::kDatagram);
    EXPECT_TRUE(s.ok()) << ok << ": " << s.error().reason;
  }
  for (const char* bad : {"Contact: <sip:a@h", "Contact: \"open <sip:a@h>", "Route: sip:h;lr,",
                          "Route:", "Contact: <sip:a@h> junk", "Route: <sip:a@h>, \"x"}) {
    Message m;
    EXPECT_FALSE(m.parse(request_with(bad), Framing::kDatagram).ok()) << bad;
  }
}

TEST(FastPath, RepeatedViaFromToAreCheckedButTheFirstIsKept) {
  Message m;
  std::string msg =
      "OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP first;branch=z9hG4bK1, SIP/2.0/TCP "
      "second;branch=z9hG4bK2\r\nv: SIP/2.0/UDP third;branch=z9hG4bK3\r\nFrom: <sip:a@h>;tag=1\r\n"
      "To: <sip:b@h>\r\nCall-ID: c@h\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(m.parse(msg, Framing::kDatagram).ok());
  EXPECT_EQ(m.top_via()->host, "first");
  EXPECT_EQ(m.top_via()->branch(), "z9hG4bK1");
  std::string bad_second = msg;
  bad_second.replace(bad_second.find("third"), 5, "th rd");
  EXPECT_FALSE(m.parse(bad_second, Framing::kDatagram).ok());
  std::string two_from = msg;
  two_from.insert(two_from.find("To:"), "f: <sip:z@h>;tag\r\n");
  EXPECT_FALSE(m.parse(two_from, Framing::kDatagram).ok());  // a bare ;tag in the repeat
}

}  // namespace
}  // namespace pinana::sip
