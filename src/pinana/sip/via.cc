// parse_via: one via-parm (RFC 3261 §20.42, §25.1).
#include "pinana/sip/header_values.h"

namespace pinana::sip {
namespace {

Error via_error(std::string_view what) {
  return Error{400, "bad Via: " + std::string(what)};
}

}  // namespace

Result<Via> parse_via(std::string_view element) {
  Via v;
  Cursor c(element);
  if (auto s = parse_via_at(c, v); !s) return s.error();
  if (!c.done()) return via_error("unexpected text after parameters");
  return v;
}

Status parse_via_at(Cursor& c, Via& v) {
  v = Via();
  c.skip_lws();
  if (c.rest().substr(0, 8) == "SIP/2.0/") {  // as nearly every Via is written
    v.protocol = c.text().substr(c.pos(), 3);
    v.version = c.text().substr(c.pos() + 4, 3);
    c.advance(8);
    c.skip_lws();  // consume_sep('/') allows LWS after the slash
  } else {
    v.protocol = c.token();
    if (v.protocol.empty() || !c.consume_sep('/')) return via_error("missing protocol");
    v.version = c.token();
    if (v.version.empty() || !c.consume_sep('/')) return via_error("missing protocol version");
  }
  v.transport = c.token();
  if (v.transport.empty()) return via_error("missing transport");
  if (!c.skip_lws()) return via_error("no space before sent-by");
  // sent-by = host [ COLON port ]
  const size_t host_start = c.pos();
  if (c.peek() == '[') {
    while (!c.done() && c.peek() != ']') c.advance();
    if (!c.consume(']')) return via_error("unterminated IPv6 reference");
    v.host = c.slice(host_start);
    v.host_type = classify_host(v.host);
  } else {
    size_t end = host_start;
    v.host_type = scan_host(c.text(), end);
    c.set_pos(end);
    v.host = c.slice(host_start);
  }
  if (v.host_type == HostType::kNone) return via_error("bad sent-by host");
  if (c.consume_sep(':')) {
    auto digits = c.take_digits();
    uint32_t port = 0;
    if (digits.empty() || digits.size() > 5) return via_error("bad port");
    for (char d : digits) port = port * 10 + static_cast<uint32_t>(d - '0');
    if (port > 65535) return via_error("bad port");
    v.port = static_cast<uint16_t>(port);
    v.has_port = true;
  }
  bool bad_branch = false, bad_received = false, bad_rport = false;
  auto pick = [&](const ScannedParam& p) {
    switch (p.name.size()) {
      case 6:
        if (chars::iequals_token(p.name, "branch")) {
          bad_branch = !p.has_value || !p.token_value;
          v.branch_param = p.value;
        }
        break;
      case 8:
        if (chars::iequals_token(p.name, "received")) {
          // via-received = IPv4address / IPv6address; brackets tolerated (RFC 5118 §4.5).
          const auto t = classify_host(p.value);
          bad_received = p.has_value && t != HostType::kIPv4 && t != HostType::kIPv6 &&
                         !is_ipv6_address(p.value);
          v.received_param = p.value;
        }
        break;
      case 5:
        if (chars::iequals_token(p.name, "maddr")) v.maddr_param = p.value;
        if (chars::iequals_token(p.name, "rport")) {
          v.rport_param = true;
          bad_rport = p.has_value &&
                      (p.value.empty() || p.value.size() > 5 || !chars::is_digit_string(p.value));
        }
        break;
      default:
        break;
    }
  };
  if (!scan_header_params(c, v.params, pick)) return via_error("bad parameter");
  c.skip_lws();
  if (!c.done() && c.peek() != ',') return via_error("unexpected text after parameters");
  if (bad_branch) return via_error("bad branch");
  if (bad_received) return via_error("received is not an IP address");
  if (bad_rport) return via_error("bad rport");
  return Status::Ok();
}

}  // namespace pinana::sip
