// /api/v1/events: Beast's synchronous websocket client against the real server.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "pinana/api/http_client.h"
#include "server_fixture.h"

namespace pinana::api {
namespace {

namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;

class EventClient {
 public:
  // `receive_buffer` > 0 shrinks the kernel's receive buffer (a client that will not read).
  EventClient(uint16_t port, int receive_buffer = 0) : ws_(io_) {
    auto& socket = ws_.next_layer();
    socket.open(tcp::v4());
    if (receive_buffer > 0)
      socket.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1", "/api/v1/events");
  }
  std::string read() {
    boost::beast::flat_buffer buffer;
    ws_.read(buffer);
    EXPECT_TRUE(ws_.got_text());
    return boost::beast::buffers_to_string(buffer.data());
  }
  // The error the next read ends with (none: a frame arrived).
  boost::system::error_code read_error() {
    boost::beast::flat_buffer buffer;
    boost::system::error_code ec;
    ws_.read(buffer, ec);
    return ec;
  }

 private:
  boost::asio::io_context io_;
  websocket::stream<tcp::socket> ws_;
};

class WebSocketTest : public ServerFixture {
 protected:
  // Polls (for at most five seconds) until the server counts `n` event clients: a peer's
  // close reaches the server's io thread at some point after the client's call returns.
  bool wait_clients(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (on_io([this] { return server_->event_clients(); }) == n) return true;
      std::this_thread::yield();
    }
    return false;
  }
  void publish(std::string text) {
    on_io([this, &text] {
      server_->publish_event(std::move(text));
      return 0;
    });
  }
};

TEST_F(WebSocketTest, PublishedEventReachesEveryClientInOrder) {
  EventClient a(port_);
  EventClient b(port_);
  ASSERT_TRUE(wait_clients(2));
  publish(R"({"type":"device","name":"PJSIP/alice","state":"INUSE"})");
  publish(R"({"type":"device","name":"PJSIP/alice","state":"NOT_INUSE"})");
  EXPECT_EQ(a.read(), R"({"type":"device","name":"PJSIP/alice","state":"INUSE"})");
  EXPECT_EQ(a.read(), R"({"type":"device","name":"PJSIP/alice","state":"NOT_INUSE"})");
  EXPECT_EQ(b.read(), R"({"type":"device","name":"PJSIP/alice","state":"INUSE"})");
  EXPECT_EQ(b.read(), R"({"type":"device","name":"PJSIP/alice","state":"NOT_INUSE"})");
}

TEST_F(WebSocketTest, ClosedClientIsForgotten) {
  {
    EventClient a(port_);
    ASSERT_TRUE(wait_clients(1));
  }               // the socket closes without a close frame
  publish("{}");  // a write to the dead peer fails, or its read already did
  EXPECT_TRUE(wait_clients(0));
  EXPECT_EQ(http_request(base_, "GET", "/health")->status, 200);
}

TEST_F(WebSocketTest, ServerCloseEndsTheStream) {
  EventClient a(port_);
  ASSERT_TRUE(wait_clients(1));
  on_io([this] {
    server_->close();
    return 0;
  });
  EXPECT_TRUE(a.read_error());
}

class SlowClientTest : public WebSocketTest {
 protected:
  ApiServerOptions options() const override {
    ApiServerOptions o;
    o.event_queue.max_frames = 8;
    return o;
  }
};

TEST_F(SlowClientTest, ClientThatNeverReadsIsClosedAndDoesNotBlockTheOthers) {
  EventClient good(port_);
  EventClient stuck(port_, 4096);
  ASSERT_TRUE(wait_clients(2));
  const std::string pad(64 * 1024, 'x');
  int published = 0;
  bool dropped = false;
  // Each event is read by the good client before the next is published, so only the stuck
  // client's queue grows once the kernel buffers between it and the server are full.
  for (; published < 2000 && !dropped; ++published) {
    const std::string event = "{\"seq\":" + std::to_string(published) + ",\"pad\":\"" + pad + "\"}";
    publish(event);
    ASSERT_EQ(good.read(), event);
    dropped = on_io([this] { return server_->event_clients(); }) == 1;
  }
  ASSERT_TRUE(dropped) << "after " << published << " events";
  publish("{\"after\":true}");
  EXPECT_EQ(good.read(), "{\"after\":true}");
}

TEST_F(SlowClientTest, BurstOverTheQueueLimitClosesOnlyWhoCannotTakeIt) {
  EventClient a(port_);
  ASSERT_TRUE(wait_clients(1));
  // Nine frames published in one go exceed the limit of eight before any write completes.
  on_io([this] {
    for (int i = 0; i < 9; ++i) server_->publish_event("{}");
    return 0;
  });
  EXPECT_TRUE(wait_clients(0));
}

}  // namespace
}  // namespace pinana::api
