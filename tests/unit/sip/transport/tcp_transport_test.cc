// TcpTransport on real loopback sockets (127.0.0.1 and ::1, ephemeral ports). Each test runs the
// io_context in bounded slices and stops by itself.
#include "pinana/sip/transport/tcp_transport.h"

#include <gtest/gtest.h>

#include <array>

#include <boost/asio/write.hpp>

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

// A plain socket playing the remote peer; reads without blocking so the test thread can keep
// running the io_context.
struct RawPeer {
  explicit RawPeer(boost::asio::io_context& io) : socket(io) {}

  void connect(const ip::tcp::endpoint& ep) {
    socket.connect(ep);
    socket.non_blocking(true);
  }
  void write(const std::string& bytes) {
    socket.non_blocking(false);
    boost::asio::write(socket, boost::asio::buffer(bytes));
    socket.non_blocking(true);
  }
  // Reads whatever is there; notes end of stream.
  void poll() {
    std::array<char, 4096> buf;
    for (;;) {
      boost::system::error_code ec;
      const size_t n = socket.read_some(boost::asio::buffer(buf), ec);
      if (ec == boost::asio::error::would_block) return;
      if (ec) {
        eof = true;
        return;
      }
      got.append(buf.data(), n);
    }
  }
  uint16_t port() const { return socket.local_endpoint().port(); }

  ip::tcp::socket socket;
  std::string got;
  bool eof = false;
};

class TcpTransportTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    loopback_ = ip::make_address(GetParam());
    ASSERT_TRUE(server_->listen(Endpoint{loopback_, 0}).ok());
    ASSERT_NE(server_->listen_endpoint().port, 0);
  }

  ip::tcp::endpoint server_ep() const {
    return ip::tcp::endpoint(loopback_, server_->listen_endpoint().port);
  }
  std::string host() const {
    return loopback_.is_v6() ? "[" + loopback_.to_string() + "]" : loopback_.to_string();
  }

  // Polls the peer inside the bounded io loop until `done`.
  bool wait_peer(RawPeer& p, const std::function<bool()>& done,
                 std::chrono::milliseconds limit = 3s) {
    return run_until(
        io_, [&] { return p.poll(), done(); }, limit);
  }

  void restart_server(TcpOptions options) {
    server_ = std::make_unique<TcpTransport>(io_, user_, options);
    ASSERT_TRUE(server_->listen(Endpoint{loopback_, 0}).ok());
  }

  boost::asio::io_context io_;
  RecordingUser user_;
  std::unique_ptr<TcpTransport> server_ = std::make_unique<TcpTransport>(io_, user_);
  ip::address loopback_;
};

TEST_P(TcpTransportTest, PipelinedRequestsAndResponsesShareTheConnection) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write(options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t1", "tcp-1") +
             options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t2", "tcp-2", "body"));
  ASSERT_TRUE(run_until(io_, [&] { return user_.messages.size() == 2; }));
  const auto& a = user_.messages[0];
  const auto& b = user_.messages[1];
  EXPECT_EQ(a.message.call_id(), "tcp-1");
  EXPECT_EQ(b.message.call_id(), "tcp-2");
  EXPECT_EQ(b.message.body(), "body");
  ASSERT_TRUE(a.connection.has_value());
  EXPECT_EQ(a.connection, b.connection);
  EXPECT_EQ(a.transport, TransportKind::kTcp);
  EXPECT_EQ(a.remote, (Endpoint{loopback_, peer.port()}));
  EXPECT_EQ(a.local.port, server_->listen_endpoint().port);
  EXPECT_EQ(a.message.top_via()->received(), loopback_.to_string());

  for (const auto& in : user_.messages) {
    auto response = Message::from_bytes(ok_response(in.message), Framing::kDatagram);
    ASSERT_TRUE(response.ok());
    auto to = route_response(response.value(), in.connection);
    ASSERT_TRUE(to.ok());
    EXPECT_EQ(to->connection, in.connection);
    ASSERT_TRUE(server_->send(to.value(), response->serialize()).ok());
  }
  ASSERT_TRUE(
      wait_peer(peer, [&] { return peer.got.find("Call-ID: tcp-2") != std::string::npos; }));
  EXPECT_LT(peer.got.find("Call-ID: tcp-1"), peer.got.find("Call-ID: tcp-2"));
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_P(TcpTransportTest, FramingFaultIsAnsweredThenTheConnectionCloses) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write(testing::read_torture("ncl.dat"));
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  EXPECT_EQ(peer.got.rfind("SIP/2.0 400 Bad Request (negative Content-Length)\r\n", 0), 0u)
      << peer.got;
  EXPECT_NE(peer.got.find("Call-ID: ncl.0ha0isndaksdj2193423r542w35\r\n"), std::string::npos);
  ASSERT_FALSE(user_.errors.empty());
  EXPECT_EQ(user_.errors[0].kind, TransportError::Kind::kFraming);
  EXPECT_EQ(user_.errors[0].error.status, 400);
  EXPECT_TRUE(user_.messages.empty());
  // The server sent FIN after its answer and waits for the peer to finish; once it does, the
  // connection goes at once (well before the drain timeout).
  peer.socket.close();
  ASSERT_TRUE(run_until(
      io_, [&] { return server_->connection_count() == 0 && user_.closed.size() == 1; }, 1s));
}

