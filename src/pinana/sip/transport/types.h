// Vocabulary of the SIP transport layer: which transport, which address, which connection, and
// where an outgoing message should go.
//
// Plain values with no I/O; copy them and use them from any thread. An Endpoint always holds a
// numeric address (IPv4-mapped IPv6 addresses are folded to IPv4 so that one peer has one
// spelling); a Destination may still name a host that needs resolving.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>

namespace pinana::sip::transport {

enum class TransportKind : uint8_t { kUdp, kTcp, kTls };

// "UDP", "TCP", "TLS": the Via transport token.
std::string_view to_string(TransportKind kind);
// Reliable (stream) transports keep a connection and need no retransmission (RFC 3261 §17).
constexpr bool is_reliable(TransportKind kind) {
  return kind != TransportKind::kUdp;
}
// 5061 for TLS, 5060 otherwise (RFC 3261 §19.1.2).
constexpr uint16_t default_port(TransportKind kind) {
  return kind == TransportKind::kTls ? 5061 : 5060;
}

struct Endpoint {
  boost::asio::ip::address address;
  uint16_t port = 0;

  // Folds an IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 peer) to IPv4.
  static Endpoint normalized(const boost::asio::ip::address& address, uint16_t port);

  // "127.0.0.1:5060", "[::1]:5060".
  std::string to_string() const;
  // The address as it goes into a Via received parameter: IPv6 without brackets (RFC 3261 §25.1).
  // IPv4 is written here digit by digit (inet_ntop formats through sprintf, for every datagram).
  std::string address_text() const;

  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.address == b.address && a.port == b.port;
  }
};

// Identifies one stream connection of one TcpTransport for its lifetime; never reused.
struct ConnectionId {
  uint64_t value = 0;
  friend auto operator<=>(const ConnectionId&, const ConnectionId&) = default;
};

// Where to send a message. For a reliable transport, `connection` names the connection to use while
// it is open; when it has closed (or is absent), the transport connects to host:port, reusing an
// open connection to that address if it has one.
struct Destination {
  TransportKind transport = TransportKind::kUdp;
  std::string host;  // numeric address (IPv6 without brackets) or a DNS name
  uint16_t port = 0;
  std::optional<ConnectionId> connection;

  std::string to_string() const;
  friend bool operator==(const Destination&, const Destination&) = default;
};

}  // namespace pinana::sip::transport

template <>
struct std::hash<pinana::sip::transport::ConnectionId> {
  size_t operator()(const pinana::sip::transport::ConnectionId& id) const noexcept {
    return std::hash<uint64_t>()(id.value);
  }
};
