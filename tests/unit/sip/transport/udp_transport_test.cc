// UdpTransport on real loopback sockets (127.0.0.1 and ::1, ephemeral ports). Each test runs the
// io_context in bounded slices and stops by itself.
#include "pinana/sip/transport/udp_transport.h"

#include <gtest/gtest.h>

#include <array>
#include <random>

#include <boost/asio/ip/udp.hpp>

#include "pinana/sip/transport/response_routing.h"
#include "test_support.h"

namespace pinana::sip::transport {
namespace {

namespace ip = boost::asio::ip;
using namespace std::chrono_literals;
using testing::ok_response;
using testing::options_request;
using testing::RecordingUser;
using testing::run_for;
using testing::run_until;

class UdpTransportTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    loopback_ = ip::make_address(GetParam());
    ASSERT_TRUE(server_.open(Endpoint{loopback_, 0}).ok());
    ASSERT_NE(server_.local_endpoint().port, 0);
    peer_.open(loopback_.is_v6() ? ip::udp::v6() : ip::udp::v4());
    peer_.bind(ip::udp::endpoint(loopback_, 0));
    peer_.non_blocking(true);
  }

  ip::udp::endpoint server_ep() const {
    return ip::udp::endpoint(loopback_, server_.local_endpoint().port);
  }
  uint16_t peer_port() const { return peer_.local_endpoint().port(); }
  std::string host() const {
    return loopback_.is_v6() ? "[" + loopback_.to_string() + "]" : loopback_.to_string();
  }

  void peer_send(const std::string& bytes) {
    peer_.send_to(boost::asio::buffer(bytes), server_ep());
  }

  // Waits (bounded) for one datagram at the peer.
  std::optional<std::string> peer_receive(std::chrono::milliseconds limit = 3s) {
    std::string got;
    run_until(
        io_,
        [&] {
          std::array<char, 70000> buf;
          ip::udp::endpoint from;
          boost::system::error_code ec;
          const size_t n = peer_.receive_from(boost::asio::buffer(buf), from, 0, ec);
          if (ec) return false;
          got.assign(buf.data(), n);
          return true;
        },
        limit);
    if (got.empty()) return std::nullopt;
    return got;
  }

  boost::asio::io_context io_;
  RecordingUser user_;
  UdpTransport server_{io_, user_};
  ip::address loopback_;
  ip::udp::socket peer_{io_};
};

