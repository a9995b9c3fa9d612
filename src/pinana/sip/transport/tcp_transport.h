// TcpTransport: SIP over TCP (RFC 3261 §18), IPv4 and IPv6, as server and client at once.
//
// As a server it accepts on any number of listening addresses; as a client it connects on demand
// and reuses an open connection per remote address. Every connection has a StreamFramer: messages
// are cut by Content-Length, parsed, stamped with received / rport when they are requests, and
// handed to the TransportUser with the connection's id so the response can go back on the same
// connection (route_response()). A CRLFCRLF keep-alive gets a CRLF pong (RFC 5626 §3.5.1). A
// framing fault is answered when a top Via allows it (400 / 413 / 513), then the connection is
// shut down and closed; a parse error on a well-framed message gets a stateless response and the
// connection stays up. Connections that exceed a limit (idle time, time to complete one message,
// queued output, connection count) are dropped and reported as TransportError::Kind::kLimit.
//
// Threading: the transport and all its connections belong to the thread that runs `io`. Call every
// member there (or before that thread starts running `io`); other threads post to `io`. Callbacks
// to the user run on that thread. Do not destroy the transport from inside a callback; destroy it
// only when `io` is stopped or from a handler posted to `io`. The user must outlive the transport.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "pinana/sip/transport/stream_framer.h"
#include "pinana/sip/transport/transport.h"

namespace pinana::sip::transport {

struct TcpOptions {
  FramerLimits limits;
  size_t max_connections = 4096;
  size_t max_queued_bytes = 1024 * 1024;  // unsent output per connection before it is dropped
  size_t read_chunk = 16 * 1024;
  // A connection that receives nothing for this long is closed (0: never). Peers that keep a
  // flow open send keep-alives well within this (RFC 5626 suggests 95-120 s for TCP).
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(10);
  // A message that has started must be complete within this (0: no limit), so a peer that
  // trickles bytes cannot hold a connection and its buffer forever. 64*T1.
  std::chrono::milliseconds message_timeout = std::chrono::seconds(32);
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // After answering a framing fault: how long to drain the peer's input before closing, so the
  // answer is not lost to a reset.
  std::chrono::milliseconds drain_timeout = std::chrono::seconds(2);
};

class TcpTransport final : public Transport {
 public:
  TcpTransport(boost::asio::io_context& io, TransportUser& user, TcpOptions options = {});
  ~TcpTransport() override;
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // Listens on `local` (port 0 picks a free port); may be called once per address.
  Status listen(const Endpoint& local);
  // The bound address of the index-th listen() (after it succeeded).
  Endpoint listen_endpoint(size_t index = 0) const;

  TransportKind kind() const override { return TransportKind::kTcp; }
  // Sends on `to.connection` while it is open; otherwise on an open connection to to.host:to.port,
  // or a new one (a DNS name is resolved first).
  Status send(const Destination& to, std::string bytes) override;

  bool is_open(ConnectionId id) const;
  size_t connection_count() const;
  // Closes one connection now (unsent output is dropped).
  void close_connection(ConnectionId id);
  // Stops listening and closes every connection.
  void close();

 private:
  struct Connection;
  struct Listener;

  // Called first by every connection completion handler (after checking alive_): accounts for
  // the finished operation and returns false when the connection is closing.
  bool enter(Connection& c);
  void start_accept(Listener& l);
  Connection& add_connection(boost::asio::ip::tcp::socket socket, bool connected);
  void connect(const Endpoint& remote, std::string bytes);
  void start_read(Connection& c);
  void on_read(Connection& c, size_t n);
  void drain_frames(Connection& c);
  void start_discard(Connection& c);
  void on_timer(Connection& c);
  void arm_timer(Connection& c, std::chrono::steady_clock::time_point at);
  // Arms the timer for the earliest idle / message deadline unless an earlier check is pending.
  void schedule(Connection& c);
  Status enqueue(Connection& c, std::string bytes);
  void start_write(Connection& c);
  // Closes the socket now; the Connection object goes once its last pending handler has run.
  void shutdown(Connection& c, bool notify = true);
  void release(Connection& c);
  void report(TransportError::Kind kind, const Connection* c, Error error);

  boost::asio::io_context& io_;
  TransportUser& user_;
  TcpOptions options_;
  boost::asio::ip::tcp::resolver resolver_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<ConnectionId, std::unique_ptr<Connection>> connections_;
  std::map<std::pair<boost::asio::ip::address, uint16_t>, ConnectionId> by_remote_;
  uint64_t next_id_ = 1;
  bool closed_ = false;
  // Completion handlers hold a weak reference and do nothing once the transport is gone, so that
  // running the io_context after destroying the transport is harmless.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace pinana::sip::transport
