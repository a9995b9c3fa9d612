#include <gtest/gtest.h>

#include "pinana/hub/listen_spec.h"

namespace pinana::hub {
namespace {

using sip::transport::TransportKind;

TEST(ParseListen, UdpIpv4) {
  auto r = parse_listen("udp:127.0.0.1:5060");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (ListenSpec{TransportKind::kUdp, "127.0.0.1", 5060}));
}

TEST(ParseListen, TcpIpv6InBrackets) {
  auto r = parse_listen("tcp:[::1]:5061");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (ListenSpec{TransportKind::kTcp, "::1", 5061}));
}

TEST(ParseListen, PortZeroAndMaxPort) {
  auto zero = parse_listen("tcp:0.0.0.0:0");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->port, 0);
  auto max = parse_listen("udp:127.0.0.1:65535");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->port, 65535);
}

TEST(ParseListen, UnknownTransport) {
  auto r = parse_listen("tls:127.0.0.1:5061");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "unknown transport \"tls\" (udp or tcp)");
}

TEST(ParseListen, NoTransport) {
  auto r = parse_listen("127.0.0.1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "expected TRANSPORT:ADDR:PORT");
}

TEST(ParseListen, Ipv6WithoutBrackets) {
  auto r = parse_listen("udp:::1:5060");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "put IPv6 addresses in brackets");
}

TEST(ParseListen, UnclosedBracket) {
  auto r = parse_listen("tcp:[::1:5060");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "IPv6 address must be [ADDR]:PORT");
}

TEST(ParseListen, BadPorts) {
  for (const char* text : {"udp:127.0.0.1:65536", "udp:127.0.0.1:", "udp:127.0.0.1:-1",
                           "udp:127.0.0.1:50x", "tcp:[::1]:99999"}) {
    auto r = parse_listen(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(r.error().reason.starts_with("bad port")) << text << ": " << r.error().reason;
  }
}

TEST(ParseListen, MissingPort) {
  auto r = parse_listen("udp:127.0.0.1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "missing :PORT");
}

TEST(ParseListen, HostNameIsNotNumeric) {
  auto r = parse_listen("udp:localhost:5060");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "not a numeric address: \"localhost\"");
}

}  // namespace
}  // namespace pinana::hub
