#include "pinana/api/api_server.h"

#include <algorithm>
#include <chrono>

namespace pinana::api {
namespace {

using boost::system::error_code;
using tcp = boost::asio::ip::tcp;

constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto addr = ep.address();
  const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(ep.port());
}

}  // namespace

ApiServer::ApiServer(boost::asio::io_context& io, NodeBackend& backend, Logger* log,
                     ApiServerOptions options)
    : io_(io), router_(backend), log_(log), options_(options), acceptor_(io), retry_(io) {}

ApiServer::~ApiServer() {
  close();
}

Status ApiServer::listen(const tcp::endpoint& endpoint) {
  const std::string text = endpoint_text(endpoint);
  if (closed_) return Error{0, "cannot listen on " + text + ": the API server is closed"};
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (!ec) bound_ = acceptor_.local_endpoint(ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return Error{0, "cannot listen on " + text + ": " + ec.message()};
  }
  if (log_) log_->log(LogLevel::kInfo, "api: listening on http://" + endpoint_text(bound_));
  accept();
  return {};
}

void ApiServer::accept() {
  acceptor_.async_accept(
      io_, [this, alive = std::weak_ptr<int>(alive_)](const error_code& ec, tcp::socket socket) {
        if (alive.expired() || closed_ || ec == boost::asio::error::operation_aborted) return;
        if (ec) {
          // Out of descriptors and the like: back off instead of spinning on the failing accept.
          if (log_) log_->log(LogLevel::kWarn, "api: accept failed: " + ec.message());
          retry_.expires_after(kAcceptRetry);
          retry_.async_wait([this, alive](const error_code& e) {
            if (!alive.expired() && !e && !closed_) accept();
          });
          return;
        }
        prune();
        if (http_sessions_.size() < options_.max_http_connections) {
          auto session =
              std::make_shared<HttpSession>(std::move(socket), static_cast<SessionHost&>(*this));
          http_sessions_.push_back(session);
          session->start();
        } else if (log_) {
          log_->log(LogLevel::kWarn, "api: too many connections; dropping one");
        }  // the socket closes as it goes out of scope
        accept();
      });
}

void ApiServer::prune() {
  std::erase_if(http_sessions_, [](const auto& w) { return w.expired(); });
  std::erase_if(event_sessions_, [](const auto& w) {
    const auto s = w.lock();
    return !s || s->closed();
  });
}

bool ApiServer::can_upgrade() const {
  size_t live = 0;
  for (const auto& w : event_sessions_)
    if (const auto s = w.lock(); s && !s->closed()) ++live;
  return !closed_ && live < options_.max_event_clients;
}

void ApiServer::upgrade(boost::beast::tcp_stream stream, HttpRequest request) {
  prune();
  auto session = std::make_shared<WebSocketSession>(std::move(stream), options_.event_queue);
  event_sessions_.push_back(session);
  session->start(std::move(request));
}

void ApiServer::publish_event(std::string json) {
  if (closed_) return;
  const auto frame = std::make_shared<const std::string>(std::move(json));
  bool dropped = false;
  for (const auto& w : event_sessions_) {
    const auto s = w.lock();
    if (!s || s->closed()) continue;
    if (!s->send(frame)) dropped = true;
  }
  if (dropped) {
    if (log_) log_->log(LogLevel::kWarn, "api: closed an event client that does not keep up");
    prune();
  }
}

size_t ApiServer::event_clients() {
  prune();
  return event_sessions_.size();
}

void ApiServer::close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
  for (auto& w : http_sessions_)
    if (auto s = w.lock()) s->close();
  for (auto& w : event_sessions_)
    if (auto s = w.lock()) s->close();
  http_sessions_.clear();
  event_sessions_.clear();
}

}  // namespace pinana::api
