#include "pinana/sip/transport/types.h"

namespace pinana::sip::transport {

std::string_view to_string(TransportKind kind) {
  switch (kind) {
    case TransportKind::kUdp:
      return "UDP";
    case TransportKind::kTcp:
      return "TCP";
    case TransportKind::kTls:
      return "TLS";
  }
  return "UDP";
}

Endpoint Endpoint::normalized(const boost::asio::ip::address& address, uint16_t port) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return Endpoint{boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()),
                    port};
  }
  return Endpoint{address, port};
}

std::string Endpoint::to_string() const {
  // Built with append: gcc 12 warns falsely (-Wrestrict, bug 105329) on "lit" + std::string.
  std::string out;
  if (address.is_v6()) {
    out.append("[").append(address.to_string()).append("]");
  } else {
    out = address.to_string();
  }
  out.append(":").append(std::to_string(port));
  return out;
}

std::string Destination::to_string() const {
  std::string out(transport::to_string(transport));
  out += ' ';
  const bool v6 = host.find(':') != std::string::npos;
  if (v6) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  out.append(":").append(std::to_string(port));
  if (connection) out += " (connection " + std::to_string(connection->value) + ")";
  return out;
}

}  // namespace pinana::sip::transport
