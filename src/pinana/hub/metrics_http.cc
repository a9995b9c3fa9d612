// MetricsHttpServer over Boost.Beast: GET /metrics and GET /health on HTTP/1.1 with keep-alive.
//
// Everything runs on the io_context's thread. Each connection is an HttpSession kept alive by the
// shared_ptr its pending operation holds: Beast's composed reads touch their buffer and parser when
// they complete, even when aborted, so those must outlive the server. The server keeps weak
// references only, and when it is destroyed it closes every session and marks it closed, so no
// handler that runs afterwards calls back into the (gone) metrics function.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "pinana/hub/listen_spec.h"

namespace pinana::hub {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kBodyLimit = 8 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// After an error response, how long and how much we read (and discard) before closing, so the
// kernel does not answer unread bytes with a reset that could destroy the response in flight.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 64 * 1024;
// Scrapers open one or two connections; more than this is a misbehaving peer.
constexpr size_t kMaxSessions = 64;
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

using Response = http::response<http::string_body>;

Response make_response(http::status status, unsigned version, std::string_view content_type,
                       std::string body) {
  Response res{status, version};
  res.set(http::field::server, "pinana");
  res.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  res.body() = std::move(body);
  return res;
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const std::function<std::string()>& metrics)
      : stream_(std::move(socket)), metrics_(&metrics) {}

  void start() { read_request(); }

  // Called by the server's destructor; afterwards handlers only release the session.
  void close() {
    closed_ = true;
    stream_.close();
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
  }

  void on_read(const error_code& ec) {
    if (closed_) return;
    if (ec) {
      if (ec == http::error::header_limit) {
        respond(make_response(http::status::request_header_fields_too_large, 11, "text/plain",
                              "request header too large\n"),
                true);
      } else if (ec == http::error::body_limit) {
        respond(make_response(http::status::payload_too_large, 11, "text/plain",
                              "request body too large\n"),
                true);
      } else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        respond(make_response(http::status::bad_request, 11, "text/plain", "bad request\n"), true);
      } else {
        // The peer went away, timed out or the socket failed: nobody to answer.
        stream_.close();
      }
      return;
    }
    const auto& req = parser_->get();
    Response res = handle(req);
    respond(std::move(res), !req.keep_alive());
  }

  Response handle(const http::request<http::string_body>& req) const {
    std::string_view target(req.target().data(), req.target().size());
    if (const size_t q = target.find('?'); q != std::string_view::npos)
      target = target.substr(0, q);
    if (req.method() != http::verb::get) {
      Response res = make_response(http::status::method_not_allowed, req.version(), "text/plain",
                                   "method not allowed\n");
      res.set(http::field::allow, "GET");
      return res;
    }
    if (target == "/metrics") {
      // The metrics callback is the hub's code; a throw must not escape into the event loop.
      try {
        return make_response(http::status::ok, req.version(), "text/plain; version=0.0.4",
                             (*metrics_)());
      } catch (const std::exception&) {
        return make_response(http::status::internal_server_error, req.version(), "text/plain",
                             "metrics unavailable\n");
      }
    }
    if (target == "/health")
      return make_response(http::status::ok, req.version(), "text/plain", "ok\n");
    return make_response(http::status::not_found, req.version(), "text/plain", "not found\n");
  }

  void respond(Response res, bool close_after) {
    res.keep_alive(!close_after);
    res.prepare_payload();
    response_ = std::move(res);
    stream_.expires_after(kIdleTimeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), close_after](const error_code& ec, size_t) {
                        if (self->closed_) return;
                        if (ec) {
                          self->stream_.close();
                        } else if (close_after) {
                          self->linger();
                        } else {
                          self->read_request();
                        }
                      });
  }

  void linger() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTimeout);
    drain();
  }

  void drain() {
    stream_.async_read_some(boost::asio::buffer(drain_buf_),
                            [self = shared_from_this()](const error_code& ec, size_t n) {
                              if (self->closed_) return;
                              self->drained_ += n;
                              if (ec || self->drained_ > kLingerBytes) {
                                self->stream_.close();
                                return;
                              }
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit + 1024};
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  // The server's; only dereferenced while !closed_, which the server guarantees by closing us
  // before it goes away.
  const std::function<std::string()>* metrics_;
  bool closed_ = false;
  std::array<char, 2048> drain_buf_{};
  size_t drained_ = 0;
};

class BeastMetricsServer final : public MetricsHttpServer {
 public:
  BeastMetricsServer(boost::asio::io_context& io, std::function<std::string()> metrics)
      : io_(io), acceptor_(io), retry_(io), metrics_(std::move(metrics)) {}

  // Must run on the io_context's thread (or while it is not running), like every other call.
  ~BeastMetricsServer() override {
    error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
    for (auto& weak : sessions_)
      if (auto s = weak.lock()) s->close();
  }

  Status listen(const tcp::endpoint& ep, const std::string& text) {
    error_code ec;
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{0, "cannot listen on " + text + ": " + ec.message()};
    bound_ = acceptor_.local_endpoint(ec);
    if (ec) return Error{0, "cannot listen on " + text + ": " + ec.message()};
    accept();
    return {};
  }

  std::string endpoint() const override {
    const auto addr = bound_.address();
    const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
    return host + ":" + std::to_string(bound_.port());
  }

 private:
  void accept() {
    acceptor_.async_accept(
        io_, [this, alive = std::weak_ptr<int>(alive_)](const error_code& ec, tcp::socket socket) {
          if (alive.expired() || ec == boost::asio::error::operation_aborted) return;
          if (ec) {
            // Out of descriptors and the like: back off instead of spinning on the failing accept.
            retry_.expires_after(kAcceptRetry);
            retry_.async_wait([this, alive](const error_code& e) {
              if (!alive.expired() && !e) accept();
            });
            return;
          }
          std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
          if (sessions_.size() < kMaxSessions) {
            auto session = std::make_shared<HttpSession>(std::move(socket), metrics_);
            sessions_.push_back(session);
            session->start();
          }  // else: the socket closes as it goes out of scope.
          accept();
        });
  }

  boost::asio::io_context& io_;
  tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::function<std::string()> metrics_;
  tcp::endpoint bound_;
  std::vector<std::weak_ptr<HttpSession>> sessions_;
  // Accept handlers hold a weak reference and do nothing once the server is gone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace

Result<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::start(
    boost::asio::io_context& io, const std::string& address, std::function<std::string()> metrics) {
  // Same ADDR:PORT grammar as a listen spec; reuse its parser and its reasons.
  auto spec = parse_listen("tcp:" + address);
  if (!spec.ok()) return spec.error();
  error_code ec;
  const auto addr = boost::asio::ip::make_address(spec->address, ec);
  if (ec) return Error{0, "not a numeric address: \"" + spec->address + "\""};
  auto server = std::make_unique<BeastMetricsServer>(io, std::move(metrics));
  if (auto s = server->listen(tcp::endpoint(addr, spec->port), address); !s) return s.error();
  return std::unique_ptr<MetricsHttpServer>(std::move(server));
}

}  // namespace pinana::hub
