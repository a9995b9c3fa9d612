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

std::string Endpoint::address_text() const {
  if (!address.is_v4()) return address.to_string();
  const auto bytes = address.to_v4().to_bytes();
  std::string text;
  text.reserve(15);  // within the short-string buffer
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) text.push_back('.');
    const unsigned v = bytes[i];
    if (v >= 100) text.push_back(static_cast<char>('0' + v / 100));
    if (v >= 10) text.push_back(static_cast<char>('0' + v / 10 % 10));
    text.push_back(static_cast<char>('0' + v % 10));
  }
  return text;
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