TEST_P(UdpTransportTest, RequestArrivesWithReceivedAndRport) {
  peer_send(options_request("SIP/2.0/UDP client.invalid:5099;rport;branch=z9hG4bK-u1", "udp-1"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  const IncomingMessage& in = user_.messages[0];
  EXPECT_EQ(in.transport, TransportKind::kUdp);
  EXPECT_FALSE(in.connection.has_value());
  EXPECT_EQ(in.remote, (Endpoint{loopback_, peer_port()}));
  EXPECT_EQ(in.local, server_.local_endpoint());
  ASSERT_NE(in.message.top_via(), nullptr);
  EXPECT_EQ(in.message.top_via()->received(), loopback_.to_string());
  EXPECT_EQ(in.message.top_via()->params.get("rport"), std::to_string(peer_port()));
  EXPECT_TRUE(user_.errors.empty());
}

TEST_P(UdpTransportTest, SentByEqualToSourceIsLeftAlone) {
  peer_send(options_request(
      "SIP/2.0/UDP " + host() + ":" + std::to_string(peer_port()) + ";branch=z9hG4bK-u2", "udp-2"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  EXPECT_FALSE(user_.messages[0].message.top_via()->params.has("received"));
}

TEST_P(UdpTransportTest, ResponseRoutedByRportReachesThePeer) {
  // The Via names a port nobody listens on; rport makes the response reach the real source.
  peer_send(options_request("SIP/2.0/UDP " + host() + ":9;rport;branch=z9hG4bK-u3", "udp-3"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  auto response = Message::from_bytes(ok_response(user_.messages[0].message), Framing::kDatagram);
  ASSERT_TRUE(response.ok());
  auto to = route_response(response.value());
  ASSERT_TRUE(to.ok());
  EXPECT_EQ(to->port, peer_port());
  ASSERT_TRUE(server_.send(to.value(), response->serialize()).ok());
  auto got = peer_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->rfind("SIP/2.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(got->find("Call-ID: udp-3\r\n"), std::string::npos);
}

TEST_P(UdpTransportTest, MalformedRequestGetsStateless400AtTheSourceAddress) {
  std::string bad = options_request("SIP/2.0/UDP client.invalid:9;branch=z9hG4bK-u4", "udp-4");
  bad.replace(bad.find("CSeq: 1 OPTIONS"), 15, "CSeq: x OPTIONS");
  peer_send(bad);
  auto got = peer_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->rfind("SIP/2.0 400 Bad Request (", 0), 0u) << *got;
  EXPECT_EQ(got->find("\r\nCSeq:"), std::string::npos);  // the malformed field is not echoed
  EXPECT_NE(got->find("received=" + loopback_.to_string()), std::string::npos);
  EXPECT_NE(got->find("Call-ID: udp-4\r\n"), std::string::npos);
  EXPECT_TRUE(user_.messages.empty());
  ASSERT_EQ(user_.errors.size(), 1u);
  EXPECT_EQ(user_.errors[0].kind, TransportError::Kind::kParse);
  EXPECT_EQ(user_.errors[0].error.status, 400);
}

TEST_P(UdpTransportTest, BodyShorterThanContentLengthGets400) {
  peer_send(testing::read_torture("clerr.dat"));
  auto got = peer_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->rfind("SIP/2.0 400 ", 0), 0u);
}

TEST_P(UdpTransportTest, MalformedResponseIsDroppedAndServingContinues) {
  peer_send("SIP/2.0 999999 Broken\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n");
  peer_send("\r\n\r\n");  // keep-alive: ignored silently
  EXPECT_FALSE(peer_receive(300ms).has_value());
  ASSERT_EQ(user_.errors.size(), 1u);
  EXPECT_EQ(user_.errors[0].error.status, 0);
  peer_send(options_request("SIP/2.0/UDP client.invalid;branch=z9hG4bK-u5", "udp-5"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  EXPECT_EQ(user_.messages[0].message.call_id(), "udp-5");
}

TEST_P(UdpTransportTest, LargeDatagramIsReceived) {
  const std::string body(60000, 'x');
  peer_send(options_request("SIP/2.0/UDP client.invalid;branch=z9hG4bK-u6", "udp-6", body));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  EXPECT_EQ(user_.messages[0].message.body().size(), body.size());
}

TEST_P(UdpTransportTest, LargeRequestsMustUseTcpButResponsesMayNot) {
  const Destination to{TransportKind::kUdp, loopback_.to_string(), peer_port(), {}};
  const std::string big_request =
      options_request("SIP/2.0/UDP h;branch=z9hG4bK-u7", "udp-7", std::string(1400, 'b'));
  auto s = server_.send(to, big_request);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().reason.find("TCP"), std::string::npos);
  const std::string big_response =
      "SIP/2.0 200 OK\r\nContent-Length: 1400\r\n\r\n" + std::string(1400, 'r');
  ASSERT_TRUE(server_.send(to, big_response).ok());
  auto got = peer_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->size(), big_response.size());
}

TEST_P(UdpTransportTest, SendToANameIsResolved) {
  // "localhost" resolves from /etc/hosts (no DNS traffic), to ::1 on some hosts and not others.
  bool has_family = false;
  ip::udp::resolver r(io_);
  boost::system::error_code ec;
  for (const auto& e : r.resolve("localhost", "5060", ec))
    has_family = has_family || e.endpoint().address() == loopback_;
  if (!has_family) GTEST_SKIP() << "localhost does not resolve to " << GetParam() << " here";
  const Destination to{TransportKind::kUdp, "localhost", peer_port(), {}};
  ASSERT_TRUE(server_.send(to, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n").ok());
  auto got = peer_receive();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->rfind("SIP/2.0 200 OK", 0), 0u);
}

TEST_P(UdpTransportTest, GarbageNeverStopsTheServer) {
  std::mt19937 rng(11);
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    if (i % 3 == 0) junk = "INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK" + junk;
    peer_send(junk);
  }
  run_for(io_, 200ms);
  peer_send(options_request("SIP/2.0/UDP client.invalid;branch=z9hG4bK-u8", "udp-8"));
  ASSERT_TRUE(run_until(io_, [&] {
    return !user_.messages.empty() && user_.messages.back().message.call_id() == "udp-8";
  }));
}

TEST_P(UdpTransportTest, BurstIsAnsweredInOrderThroughBatchedSends) {
  // More datagrams than one recvmmsg batch; each is answered from inside on_message, so the
  // answers are queued and leave with sendmmsg at the end of each batch.
  constexpr int kCount = 3 * static_cast<int>(UdpTransport::kBatch) + 5;
  user_.on_message_hook = [&](IncomingMessage& in) {
    auto to = route_response(in.message);
    ASSERT_TRUE(to.ok());
    ASSERT_TRUE(server_.send(to.value(), ok_response(in.message)).ok());
  };
  for (int i = 0; i < kCount; ++i)
    peer_send(
        options_request("SIP/2.0/UDP " + host() + ";rport;branch=z9hG4bK-b" + std::to_string(i),
                        "burst-" + std::to_string(i)));
  for (int i = 0; i < kCount; ++i) {
    auto got = peer_receive();
    ASSERT_TRUE(got.has_value()) << "answer " << i << " missing";
    EXPECT_NE(got->find("Call-ID: burst-" + std::to_string(i) + "\r\n"), std::string::npos)
        << "answer " << i << " out of order";
  }
  EXPECT_EQ(user_.messages.size(), static_cast<size_t>(kCount));
  EXPECT_TRUE(user_.errors.empty());
}

TEST_P(UdpTransportTest, SendsOutsideABatchAreFlushedInOrder) {
  // Sends made outside a receive batch (timers, other handlers) leave once the loop runs.
  const Destination to{TransportKind::kUdp, loopback_.to_string(), peer_port(), {}};
  constexpr int kCount = 100;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(server_
                    .send(to, "SIP/2.0 200 OK\r\nCall-ID: out-" + std::to_string(i) +
                                  "\r\nContent-Length: 0\r\n\r\n")
                    .ok());
  }
  for (int i = 0; i < kCount; ++i) {
    auto got = peer_receive();
    ASSERT_TRUE(got.has_value()) << "datagram " << i << " missing";
    EXPECT_NE(got->find("Call-ID: out-" + std::to_string(i) + "\r\n"), std::string::npos);
  }
  // Nothing more, nothing twice.
  EXPECT_FALSE(peer_receive(50ms).has_value());
}

TEST_P(UdpTransportTest, ViaAfterOtherHeadersIsStampedAndLookalikesAreNot) {
  // The top Via is found by name, not by its text: a header before it that merely contains a
  // Via-like value stays as it came.
  const std::string fake = "SIP/2.0/UDP client.invalid;rport;branch=z9hG4bK-fake";
  peer_send(
      "OPTIONS sip:hub@example.net SIP/2.0\r\n"
      "Subject: " +
      fake +
      "\r\n"
      "v: SIP/2.0/UDP client.invalid:5099;rport;branch=z9hG4bK-u9 , SIP/2.0/UDP b.invalid\r\n"
      "Max-Forwards: 70\r\nTo: <sip:hub@example.net>\r\n"
      "From: <sip:a@example.net>;tag=1\r\nCall-ID: udp-9\r\nCSeq: 1 OPTIONS\r\n"
      "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  const Message& m = user_.messages[0].message;
  ASSERT_NE(m.top_via(), nullptr);
  EXPECT_EQ(m.top_via()->branch(), "z9hG4bK-u9");
  EXPECT_EQ(m.top_via()->received(), loopback_.to_string());
  EXPECT_EQ(m.top_via()->params.get("rport"), std::to_string(peer_port()));
  EXPECT_EQ(m.value(HeaderId::kSubject), fake);
  EXPECT_EQ(m.count(HeaderId::kVia), 1u);
}

TEST_P(UdpTransportTest, DestroyedWithOperationsPendingThenTheLoopRunsOn) {
  auto user = std::make_unique<RecordingUser>();
  auto t = std::make_unique<UdpTransport>(io_, *user);
  ASSERT_TRUE(t->open(Endpoint{loopback_, 0}).ok());
  const Destination to{TransportKind::kUdp, loopback_.to_string(), peer_port(), {}};
  ASSERT_TRUE(t->send(to, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n").ok());
  ASSERT_TRUE(t->send(Destination{TransportKind::kUdp, "name.invalid", 5060, {}}, "x").ok());
  t.reset();
  user.reset();
  run_for(io_, 100ms);
}

INSTANTIATE_TEST_SUITE_P(Loopback, UdpTransportTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& info) {
                           return std::string(info.param[0] == ':' ? "IPv6" : "IPv4");
                         });

}  // namespace
}  // namespace pinana::sip::transport
