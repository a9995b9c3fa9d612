#include "pinana/api/http_session.h"

#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>

namespace pinana::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = boost::asio::ip::tcp;

constexpr size_t kHeaderLimit = 8 * 1024;
constexpr size_t kBodyLimit = 64 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// After an error response, how long and how much we read (and discard) before closing, so the
// kernel does not answer unread bytes with a reset that could destroy the response in flight.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 128 * 1024;

std::string_view view(beast::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, SessionHost& host)
    : stream_(std::move(socket)), host_(&host), buffer_(kHeaderLimit + kBodyLimit + 1024) {}

void HttpSession::close() {
  if (closed_) return;
  closed_ = true;
  stream_.close();
}

void HttpSession::read_request() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(kBodyLimit);
  stream_.expires_after(kIdleTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](const error_code& ec, size_t) { self->on_read(ec); });
}

void HttpSession::on_read(const error_code& ec) {
  if (closed_) return;
  if (ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      respond(error_response(431, "request header too large"), 11, true);
    } else if (ec == http::error::body_limit) {
      respond(error_response(413, "request body over 64 KiB"), 11, true);
    } else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      respond(error_response(400, "malformed HTTP request: " + ec.message()), 11, true);
    } else {
      // The peer went away, timed out or the socket failed: nobody to answer.
      closed_ = true;
      stream_.close();
    }
    return;
  }
  const HttpRequest& req = parser_->get();
  const std::string_view target = view(req.target());
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == kEventsPath && req.method() == http::verb::get && beast::websocket::is_upgrade(req)) {
    if (!host_->can_upgrade()) {
      respond(error_response(503, "too many event subscribers"), req.version(), true);
      return;
    }
    closed_ = true;  // the connection is the host's now
    host_->upgrade(std::move(stream_), parser_->release());
    return;
  }
  const ApiRequest api{view(req.method_string()), target, view(req[http::field::content_type]),
                       req.body()};
  respond(host_->route(api), req.version(), !req.keep_alive());
}

void HttpSession::respond(const ApiResponse& api, unsigned version, bool close_after) {
  Response res{static_cast<http::status>(api.status), version};
  res.set(http::field::server, "pinana");
  res.set(http::field::content_type, api.content_type);
  res.set(http::field::cache_control, "no-store");
  if (!api.allow.empty()) res.set(http::field::allow, api.allow);
  if (api.status == 426) res.set(http::field::upgrade, "websocket");
  res.body() = api.body;
  res.keep_alive(!close_after);
  res.prepare_payload();
  response_ = std::move(res);
  stream_.expires_after(kIdleTimeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), close_after](const error_code& ec, size_t) {
                      if (self->closed_) return;
                      if (ec) {
                        self->close();
                      } else if (close_after) {
                        self->linger();
                      } else {
                        self->read_request();
                      }
                    });
}

void HttpSession::linger() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTimeout);
  drain();
}

void HttpSession::drain() {
  stream_.async_read_some(boost::asio::buffer(drain_buf_),
                          [self = shared_from_this()](const error_code& ec, size_t n) {
                            if (self->closed_) return;
                            self->drained_ += n;
                            if (ec || self->drained_ > kLingerBytes) {
                              self->close();
                              return;
                            }
                            self->drain();
                          });
}

}  // namespace pinana::api
