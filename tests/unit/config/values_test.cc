// The single-value checks shared by the TOML reader and validate().
#include <gtest/gtest.h>

#include "pinana/config/values.h"

namespace pinana::config {
namespace {

std::string reason(const Status& s) {
  return s.ok() ? "" : s.error().reason;
}
template <typename T>
std::string reason(const Result<T>& r) {
  return r.ok() ? "" : r.error().reason;
}

TEST(Eid, AcceptsSixHexPairsInEitherCase) {
  EXPECT_TRUE(check_eid("02:00:00:00:00:01").ok());
  EXPECT_TRUE(check_eid("aB:cd:EF:01:23:45").ok());
}

TEST(Eid, RejectsOtherShapes) {
  const std::string shape = "expected six hex pairs xx:xx:xx:xx:xx:xx";
  EXPECT_EQ(reason(check_eid("")), shape);
  EXPECT_EQ(reason(check_eid("02:00:00:00:00")), shape);
  EXPECT_EQ(reason(check_eid("02:00:00:00:00:01:02")), shape);
  EXPECT_EQ(reason(check_eid("2:0:0:0:0:1")), shape);
  EXPECT_EQ(reason(check_eid("02-00-00-00-00-01")), shape);
  EXPECT_EQ(reason(check_eid("0g:00:00:00:00:01")), shape);
}

TEST(Eid, RejectsAllZero) {
  EXPECT_EQ(reason(check_eid("00:00:00:00:00:00")), "must not be all zero");
}

TEST(HubUri, ParsesHostAndPort) {
  EXPECT_EQ(parse_hub_uri("sip:127.0.0.1:5070").value(), (HostPort{"127.0.0.1", 5070}));
  EXPECT_EQ(parse_hub_uri("sip:127.0.0.1").value(), (HostPort{"127.0.0.1", 5060}));
  EXPECT_EQ(parse_hub_uri("sip:[::1]:5080").value(), (HostPort{"::1", 5080}));
  EXPECT_EQ(parse_hub_uri("sip:[::1]").value(), (HostPort{"::1", 5060}));
  EXPECT_EQ(parse_hub_uri("sip:hub.example.com").value(), (HostPort{"hub.example.com", 5060}));
}

TEST(HubUri, RejectsWhatIsNotSipHostPort) {
  EXPECT_EQ(reason(parse_hub_uri("127.0.0.1:5060")), "expected sip:HOST[:PORT]");
  EXPECT_EQ(reason(parse_hub_uri("sips:127.0.0.1")), "expected sip:HOST[:PORT]");
  EXPECT_EQ(reason(parse_hub_uri("sip:hub@127.0.0.1")),
            "expected sip:HOST[:PORT] (no user part, parameters or headers)");
  EXPECT_EQ(reason(parse_hub_uri("sip:127.0.0.1;transport=tcp")),
            "expected sip:HOST[:PORT] (no user part, parameters or headers)");
  EXPECT_EQ(reason(parse_hub_uri("sip:")), "missing host");
  EXPECT_EQ(reason(parse_hub_uri("sip::5060")), "missing host");
  EXPECT_EQ(reason(parse_hub_uri("sip:::1")), "put IPv6 addresses in brackets");
  EXPECT_EQ(reason(parse_hub_uri("sip:[::1")), "missing \"]\" after the IPv6 address");
  EXPECT_EQ(reason(parse_hub_uri("sip:[1.2.3.4]")), "not an IPv6 address: \"1.2.3.4\"");
  EXPECT_EQ(reason(parse_hub_uri("sip:[::1]5060")), "expected :PORT after \"]\"");
  EXPECT_EQ(reason(parse_hub_uri("sip:bad_host")), "bad host \"bad_host\"");
  EXPECT_EQ(reason(parse_hub_uri("sip:-a.example")), "bad host \"-a.example\"");
  EXPECT_EQ(reason(parse_hub_uri("sip:127.0.0.1:0")), "bad port \"0\" (1..65535)");
  EXPECT_EQ(reason(parse_hub_uri("sip:127.0.0.1:65536")), "bad port \"65536\" (1..65535)");
  EXPECT_EQ(reason(parse_hub_uri("sip:127.0.0.1:")), "bad port \"\" (1..65535)");
  EXPECT_EQ(reason(parse_hub_uri("sip:127.0.0.1:50x")), "bad port \"50x\" (1..65535)");
}

TEST(Listen, ParsesUdpAddressAndPort) {
  EXPECT_EQ(parse_listen("udp:127.0.0.1:0").value(), (HostPort{"127.0.0.1", 0}));
  EXPECT_EQ(parse_listen("udp:[::1]:5070").value(), (HostPort{"::1", 5070}));
}

TEST(Listen, RejectsOtherTransportsAndNames) {
  EXPECT_EQ(reason(parse_listen("127.0.0.1")), "expected udp:ADDR:PORT");
  EXPECT_EQ(reason(parse_listen("tcp:127.0.0.1:5060")), "unknown transport \"tcp\" (only udp)");
  EXPECT_EQ(reason(parse_listen("udp:localhost:5060")), "not a numeric address: \"localhost\"");
  EXPECT_EQ(reason(parse_listen("udp:::1:5060")), "put IPv6 addresses in brackets");
  EXPECT_EQ(reason(parse_listen("udp:[::1]")), "IPv6 address must be [ADDR]:PORT");
  EXPECT_EQ(reason(parse_listen("udp:127.0.0.1:70000")), "bad port \"70000\" (0..65535)");
}

TEST(Listen, AddressWithoutPortIsRefused) {
  EXPECT_EQ(reason(parse_listen("udp:127.0.0.1")), "missing :PORT");
}

TEST(Api, AcceptsAddressPortOrOff) {
  EXPECT_TRUE(check_api("off").ok());
  EXPECT_TRUE(check_api("127.0.0.1:8088").ok());
  EXPECT_TRUE(check_api("[::1]:0").ok());
  EXPECT_EQ(parse_api("[::1]:8088").value(), (HostPort{"::1", 8088}));
  EXPECT_EQ(reason(check_api("localhost:8088")),
            "not a numeric address: \"localhost\" (ADDR:PORT or \"off\")");
  EXPECT_EQ(reason(check_api("8088")), "missing :PORT (ADDR:PORT or \"off\")");
  EXPECT_EQ(reason(check_api("Off")), "missing :PORT (ADDR:PORT or \"off\")");
}

TEST(Domain, AcceptsNamesAndIpv4) {
  EXPECT_TRUE(check_domain("example.com").ok());
  EXPECT_TRUE(check_domain("pinana.local").ok());
  EXPECT_TRUE(check_domain("10.0.0.1").ok());
  EXPECT_EQ(reason(check_domain("")), "must not be empty");
  EXPECT_EQ(reason(check_domain("exa mple.com")), "not a domain name or IPv4 address");
  EXPECT_EQ(reason(check_domain("a..b")), "not a domain name or IPv4 address");
  EXPECT_EQ(reason(check_domain("alice@example.com")), "not a domain name or IPv4 address");
}

TEST(Profile, NativeOrStandard) {
  EXPECT_TRUE(check_profile("native").ok());
  EXPECT_TRUE(check_profile("standard").ok());
  EXPECT_EQ(reason(check_profile("Native")),
            "unknown profile \"Native\" (\"native\" or \"standard\")");
  EXPECT_EQ(reason(check_profile("")), "unknown profile \"\" (\"native\" or \"standard\")");
}

TEST(Expires, BoundsAreFiveAndOneDay) {
  EXPECT_TRUE(check_expires(5).ok());
  EXPECT_TRUE(check_expires(86400).ok());
  EXPECT_EQ(reason(check_expires(4)), "must be between 5 and 86400 (got 4)");
  EXPECT_EQ(reason(check_expires(86401)), "must be between 5 and 86400 (got 86401)");
  EXPECT_EQ(reason(check_expires(-1)), "must be between 5 and 86400 (got -1)");
}

TEST(LogLevel, FourLevels) {
  for (const char* l : {"error", "warn", "info", "debug"}) EXPECT_TRUE(check_log_level(l).ok());
  EXPECT_EQ(reason(check_log_level("verbose")),
            "unknown level \"verbose\" (error, warn, info or debug)");
}

TEST(Exten, LiteralExtensionsOnly) {
  EXPECT_TRUE(check_exten("1000").ok());
  EXPECT_TRUE(check_exten("alice").ok());
  EXPECT_TRUE(check_exten("+4930123").ok());
  EXPECT_TRUE(check_exten("*72").ok());
  EXPECT_EQ(reason(check_exten("")), "must not be empty");
  EXPECT_EQ(reason(check_exten("_X.")), "is a pattern; a hint needs a literal extension");
  EXPECT_EQ(reason(check_exten("10 00")),
            "contains whitespace, which cannot be part of a presentity name");
  EXPECT_EQ(reason(check_exten("a@b")),
            "contains \"@\", which cannot be part of a presentity name");
  EXPECT_EQ(reason(check_exten("1000/55")),
            "contains \"/\", which cannot be part of a presentity name");
}

TEST(HintValue, NeedsADeviceOrAPresenceProvider) {
  EXPECT_TRUE(check_hint_value("PJSIP/alice").ok());
  EXPECT_TRUE(check_hint_value("PJSIP/alice&Custom:x").ok());
  EXPECT_TRUE(check_hint_value("PJSIP/u1234(Alice)").ok());
  EXPECT_TRUE(check_hint_value(",CustomPresence:ellen").ok());
  EXPECT_TRUE(check_hint_value("&PJSIP/a").ok());
  const std::string none = "has no device and no presence provider";
  EXPECT_EQ(reason(check_hint_value("")), none);
  EXPECT_EQ(reason(check_hint_value(",")), none);
  EXPECT_EQ(reason(check_hint_value(" & , ")), none);
  EXPECT_EQ(reason(check_hint_value("(Alice)")), none);
}

TEST(Device, NamesAndStates) {
  EXPECT_TRUE(check_device_name("Custom:lamp").ok());
  EXPECT_TRUE(check_device_name("PJSIP/alice").ok());
  EXPECT_EQ(reason(check_device_name("")), "must not be empty");
  EXPECT_EQ(reason(check_device_name("a&b")), "must not contain whitespace, \"&\" or \",\"");
  EXPECT_EQ(reason(check_device_name("a b")), "must not contain whitespace, \"&\" or \",\"");
  EXPECT_EQ(canonical_device_state("not_inuse").value(), "NOT_INUSE");
  EXPECT_EQ(canonical_device_state("RingInUse").value(), "RINGINUSE");
  EXPECT_EQ(canonical_device_state("UNKNOWN").value(), "UNKNOWN");
  EXPECT_EQ(reason(canonical_device_state("IDLE")),
            "unknown device state \"IDLE\" (UNKNOWN, NOT_INUSE, INUSE, BUSY, INVALID, "
            "UNAVAILABLE, RINGING, RINGINUSE or ONHOLD)");
}

}  // namespace
}  // namespace pinana::config