TEST_P(TcpTransportTest, MultipleContentLengthsCloseTheConnection) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write(testing::read_torture("mcl01.dat"));
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  EXPECT_EQ(peer.got.rfind("SIP/2.0 400 ", 0), 0u) << peer.got;
}

TEST_P(TcpTransportTest, OversizedHeaderSectionGets513AndClose) {
  TcpOptions options;
  options.limits.max_header_bytes = 1024;
  restart_server(options);
  RawPeer peer(io_);
  peer.connect(server_ep());
  std::string big =
      "OPTIONS sip:hub@example.net SIP/2.0\r\nVia: SIP/2.0/TCP "
      "client.invalid;branch=z9hG4bK-big\r\n";
  while (big.size() < 3000) big += "X-Filler: 0123456789abcdef0123456789abcdef\r\n";
  peer.write(big);
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  EXPECT_EQ(peer.got.rfind("SIP/2.0 513 Message Too Large", 0), 0u) << peer.got;
}

TEST_P(TcpTransportTest, FramingFaultWithoutViaJustCloses) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write("OPTIONS sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n");
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  EXPECT_TRUE(peer.got.empty()) << peer.got;
}

TEST_P(TcpTransportTest, MalformedButFramedRequestIsAnsweredAndTheConnectionStays) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  std::string bad = options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t3", "tcp-3");
  bad.replace(bad.find("CSeq: 1 OPTIONS"), 15, "CSeq: 1 INVITE ");  // method mismatch
  peer.write(bad);
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.got.find("\r\n\r\n") != std::string::npos; }));
  EXPECT_EQ(peer.got.rfind("SIP/2.0 400 ", 0), 0u) << peer.got;
  EXPECT_FALSE(peer.eof);
  peer.write(options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t4", "tcp-4"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  EXPECT_EQ(user_.messages[0].message.call_id(), "tcp-4");
}

TEST_P(TcpTransportTest, MalformedResponseIsDroppedAndServingContinues) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write("SIP/2.0 20 Short\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n");
  run_for(io_, 200ms);
  peer.poll();
  EXPECT_TRUE(peer.got.empty());
  EXPECT_FALSE(peer.eof);
  peer.write(options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t5", "tcp-5"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  ASSERT_EQ(user_.errors.size(), 1u);
  EXPECT_EQ(user_.errors[0].error.status, 0);
}

TEST_P(TcpTransportTest, PingGetsPong) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write("\r\n\r\n");
  ASSERT_TRUE(wait_peer(peer, [&] { return !peer.got.empty(); }));
  EXPECT_EQ(peer.got, "\r\n");
  // A message split across writes, with a pong-like CRLF before it, still arrives whole.
  const std::string m = options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t6", "tcp-6");
  peer.write("\r\n" + m.substr(0, 10));
  run_for(io_, 50ms);
  peer.write(m.substr(10));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  EXPECT_EQ(peer.got, "\r\n");
}

