// ApiServer: the node's HTTP/JSON API and its WebSocket event stream (DESIGN.md §6), on
// Boost.Beast, on one io_context. Routes and their JSON are listed in router.h and json_codec.h.
//
// Everything, including every call below, runs on the thread that runs `io`; other threads
// post(). Borrows the io_context, the backend and the log (may be null: silent), which must
// outlive it. Destroying it (or close()) stops the listener and drops every connection; handlers
// that complete afterwards do not touch the server or the backend.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pinana/api/http_session.h"
#include "pinana/api/node_backend.h"
#include "pinana/api/router.h"
#include "pinana/api/websocket_session.h"
#include "pinana/base/log.h"
#include "pinana/base/result.h"

namespace pinana::api {

struct ApiServerOptions {
  size_t max_http_connections = 256;  // more are accepted and closed at once
  size_t max_event_clients = 256;     // more upgrades get 503
  WebSocketLimits event_queue;        // per event client
};

class ApiServer final : private SessionHost {
 public:
  ApiServer(boost::asio::io_context& io, NodeBackend& backend, Logger* log = nullptr,
            ApiServerOptions options = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and starts accepting (port 0: any free port). Error{0, "cannot listen on ...: ..."}.
  Status listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // The bound endpoint (port 0 resolved); default-constructed before listen().
  boost::asio::ip::tcp::endpoint local() const { return bound_; }

  // Sends `json` as one text frame to every connected client of /api/v1/events. A client whose
  // queue overflows is closed; the others are not held back.
  void publish_event(std::string json);
  // Event clients currently connected (handshake done or in progress).
  size_t event_clients();

  // Stops listening and drops every connection. Idempotent.
  void close();

 private:
  // SessionHost.
  ApiResponse route(const ApiRequest& request) override { return router_.handle(request); }
  bool can_upgrade() const override;
  void upgrade(boost::beast::tcp_stream stream, HttpRequest request) override;

  void accept();
  void prune();

  boost::asio::io_context& io_;
  Router router_;
  Logger* log_;
  ApiServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  boost::asio::ip::tcp::endpoint bound_;
  std::vector<std::weak_ptr<HttpSession>> http_sessions_;
  std::vector<std::weak_ptr<WebSocketSession>> event_sessions_;
  bool closed_ = false;
  // Accept handlers hold a weak reference and do nothing once the server is gone.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace pinana::api
