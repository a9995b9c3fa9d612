// Flow and RequestContext: where a request came from, as the presence core needs to know it.
//
// The core does no I/O, so it does not see sockets; the hub wiring fills a RequestContext from
// the transport that received the request (after Digest authentication) and maps a Flow back to a
// transport destination when it sends a NOTIFY. Plain values; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pinana::presence {

enum class Transport : uint8_t { kUdp, kTcp, kTls };

// "UDP", "TCP", "TLS": the Via transport token.
constexpr std::string_view to_string(Transport t) {
  switch (t) {
    case Transport::kUdp:
      return "UDP";
    case Transport::kTcp:
      return "TCP";
    case Transport::kTls:
      return "TLS";
  }
  return "UDP";
}

// One transport flow: the peer's address and port and, on TCP/TLS, the connection the request
// arrived on (the owner's connection id; used while it is open, else the owner reconnects).
struct Flow {
  Transport transport = Transport::kUdp;
  std::string address;  // numeric, IPv6 without brackets
  uint16_t port = 0;
  std::optional<uint64_t> connection;
  friend bool operator==(const Flow&, const Flow&) = default;
};

struct RequestContext {
  Flow source;
  std::string authenticated_user;  // "" when the request was not authenticated
};

}  // namespace pinana::presence
