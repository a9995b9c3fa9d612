#include "pinana/hub/listen_spec.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace pinana::hub {

Result<ListenSpec> parse_listen(std::string_view text) {
  ListenSpec spec;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Error{0, "expected TRANSPORT:ADDR:PORT"};
  auto transport = text.substr(0, colon);
  if (transport == "udp") {
    spec.transport = sip::transport::TransportKind::kUdp;
  } else if (transport == "tcp") {
    spec.transport = sip::transport::TransportKind::kTcp;
  } else {
    return Error{0, "unknown transport \"" + std::string(transport) + "\" (udp or tcp)"};
  }
  auto rest = text.substr(colon + 1);
  std::string_view addr, port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return Error{0, "IPv6 address must be [ADDR]:PORT"};
    addr = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const size_t c = rest.rfind(':');
    if (c == std::string_view::npos) return Error{0, "missing :PORT"};
    addr = rest.substr(0, c);
    port = rest.substr(c + 1);
    if (addr.find(':') != std::string_view::npos) return Error{0, "put IPv6 addresses in brackets"};
  }
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(std::string(addr), ec);
  if (ec) return Error{0, "not a numeric address: \"" + std::string(addr) + "\""};
  unsigned p = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() || p > 65535)
    return Error{0, "bad port \"" + std::string(port) + "\""};
  spec.address = parsed.to_string();
  spec.port = static_cast<uint16_t>(p);
  return spec;
}

}  // namespace pinana::hub
