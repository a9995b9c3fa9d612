// Where a response goes (RFC 3261 §18.2.2 with RFC 3581 §4), and when a request is too large for
// UDP (RFC 3261 §18.1.1). Pure functions of the message; no I/O, no DNS; any thread.
#pragma once

#include <cstddef>
#include <optional>

#include "pinana/base/result.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transport/types.h"

namespace pinana::sip::transport {

// Computes the destination of `response` from its top Via (read from the Via header field text,
// so edits made with Message::set_value count):
//  - reliable transport (Via TCP, TLS, SCTP, WS...): the connection the request arrived on
//    (`arrived_on`) while it is open; otherwise received (or the sent-by host) and the sent-by
//    port (default 5060, 5061 for TLS);
//  - unreliable (Via UDP): maddr if present, with the sent-by port (default 5060); else received
//    with the rport value if there is one, else the sent-by port (default 5060); else the sent-by
//    host and port.
// TLS, SCTP and WebSocket Vias map to kTls / kTcp; the caller picks the transport by kind.
// Fails (status 0) when the response has no usable top Via.
Result<Destination> route_response(const Message& response,
                                   std::optional<ConnectionId> arrived_on = std::nullopt);

// RFC 3261 §18.1.1: a request within 200 bytes of the path MTU, or larger than 1300 bytes when
// the MTU is unknown, must go over a congestion-controlled transport (TCP).
inline constexpr size_t kMaxUdpRequestBytes = 1300;
constexpr bool must_use_congestion_controlled(size_t message_size) {
  return message_size > kMaxUdpRequestBytes;
}

}  // namespace pinana::sip::transport