TEST_P(TcpTransportTest, ClientConnectsOnDemandAndReusesTheConnection) {
  RecordingUser client_user;
  TcpTransport client(io_, client_user);
  const Destination to{
      TransportKind::kTcp, loopback_.to_string(), server_->listen_endpoint().port, {}};
  ASSERT_TRUE(
      client.send(to, options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-c1", "c-1")).ok());
  ASSERT_TRUE(run_until(io_, [&] { return user_.messages.size() == 1; }));
  auto& in = user_.messages[0];
  auto response = Message::from_bytes(ok_response(in.message), Framing::kDatagram);
  ASSERT_TRUE(response.ok());
  ASSERT_TRUE(
      server_->send(route_response(response.value(), in.connection).value(), response->serialize())
          .ok());
  ASSERT_TRUE(run_until(io_, [&] { return client_user.messages.size() == 1; }));
  EXPECT_TRUE(client_user.messages[0].message.is_response());
  ASSERT_TRUE(client_user.messages[0].connection.has_value());
  EXPECT_TRUE(client.is_open(*client_user.messages[0].connection));

  ASSERT_TRUE(
      client.send(to, options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-c2", "c-2")).ok());
  ASSERT_TRUE(run_until(io_, [&] { return user_.messages.size() == 2; }));
  EXPECT_EQ(user_.messages[1].connection, user_.messages[0].connection);
  EXPECT_EQ(client.connection_count(), 1u);
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_P(TcpTransportTest, ResponseReconnectsToSentByWhenTheConnectionIsGone) {
  RecordingUser client_user;
  TcpTransport client(io_, client_user);
  ASSERT_TRUE(client.listen(Endpoint{loopback_, 0}).ok());
  const uint16_t client_port = client.listen_endpoint().port;
  const Destination to{
      TransportKind::kTcp, loopback_.to_string(), server_->listen_endpoint().port, {}};
  ASSERT_TRUE(client
                  .send(to, options_request("SIP/2.0/TCP " + host() + ":" +
                                                std::to_string(client_port) + ";branch=z9hG4bK-r1",
                                            "re-1"))
                  .ok());
  ASSERT_TRUE(run_until(io_, [&] { return user_.messages.size() == 1; }));
  const ConnectionId first = *user_.messages[0].connection;
  server_->close_connection(first);
  ASSERT_TRUE(run_until(io_, [&] { return client.connection_count() == 0; }));
  EXPECT_FALSE(server_->is_open(first));

  auto response = Message::from_bytes(ok_response(user_.messages[0].message), Framing::kDatagram);
  ASSERT_TRUE(response.ok());
  auto dest = route_response(response.value(), first);
  ASSERT_TRUE(dest.ok());
  EXPECT_EQ(dest->port, client_port);
  ASSERT_TRUE(server_->send(dest.value(), response->serialize()).ok());
  ASSERT_TRUE(run_until(io_, [&] { return client_user.messages.size() == 1; }));
  EXPECT_EQ(client_user.messages[0].message.call_id(), "re-1");
  EXPECT_EQ(client_user.messages[0].local.port, client_port);  // arrived on an accepted connection
}

TEST_P(TcpTransportTest, ClosedConnectionWithoutAddressIsAnError) {
  auto s = server_->send(Destination{TransportKind::kTcp, "", 0, ConnectionId{999}}, "x");
  EXPECT_FALSE(s.ok());
}

TEST_P(TcpTransportTest, ConnectFailureIsReported) {
  uint16_t dead_port;
  {
    ip::tcp::acceptor a(io_, ip::tcp::endpoint(loopback_, 0));
    dead_port = a.local_endpoint().port();
  }
  ASSERT_TRUE(
      server_->send(Destination{TransportKind::kTcp, loopback_.to_string(), dead_port, {}}, "x")
          .ok());
  ASSERT_TRUE(run_until(io_, [&] { return !user_.errors.empty(); }));
  EXPECT_EQ(user_.errors[0].kind, TransportError::Kind::kConnect);
  ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 0; }));
}

TEST_P(TcpTransportTest, IdleConnectionIsClosed) {
  TcpOptions options;
  options.idle_timeout = 150ms;
  restart_server(options);
  RawPeer peer(io_);
  peer.connect(server_ep());
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  ASSERT_TRUE(run_until(io_, [&] { return user_.closed.size() == 1; }));
  ASSERT_FALSE(user_.errors.empty());
  EXPECT_EQ(user_.errors[0].kind, TransportError::Kind::kLimit);
}

TEST_P(TcpTransportTest, SlowSenderIsDroppedWhenTheMessageTakesTooLong) {
  TcpOptions options;
  options.message_timeout = 300ms;  // idle timeout stays long: the peer is never idle
  restart_server(options);
  RawPeer peer(io_);
  peer.connect(server_ep());
  const std::string m = options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-slow", "slow");
  size_t sent = 0;
  const auto start = std::chrono::steady_clock::now();
  while (!peer.eof && sent < m.size() && std::chrono::steady_clock::now() - start < 3s) {
    boost::system::error_code ec;
    boost::asio::write(peer.socket, boost::asio::buffer(m.data() + sent, 1), ec);
    if (ec) break;
    ++sent;
    run_for(io_, 20ms);
    peer.poll();
  }
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  EXPECT_LT(sent, m.size());
  EXPECT_TRUE(user_.messages.empty());
  ASSERT_FALSE(user_.errors.empty());
  EXPECT_EQ(user_.errors[0].kind, TransportError::Kind::kLimit);
}

TEST_P(TcpTransportTest, CompleteMessagesResetTheMessageTimer) {
  TcpOptions options;
  options.message_timeout = 300ms;
  restart_server(options);
  RawPeer peer(io_);
  peer.connect(server_ep());
  for (int i = 0; i < 4; ++i) {
    const std::string m =
        options_request("SIP/2.0/TCP c.invalid;branch=z9hG4bK-m" + std::to_string(i), "m");
    peer.write(m.substr(0, 20));
    run_for(io_, 150ms);  // each message takes 150 ms; together far more than 300 ms
    peer.write(m.substr(20));
    ASSERT_TRUE(
        run_until(io_, [&] { return user_.messages.size() == static_cast<size_t>(i + 1); }));
  }
  peer.poll();
  EXPECT_FALSE(peer.eof);
}

TEST_P(TcpTransportTest, DestroyedWithOperationsPendingThenTheLoopRunsOn) {
  auto client_user = std::make_unique<RecordingUser>();
  auto client = std::make_unique<TcpTransport>(io_, *client_user);
  ASSERT_TRUE(client->listen(Endpoint{loopback_, 0}).ok());
  const Destination to{
      TransportKind::kTcp, loopback_.to_string(), server_->listen_endpoint().port, {}};
  ASSERT_TRUE(
      client->send(to, options_request("SIP/2.0/TCP c.invalid;branch=z9hG4bK-d1", "d1")).ok());
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  ASSERT_TRUE(client->send(to, std::string(100000, 'x')).ok());  // a write in flight
  client.reset();       // reads, writes, timers and an acceptor all pending
  client_user.reset();  // the user may go too: nothing calls it any more
  run_for(io_, 100ms);
  ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 0; }));
}

