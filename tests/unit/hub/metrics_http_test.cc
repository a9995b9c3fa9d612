// MetricsHttpServer against a real client socket on the same io_context, loopback only, port 0.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>

#include "pinana/hub/listen_spec.h"

namespace pinana::hub {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

// Runs `io` until `done()` holds or five seconds pass; false on timeout.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  io.restart();
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    io.run_one_for(std::chrono::milliseconds(50));
    if (io.stopped()) io.restart();
  }
  return true;
}

tcp::endpoint parse_endpoint(const std::string& text) {
  const size_t colon = text.rfind(':');
  std::string host = text.substr(0, colon);
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  return {boost::asio::ip::make_address(host),
          static_cast<uint16_t>(std::stoi(text.substr(colon + 1)))};
}

// A raw HTTP client: sends bytes as given, reads responses with Beast's parser.
class Client {
 public:
  explicit Client(boost::asio::io_context& io) : io_(io), socket_(io) {}

  bool connect(const std::string& endpoint) {
    bool done = false;
    error_code result;
    socket_.async_connect(parse_endpoint(endpoint), [&](const error_code& ec) {
      result = ec;
      done = true;
    });
    return run_until(io_, [&] { return done; }) && !result;
  }

  bool send(const std::string& bytes) {
    bool done = false;
    error_code result;
    boost::asio::async_write(socket_, boost::asio::buffer(bytes),
                             [&](const error_code& ec, size_t) {
                               result = ec;
                               done = true;
                             });
    return run_until(io_, [&] { return done; }) && !result;
  }

  std::optional<http::response<http::string_body>> read_response() {
    http::response<http::string_body> res;
    bool done = false;
    error_code result;
    http::async_read(socket_, buffer_, res, [&](const error_code& ec, size_t) {
      result = ec;
      done = true;
    });
    if (!run_until(io_, [&] { return done; }) || result) return std::nullopt;
    return res;
  }

  // True when the server has closed the connection (EOF or reset) and sent nothing more.
  bool closed_by_server() {
    if (buffer_.size() > 0) return false;
    char byte;
    bool done = false;
    error_code result;
    socket_.async_read_some(boost::asio::buffer(&byte, 1), [&](const error_code& ec, size_t) {
      result = ec;
      done = true;
    });
    return run_until(io_, [&] { return done; }) &&
           (result == boost::asio::error::eof || result == boost::asio::error::connection_reset);
  }

 private:
  boost::asio::io_context& io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

std::string get(std::string_view path, std::string_view extra = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra) + "\r\n";
}

class MetricsHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MetricsHttpServer::start(io_, "127.0.0.1:0", [this] {
      ++scrapes_;
      return "pinana_test_total " + std::to_string(scrapes_) + "\n";
    });
    ASSERT_TRUE(s.ok()) << s.error().reason;
    server_ = std::move(s.value());
  }

  boost::asio::io_context io_;
  int scrapes_ = 0;
  std::unique_ptr<MetricsHttpServer> server_;
};

TEST_F(MetricsHttp, EndpointIsBoundPort) {
  const std::string ep = server_->endpoint();
  ASSERT_TRUE(ep.starts_with("127.0.0.1:")) << ep;
  EXPECT_NE(ep, "127.0.0.1:0");
}

TEST_F(MetricsHttp, MetricsReturnsTextAndContentType) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/metrics")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::ok);
  EXPECT_EQ(res->body(), "pinana_test_total 1\n");
  EXPECT_EQ(res->at(http::field::content_type), "text/plain; version=0.0.4");
  EXPECT_EQ(res->at(http::field::content_length), std::to_string(res->body().size()));
}

TEST_F(MetricsHttp, QueryStringIsIgnored) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/metrics?name[]=x")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::ok);
  EXPECT_EQ(scrapes_, 1);
}

TEST_F(MetricsHttp, HealthIsOk) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/health")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::ok);
  EXPECT_EQ(res->body(), "ok\n");
  EXPECT_EQ(scrapes_, 0);
}

TEST_F(MetricsHttp, UnknownPathIs404) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/nope")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::not_found);
  // A 404 does not end the connection.
  ASSERT_TRUE(c.send(get("/health")));
  auto again = c.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->result(), http::status::ok);
}

TEST_F(MetricsHttp, OtherMethodsAre405WithAllow) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send("POST /metrics HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc"));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::method_not_allowed);
  EXPECT_EQ(res->at(http::field::allow), "GET");
  EXPECT_EQ(scrapes_, 0);
}

