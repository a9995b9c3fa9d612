// ApiServer over real sockets on 127.0.0.1: requests through http_request, and raw bytes for what
// a well-behaved client never sends.
#include "pinana/api/api_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "pinana/api/http_client.h"
#include "pinana/api/url_codec.h"
#include "server_fixture.h"

namespace pinana::api {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;
using tcp = boost::asio::ip::tcp;

class ApiServerTest : public ServerFixture {
 protected:
  HttpReply request(std::string_view method, std::string_view target, std::string body = {}) {
    auto r = http_request(base_, method, target, std::move(body));
    EXPECT_TRUE(r.ok()) << r.error().reason;
    return r.ok() ? *r : HttpReply{};
  }
  static std::string error(const HttpReply& reply) {
    EXPECT_EQ(reply.content_type, "application/json");
    return json::parse(reply.body).at("error").get<std::string>();
  }
};

// A raw connection: writes bytes as given, reads responses with Beast's parser.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  void send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }
  // The next response; nullopt when the server closed instead.
  std::optional<http::response<http::string_body>> read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    boost::system::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    if (ec) return std::nullopt;
    return parser.release();
  }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

TEST_F(ApiServerTest, EveryRouteOverTheWire) {
  auto reply = request("GET", "/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body), json::parse(R"({"status":"ok"})"));

  reply = request("GET", "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(reply.body, "pinana_devices 2\n");

  reply = request("GET", "/api/v1/devices");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body).size(), 2u);

  reply = request("GET", "/api/v1/devices/" + percent_encode("Custom:lamp 1"));
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)["name"], "Custom:lamp 1");

  reply = request("PUT", "/api/v1/devices/PJSIP/carol",
                  R"({"state":"BUSY","caller":{"name":"C","number":"3"}})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(json::parse(reply.body)["state"], "BUSY");
  EXPECT_EQ(backend_.devices_.at("PJSIP/carol").state, "BUSY");

  reply = request("GET", "/api/v1/extensions");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)[1]["exten"], "1001");
  reply = request("GET", "/api/v1/extensions/1001");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)["state"], "Idle");

  reply = request("PUT", "/api/v1/mailboxes/" + percent_encode("7@work"), R"({"new":7,"old":1})");
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = request("GET", "/api/v1/mailboxes");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body).size(), 2u);

  reply = request("GET", "/api/v1/cluster");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(json::parse(reply.body)["eid"], "aa:aa");
}

TEST_F(ApiServerTest, ErrorCodesOverTheWire) {
  auto reply = request("GET", "/api/v1/devices/PJSIP%2Fzed");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(error(reply), "unknown device: PJSIP/zed");
  reply = request("GET", "/api/v1/devices/bad%zzescape");
  EXPECT_EQ(reply.status, 400);
  reply = request("PUT", "/api/v1/devices/Custom:x", "{\"state\":");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error(reply), "malformed JSON");
  reply = request("PUT", "/api/v1/devices/Custom:x", R"({"state":"nope"})");
  EXPECT_EQ(reply.status, 400);
  reply = request("DELETE", "/api/v1/devices/Custom:x");
  EXPECT_EQ(reply.status, 405);
  reply = request("GET", "/nowhere");
  EXPECT_EQ(reply.status, 404);
  reply = request("GET", "/api/v1/events");
  EXPECT_EQ(reply.status, 426);
  reply = request("PUT", "/api/v1/devices/Custom:x",
                  R"({"state":"INUSE","pad":")" + std::string(70 * 1024, 'x') + "\"}");
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(error(reply), "request body over 64 KiB");
}

TEST_F(ApiServerTest, AllowHeaderAnd415OnTheRawWire) {
  RawClient c(port_);
  c.send("DELETE /api/v1/devices/x HTTP/1.1\r\nHost: a\r\n\r\n");
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 405u);
  EXPECT_EQ((*res)[http::field::allow], "GET, PUT");
  // Same connection: keep-alive.
  c.send(
      "PUT /api/v1/devices/x HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\n"
      "Content-Length: 17\r\n\r\n{\"state\":\"BUSY\"}\n");
  res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 415u);
  EXPECT_EQ(json::parse(res->body())["error"], "Content-Type must be application/json");
  c.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
  res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200u);
  EXPECT_EQ(backend_.set_calls, 0);
}