TEST_P(TcpTransportTest, LargeOutputArrivesIntactAndInOrder) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write(options_request("SIP/2.0/TCP c.invalid;branch=z9hG4bK-big", "big"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  const Destination back{TransportKind::kTcp, "", 0, user_.messages[0].connection};
  std::string expected;
  for (int i = 0; i < 30; ++i) {  // 680 KB in all, under the 1 MiB queue limit
    std::string chunk(1000 + i * 1511, static_cast<char>('a' + i % 26));
    expected += chunk;
    ASSERT_TRUE(server_->send(back, std::move(chunk)).ok());
  }
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.got.size() >= expected.size(); }));
  EXPECT_TRUE(peer.got == expected);
}

TEST_P(TcpTransportTest, PeerThatDoesNotReadIsDroppedWhenOutputPilesUp) {
  TcpOptions options;
  options.max_queued_bytes = 64 * 1024;
  restart_server(options);
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write(options_request("SIP/2.0/TCP c.invalid;branch=z9hG4bK-stuck", "stuck"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  const Destination back{TransportKind::kTcp, "", 0, user_.messages[0].connection};
  bool refused = false;
  // The kernel buffers absorb some megabytes first; the queue limit trips after that.
  for (int i = 0; i < 2000 && !refused; ++i) {
    refused = !server_->send(back, std::string(16 * 1024, 'z')).ok();
    if (i % 4 == 0) run_for(io_, 1ms);
  }
  EXPECT_TRUE(refused);
  EXPECT_FALSE(server_->is_open(*user_.messages[0].connection));
  ASSERT_FALSE(user_.errors.empty());
  EXPECT_EQ(user_.errors.back().kind, TransportError::Kind::kLimit);
}

TEST_P(TcpTransportTest, ConnectionLimitIsEnforced) {
  TcpOptions options;
  options.max_connections = 1;
  restart_server(options);
  RawPeer first(io_), second(io_);
  first.connect(server_ep());
  ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 1; }));
  second.connect(server_ep());
  ASSERT_TRUE(wait_peer(second, [&] { return second.eof; }));
  first.write(options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t7", "tcp-7"));
  ASSERT_TRUE(run_until(io_, [&] { return !user_.messages.empty(); }));
  EXPECT_EQ(user_.errors.at(0).kind, TransportError::Kind::kLimit);
}

