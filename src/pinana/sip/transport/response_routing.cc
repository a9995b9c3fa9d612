#include "pinana/sip/transport/response_routing.h"

#include "pinana/sip/charset.h"

namespace pinana::sip::transport {
namespace {

std::string_view strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

TransportKind kind_of(std::string_view via_transport) {
  if (chars::iequals(via_transport, "UDP")) return TransportKind::kUdp;
  if (chars::iequals(via_transport, "TLS") || chars::iequals(via_transport, "WSS")) {
    return TransportKind::kTls;
  }
  return TransportKind::kTcp;  // TCP, SCTP, WS and unknown stream transports
}

// Reads a port parameter value (rport=NNNN); nullopt when absent, empty or out of range.
std::optional<uint16_t> port_param(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  uint32_t n = 0;
  for (char c : text) {
    if (!chars::is_digit(c)) return std::nullopt;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n == 0 || n > 65535) return std::nullopt;
  return static_cast<uint16_t>(n);
}

}  // namespace

Result<Destination> route_response(const Message& response,
                                   std::optional<ConnectionId> arrived_on) {
  const HeaderField* field = response.find(HeaderId::kVia);
  if (field == nullptr) return Error{0, "response has no Via"};
  std::string_view first;
  for_each_element(field->value, [&first](std::string_view e) { return first = e, false; });
  auto parsed = parse_via(first);
  if (!parsed) return Error{0, parsed.error().reason};
  const Via& via = parsed.value();

  Destination d;
  d.transport = kind_of(via.transport);
  const uint16_t sent_by_port = via.has_port ? via.port : default_port(d.transport);
  const std::string_view received = strip_brackets(via.received());

  if (is_reliable(d.transport)) {
    d.connection = arrived_on;
    d.host = std::string(received.empty() ? strip_brackets(via.host) : received);
    d.port = sent_by_port;
    return d;
  }
  if (std::string_view maddr = strip_brackets(via.maddr()); !maddr.empty()) {
    d.host = std::string(maddr);
    d.port = sent_by_port;
  } else if (!received.empty()) {
    d.host = std::string(received);
    d.port = port_param(via.params.get("rport")).value_or(sent_by_port);
  } else {
    d.host = std::string(strip_brackets(via.host));
    d.port = sent_by_port;
  }
  return d;
}

}  // namespace pinana::sip::transport