TEST_F(ApiServerTest, GarbageRequestLineIs400AndCloses) {
  RawClient c(port_);
  c.send("THIS IS NOT HTTP\r\n\r\n");
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 400u);
  EXPECT_EQ((*res)[http::field::content_type], "application/json");
  EXPECT_NE(json::parse(res->body())["error"].get<std::string>().find("malformed"),
            std::string::npos);
  EXPECT_FALSE(c.read()) << "the server closes after a malformed request";
  EXPECT_EQ(request("GET", "/health").status, 200);
}

TEST_F(ApiServerTest, BinaryGarbageDoesNotHurtTheServer) {
  {
    RawClient c(port_);
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 131) & 0xff));
    c.send(junk);
    auto res = c.read();
    if (res) {
      EXPECT_EQ(res->result_int(), 400u);
    }
  }
  EXPECT_EQ(request("GET", "/health").status, 200);
}

TEST_F(ApiServerTest, HugeHeaderIs431) {
  RawClient c(port_);
  c.send("GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 431u);
  EXPECT_EQ(json::parse(res->body())["error"], "request header too large");
  EXPECT_EQ(request("GET", "/health").status, 200);
}

TEST_F(ApiServerTest, DeclaredHugeBodyIs413WithoutSendingIt) {
  RawClient c(port_);
  c.send(
      "PUT /api/v1/devices/x HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
      "Content-Length: 10000000\r\n\r\n{");
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 413u);
}

TEST_F(ApiServerTest, ChunkedBodyOverLimitIs413) {
  RawClient c(port_);
  std::string req =
      "PUT /api/v1/devices/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) req += "1000\r\n" + std::string(0x1000, ' ') + "\r\n";
  req += "0\r\n\r\n";
  c.send(req);
  auto res = c.read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 413u);
}

TEST_F(ApiServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawClient c(port_);
  c.send(
      "GET /health HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /api/v1/devices/nobody HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /api/v1/cluster HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  auto a = c.read();
  auto b = c.read();
  auto d = c.read();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->result_int(), 200u);
  EXPECT_EQ(b->result_int(), 404u);
  EXPECT_EQ(d->result_int(), 200u);
  EXPECT_FALSE(c.read());
}

TEST_F(ApiServerTest, ListenOnABusyPortFails) {
  const Status s = on_io([this] {
    ApiServer other(io_, backend_);
    return other.listen({boost::asio::ip::make_address("127.0.0.1"), port_});
  });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().reason.find("cannot listen on 127.0.0.1:" + std::to_string(port_)),
            std::string::npos);
}

TEST(HttpClient, ConnectionRefusedIsAClearError) {
  // Bind then close to find a port nobody listens on.
  boost::asio::io_context io;
  tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = a.local_endpoint().port();
  a.close();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const auto r = http_request(url, "GET", "/health");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason.rfind("cannot connect to " + url + ": ", 0), 0u) << r.error().reason;
}

TEST(HttpClient, SilentServerTimesOut) {
  boost::asio::io_context io;
  tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});  // never accepts
  const std::string url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
  const auto r = http_request(url, "GET", "/health", {}, std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason.find("timed out"), std::string::npos) << r.error().reason;
}

TEST(HttpClient, ParsesBaseUrls) {
  auto u = parse_base_url("http://127.0.0.1:8088");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "8088");
  EXPECT_EQ(u->path, "");
  u = parse_base_url("http://[::1]:9/prefix/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9");
  EXPECT_EQ(u->path, "/prefix");
  u = parse_base_url("http://localhost");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, "80");
  for (const char* bad : {"https://x", "127.0.0.1:8088", "http://", "http://:80", "http://x:99999",
                          "http://x:8a", "http://[::1", "http://[::1]x"}) {
    EXPECT_FALSE(parse_base_url(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace pinana::api