TEST_P(TcpTransportTest, PeerVanishingMidMessageIsCleanedUp) {
  {
    RawPeer peer(io_);
    peer.connect(server_ep());
    peer.write(
        options_request("SIP/2.0/TCP client.invalid;branch=z9hG4bK-t8", "tcp-8").substr(0, 40));
    ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 1; }));
  }
  ASSERT_TRUE(
      run_until(io_, [&] { return server_->connection_count() == 0 && user_.closed.size() == 1; }));
  EXPECT_TRUE(user_.messages.empty());
}

TEST_P(TcpTransportTest, UserMayCloseTheConnectionFromTheCallback) {
  user_.on_message_hook = [&](IncomingMessage& in) { server_->close_connection(*in.connection); };
  RawPeer peer(io_);
  peer.connect(server_ep());
  peer.write(options_request("SIP/2.0/TCP c.invalid;branch=z9hG4bK-t9", "tcp-9") +
             options_request("SIP/2.0/TCP c.invalid;branch=z9hG4bK-t10", "tcp-10"));
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  run_for(io_, 50ms);
  EXPECT_EQ(user_.messages.size(), 1u);  // nothing is delivered from a connection once closed
}

TEST_P(TcpTransportTest, CloseStopsEverything) {
  RawPeer peer(io_);
  peer.connect(server_ep());
  ASSERT_TRUE(run_until(io_, [&] { return server_->connection_count() == 1; }));
  server_->close();
  ASSERT_TRUE(wait_peer(peer, [&] { return peer.eof; }));
  EXPECT_FALSE(
      server_->send(Destination{TransportKind::kTcp, loopback_.to_string(), 5060, {}}, "x").ok());
  RawPeer late(io_);
  boost::system::error_code ec;
  late.socket.connect(server_ep(), ec);
  EXPECT_TRUE(ec);
}

INSTANTIATE_TEST_SUITE_P(Loopback, TcpTransportTest, ::testing::Values("127.0.0.1", "::1"),
                         [](const auto& info) {
                           return std::string(info.param[0] == ':' ? "IPv6" : "IPv4");
                         });

}  // namespace
}  // namespace pinana::sip::transport
