// parse_via: one via-parm (RFC 3261 §20.42, §25.1).
#include "pinana/sip/header_values.h"

namespace pinana::sip {
namespace {

Error via_error(std::string_view what) { return Error{400, "bad Via: " + std::string(what)}; }

}  // namespace

Result<Via> parse_via(std::string_view element) {
  Via v;
  Cursor c(element);
  c.skip_lws();
  v.protocol = c.token();
  if (v.protocol.empty() || !c.consume_sep('/')) return via_error("missing protocol");
  v.version = c.token();
  if (v.version.empty() || !c.consume_sep('/')) return via_error("missing protocol version");
  v.transport = c.token();
  if (v.transport.empty()) return via_error("missing transport");
  if (!c.skip_lws()) return via_error("no space before sent-by");
  // sent-by = host [ COLON port ]
  const size_t host_start = c.pos();
  if (c.peek() == '[') {
    while (!c.done() && c.peek() != ']') c.advance();
    if (!c.consume(']')) return via_error("unterminated IPv6 reference");
  } else {
    while (!c.done() && (chars::is_alpha(c.peek()) || chars::is_digit(c.peek()) ||
                         c.peek() == '.' || c.peek() == '-'))
      c.advance();
  }
  v.host = c.slice(host_start);
  v.host_type = classify_host(v.host);
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
  if (!scan_header_params(c, v.params)) return via_error("bad parameter");
  c.skip_lws();
  if (!c.done()) return via_error("unexpected text after parameters");
  // Parameters whose values the transport and transaction layers rely on.
  if (auto b = v.params.find("branch"); b && (!b->has_value || !chars::is_token(b->value)))
    return via_error("bad branch");
  if (auto r = v.params.find("received"); r && r->has_value) {
    auto val = r->value;
    bool ok = classify_host(val) == HostType::kIPv4 || classify_host(val) == HostType::kIPv6;
    if (!ok && val.find(':') != std::string_view::npos) {
      for (char ch : val) ok = (chars::is_hex(ch) || ch == ':' || ch == '.');
    }
    if (!ok) return via_error("received is not an IP address");
  }
  if (auto r = v.params.find("rport"); r && r->has_value) {
    auto d = r->value;
    if (d.empty() || d.size() > 5) return via_error("bad rport");
    for (char ch : d)
      if (!chars::is_digit(ch)) return via_error("bad rport");
  }
  return v;
}

}  // namespace pinana::sip
