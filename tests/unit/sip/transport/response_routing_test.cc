#include "pinana/sip/transport/response_routing.h"

#include <gtest/gtest.h>

namespace pinana::sip::transport {
namespace {

Message response_with_via(const std::string& via) {
  auto m = Message::from_bytes("SIP/2.0 200 OK\r\nVia: " + via +
                                   "\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\n"
                                   "Call-ID: rr\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                               Framing::kDatagram);
  EXPECT_TRUE(m.ok()) << via;
  return std::move(m).value();
}

Destination route(const std::string& via, std::optional<ConnectionId> conn = std::nullopt) {
  auto d = route_response(response_with_via(via), conn);
  EXPECT_TRUE(d.ok()) << via;
  return d.ok() ? d.value() : Destination{};
}

Destination dest(TransportKind k, std::string host, uint16_t port,
                 std::optional<ConnectionId> conn = std::nullopt) {
  return Destination{k, std::move(host), port, conn};
}

// --- reliable transports
// ---------------------------------------------------------------------------

TEST(RouteResponse, ReliableUsesTheSameConnection) {
  EXPECT_EQ(
      route("SIP/2.0/TCP pc.example.com:5070;branch=z9hG4bK1;received=192.0.2.4", ConnectionId{7}),
      dest(TransportKind::kTcp, "192.0.2.4", 5070, ConnectionId{7}));
}

TEST(RouteResponse, ReliableFallsBackToReceivedAndSentByPort) {
  EXPECT_EQ(route("SIP/2.0/TCP pc.example.com:5070;branch=z9hG4bK1;received=192.0.2.4"),
            dest(TransportKind::kTcp, "192.0.2.4", 5070));
  // rport does not change where a reliable response reconnects to.
  EXPECT_EQ(route("SIP/2.0/TCP pc.example.com;branch=z9hG4bK1;received=192.0.2.4;rport=6000"),
            dest(TransportKind::kTcp, "192.0.2.4", 5060));
}

TEST(RouteResponse, ReliableWithoutReceivedUsesSentBy) {
  EXPECT_EQ(route("SIP/2.0/TCP pc.example.com;branch=z9hG4bK1"),
            dest(TransportKind::kTcp, "pc.example.com", 5060));
  EXPECT_EQ(route("SIP/2.0/TCP [2001:db8::1]:5080;branch=z9hG4bK1"),
            dest(TransportKind::kTcp, "2001:db8::1", 5080));
}

TEST(RouteResponse, TlsDefaultsTo5061) {
  EXPECT_EQ(route("SIP/2.0/TLS pc.example.com;branch=z9hG4bK1", ConnectionId{3}),
            dest(TransportKind::kTls, "pc.example.com", 5061, ConnectionId{3}));
  EXPECT_EQ(route("SIP/2.0/tls pc.example.com:6001;branch=z9hG4bK1;received=2001:db8::5"),
            dest(TransportKind::kTls, "2001:db8::5", 6001));
}

// --- unreliable transport
// -------------------------------------------------------------------------

TEST(RouteResponse, UdpMaddrWins) {
  EXPECT_EQ(route("SIP/2.0/UDP "
                  "pc.example.com:5070;branch=z9hG4bK1;maddr=239.1.1.1;received=192.0.2.4;rport=9"),
            dest(TransportKind::kUdp, "239.1.1.1", 5070));
  EXPECT_EQ(route("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1;maddr=239.1.1.1"),
            dest(TransportKind::kUdp, "239.1.1.1", 5060));
}

TEST(RouteResponse, UdpReceivedWithRport) {
  EXPECT_EQ(route("SIP/2.0/UDP pc.example.com:5070;branch=z9hG4bK1;received=192.0.2.4;rport=40000"),
            dest(TransportKind::kUdp, "192.0.2.4", 40000));
}

TEST(RouteResponse, UdpReceivedWithoutRportUsesSentByPort) {
  EXPECT_EQ(route("SIP/2.0/UDP pc.example.com:5070;branch=z9hG4bK1;received=192.0.2.4"),
            dest(TransportKind::kUdp, "192.0.2.4", 5070));
  EXPECT_EQ(route("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1;received=192.0.2.4"),
            dest(TransportKind::kUdp, "192.0.2.4", 5060));
  // An rport the client asked for but nobody filled is no port.
  EXPECT_EQ(route("SIP/2.0/UDP pc.example.com:5070;branch=z9hG4bK1;received=192.0.2.4;rport"),
            dest(TransportKind::kUdp, "192.0.2.4", 5070));
}

TEST(RouteResponse, UdpSentBy) {
  EXPECT_EQ(route("SIP/2.0/UDP 192.0.2.9:5072;branch=z9hG4bK1"),
            dest(TransportKind::kUdp, "192.0.2.9", 5072));
  EXPECT_EQ(route("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1"),
            dest(TransportKind::kUdp, "pc.example.com", 5060));
  EXPECT_EQ(route("SIP/2.0/UDP [::1]:5090;branch=z9hG4bK1"),
            dest(TransportKind::kUdp, "::1", 5090));
}

TEST(RouteResponse, UsesOnlyTheTopVia) {
  EXPECT_EQ(route("SIP/2.0/UDP a.example.com:5001;branch=z9hG4bK1, SIP/2.0/TCP "
                  "b.example.com;branch=z9hG4bK2"),
            dest(TransportKind::kUdp, "a.example.com", 5001));
}

TEST(RouteResponse, SeesEditsMadeWithSetValue) {
  Message m = response_with_via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;rport");
  m.set_value(0, "SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;rport=4444;received=192.0.2.1");
  auto d = route_response(m);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value(), dest(TransportKind::kUdp, "192.0.2.1", 4444));
}

TEST(RouteResponse, NoViaIsAnError) {
  auto m = Message::from_bytes("SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n",
                               Framing::kDatagram);
  ASSERT_TRUE(m.ok());
  auto d = route_response(m.value());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().status, 0);
}

TEST(CongestionControl, RequestsOver1300BytesMustUseTcp) {
  EXPECT_FALSE(must_use_congestion_controlled(0));
  EXPECT_FALSE(must_use_congestion_controlled(1300));
  EXPECT_TRUE(must_use_congestion_controlled(1301));
  static_assert(must_use_congestion_controlled(65535));
}

}  // namespace
}  // namespace pinana::sip::transport