TEST_F(MetricsHttp, KeepAliveServesSecondRequest) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/metrics")));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->keep_alive());
  ASSERT_TRUE(c.send(get("/metrics")));
  auto second = c.read_response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body(), "pinana_test_total 2\n");
}

TEST_F(MetricsHttp, PipelinedRequestsAreAnsweredInOrder) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/health") + get("/metrics") + get("/nope")));
  auto a = c.read_response();
  auto b = c.read_response();
  auto d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body(), "ok\n");
  EXPECT_EQ(b->body(), "pinana_test_total 1\n");
  EXPECT_EQ(d->result(), http::status::not_found);
}

TEST_F(MetricsHttp, ConnectionCloseIsHonoured) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/health", "Connection: close\r\n")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(MetricsHttp, Http10ClosesAfterResponse) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send("GET /health HTTP/1.0\r\n\r\n"));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->version(), 10u);
  EXPECT_EQ(res->body(), "ok\n");
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(MetricsHttp, OversizedHeaderIsRejectedAndClosed) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/metrics", "X-Big: " + std::string(9000, 'a') + "\r\n")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::request_header_fields_too_large);
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_EQ(scrapes_, 0);
}

TEST_F(MetricsHttp, HeaderJustUnderLimitIsServed) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/health", "X-Big: " + std::string(7000, 'a') + "\r\n")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::ok);
}

TEST_F(MetricsHttp, OversizedBodyIsRejected) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send("GET /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" +
                     std::string(10000, 'x')));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::payload_too_large);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(MetricsHttp, GarbageIs400AndClosed) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send("HELLO THERE\x01\r\n\r\n"));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::bad_request);
  EXPECT_TRUE(c.closed_by_server());
}

TEST_F(MetricsHttp, DestroyingServerClosesConnections) {
  Client c(io_);
  ASSERT_TRUE(c.connect(server_->endpoint()));
  ASSERT_TRUE(c.send(get("/health")));
  ASSERT_TRUE(c.read_response());
  server_.reset();
  // The session's pending read is aborted; nothing may touch the destroyed server.
  EXPECT_TRUE(c.closed_by_server());
  io_.restart();
  io_.poll();
}

TEST_F(MetricsHttp, AddressInUseIsError) {
  auto second = MetricsHttpServer::start(io_, server_->endpoint(), [] { return std::string(); });
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().reason.find("cannot listen on " + server_->endpoint()),
            std::string::npos)
      << second.error().reason;
}

TEST(MetricsHttpStart, BadAddressIsError) {
  boost::asio::io_context io;
  auto none = [] { return std::string(); };
  auto a = MetricsHttpServer::start(io, "localhost:9090", none);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().reason, "not a numeric address: \"localhost\"");
  auto b = MetricsHttpServer::start(io, "127.0.0.1", none);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().reason, "missing :PORT");
  auto c = MetricsHttpServer::start(io, "::1:9090", none);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().reason, "put IPv6 addresses in brackets");
  auto d = MetricsHttpServer::start(io, "127.0.0.1:65536", none);
  ASSERT_FALSE(d.ok());
}

TEST(MetricsHttpStart, Ipv6Loopback) {
  boost::asio::io_context io;
  auto s = MetricsHttpServer::start(io, "[::1]:0", [] { return std::string("v6 1\n"); });
  if (!s.ok()) GTEST_SKIP() << "no IPv6 loopback: " << s.error().reason;
  const std::string ep = (*s)->endpoint();
  ASSERT_TRUE(ep.starts_with("[::1]:")) << ep;
  Client c(io);
  ASSERT_TRUE(c.connect(ep));
  ASSERT_TRUE(c.send(get("/metrics")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), "v6 1\n");
}

TEST(MetricsHttpStart, ThrowingMetricsGive500) {
  boost::asio::io_context io;
  auto s = MetricsHttpServer::start(io, "127.0.0.1:0",
                                    []() -> std::string { throw std::runtime_error("boom"); });
  ASSERT_TRUE(s.ok());
  Client c(io);
  ASSERT_TRUE(c.connect((*s)->endpoint()));
  ASSERT_TRUE(c.send(get("/metrics")));
  auto res = c.read_response();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result(), http::status::internal_server_error);
  // The connection survives.
  ASSERT_TRUE(c.send(get("/health")));
  auto again = c.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->result(), http::status::ok);
}

}  // namespace
}  // namespace pinana::hub
