// Transport and TransportUser: the two sides of the boundary between the socket layer and the
// SIP layers above it (transactions, the hub).
//
// A Transport (UdpTransport, TcpTransport) owns its sockets and delivers every parsed message to
// one TransportUser, which it references but does not own; the user must outlive the transport.
// Threading: a transport and everything it owns belong to the thread that runs its io_context.
// Every member function, and every TransportUser callback, runs on that thread. Other threads
// reach a transport only by boost::asio::post()ing to that io_context.
#pragma once

#include <optional>
#include <string>

#include "pinana/base/result.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transport/types.h"

namespace pinana::sip::transport {

struct IncomingMessage {
  Message message;  // a request's top Via already carries received / rport (RFC 3581)
  TransportKind transport = TransportKind::kUdp;
  Endpoint local;
  Endpoint remote;
  // Stream transports: the connection it came on; pass it to route_response() so the response
  // goes back on the same connection (RFC 3261 §18.2.2).
  std::optional<ConnectionId> connection;
};

struct TransportError {
  enum class Kind {
    kFraming,  // a stream could not be framed; the connection is closed (after a response)
    kParse,    // a message did not parse; a request got a stateless response if possible
    kSend,     // a send failed (bad destination, refused, too large, queue overflow)
    kConnect,  // an outgoing connection could not be made
    kLimit,    // a connection was dropped for exceeding a limit (idle time, connection count)
  };
  Kind kind = Kind::kParse;
  TransportKind transport = TransportKind::kUdp;
  Endpoint local;
  Endpoint remote;
  std::optional<ConnectionId> connection;
  Error error;  // status of the response sent (0: none) and the reason
};

class TransportUser {
 public:
  virtual ~TransportUser() = default;
  // A well-formed message arrived.
  virtual void on_message(IncomingMessage message) = 0;
  // Something was dropped or failed; informational (the transport already acted).
  virtual void on_transport_error(const TransportError& error) = 0;
  // A stream connection closed (by either side); its ConnectionId is dead from now on.
  virtual void on_connection_closed(ConnectionId /*id*/) {}
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual TransportKind kind() const = 0;
  // Queues `bytes` (one whole SIP message, or a keep-alive) for `to`. Immediate failures (no usable
  // address, a UDP request over the 1300-byte limit, the transport closed) return an Error and
  // send nothing; later failures are reported through TransportUser::on_transport_error.
  virtual Status send(const Destination& to, std::string bytes) = 0;
};

}  // namespace pinana::sip::transport
