// HttpSession: one HTTP/1.1 connection of the node API — keep-alive, bounded header (8 KiB) and
// body (64 KiB), an idle timeout — that hands each request to its host (the ApiServer) and
// writes back the response. A WebSocket upgrade of /api/v1/events gives the connection to the
// host, which turns it into a WebSocketSession.
//
// Runs on the io thread. Kept alive by the shared_ptr its pending operation holds (Beast touches
// the buffer and parser when an operation completes, even an aborted one); the host keeps weak
// references and calls close() before it goes away, after which the session never calls it.
#pragma once

#include <array>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "pinana/api/router.h"

namespace pinana::api {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

class SessionHost {
 public:
  virtual ApiResponse route(const ApiRequest& request) = 0;
  // Whether one more WebSocket client is allowed.
  virtual bool can_upgrade() const = 0;
  // Takes over the connection for a WebSocket upgrade request.
  virtual void upgrade(boost::beast::tcp_stream stream, HttpRequest request) = 0;

 protected:
  ~SessionHost() = default;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, SessionHost& host);

  void start() { read_request(); }
  // Called by the host before it goes away; afterwards handlers only release the session.
  void close();

 private:
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void read_request();
  void on_read(const boost::system::error_code& ec);
  void respond(const ApiResponse& api, unsigned version, bool close_after);
  void linger();
  void drain();

  boost::beast::tcp_stream stream_;
  SessionHost* host_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  bool closed_ = false;
  std::array<char, 2048> drain_buf_{};
  size_t drained_ = 0;
};

}  // namespace pinana::api
