#include "pinana/api/websocket_session.h"

#include <chrono>

namespace pinana::api {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using boost::system::error_code;

// Clients only send control frames and, at most, small text; anything bigger is refused.
constexpr size_t kReadMessageMax = 4096;

}  // namespace

WebSocketSession::WebSocketSession(beast::tcp_stream stream, WebSocketLimits limits)
    : ws_(std::move(stream)), limits_(limits) {}

void WebSocketSession::start(HttpRequest request) {
  // The websocket stream has its own timeouts; the HTTP idle deadline must not fire under it.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(30);
  // A subscriber only reads; our pings make it answer, so a silent but live client stays open
  // and a vanished one is closed within the idle timeout.
  timeout.idle_timeout = std::chrono::seconds(60);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "pinana"); }));
  ws_.read_message_max(kReadMessageMax);
  ws_.text(true);
  ws_.async_accept(request, [self = shared_from_this()](const error_code& ec) {
    if (self->closed_) return;
    if (ec) {
      self->close();
      return;
    }
    self->open_ = true;
    self->read();
    self->write_next();
  });
}

bool WebSocketSession::send(std::shared_ptr<const std::string> frame) {
  if (closed_) return false;
  if (queue_.size() >= limits_.max_frames || queued_bytes_ + frame->size() > limits_.max_bytes) {
    close();
    return false;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  write_next();
  return true;
}

void WebSocketSession::close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  beast::get_lowest_layer(ws_).close();
}

void WebSocketSession::read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](const error_code& ec, size_t) {
    if (self->closed_) return;
    if (ec) {  // closed by the peer (after Beast answered its close frame), timeout, or error
      self->close();
      return;
    }
    self->read_buffer_.consume(self->read_buffer_.size());
    self->read();
  });
}

void WebSocketSession::write_next() {
  if (!open_ || writing_ || closed_ || queue_.empty()) return;
  writing_ = true;
  // The frame stays in the queue (and counted) until written; the handler holds it too, so
  // close() may clear the queue while the write is in flight.
  auto frame = queue_.front();
  ws_.async_write(boost::asio::buffer(*frame),
                  [self = shared_from_this(), frame](const error_code& ec, size_t) {
                    self->writing_ = false;
                    if (self->closed_) return;
                    if (ec) {
                      self->close();
                      return;
                    }
                    self->queued_bytes_ -= frame->size();
                    self->queue_.pop_front();
                    self->write_next();
                  });
}

}  // namespace pinana::api
