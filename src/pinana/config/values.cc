#include "pinana/config/values.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <charconv>

namespace pinana::config {
namespace {

Error bad(std::string reason) {
  return Error{0, std::move(reason)};
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

bool is_ipv4(std::string_view s) {
  in_addr a{};
  return inet_pton(AF_INET, std::string(s).c_str(), &a) == 1;
}

bool is_ipv6(std::string_view s) {
  in6_addr a{};
  return inet_pton(AF_INET6, std::string(s).c_str(), &a) == 1;
}

// RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens.
bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);  // a fully qualified name may end in a dot
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    start = dot + 1;
  }
  return true;
}

Result<uint16_t> parse_port(std::string_view port, unsigned min) {
  unsigned p = 0;
  auto r = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || r.ec != std::errc() || r.ptr != port.data() + port.size() || p < min ||
      p > 65535) {
    return bad("bad port " + quoted(port) + " (" + std::to_string(min) + "..65535)");
  }
  return static_cast<uint16_t>(p);
}

// ADDR:PORT with a numeric ADDR (IPv6 in brackets).
Result<HostPort> parse_numeric_addr_port(std::string_view text) {
  std::string_view addr, port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("IPv6 address must be [ADDR]:PORT");
    addr = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!is_ipv6(addr)) return bad("not an IPv6 address: " + quoted(addr));
  } else {
    const size_t c = text.rfind(':');
    if (c == std::string_view::npos) return bad("missing :PORT");
    addr = text.substr(0, c);
    port = text.substr(c + 1);
    if (addr.find(':') != std::string_view::npos) return bad("put IPv6 addresses in brackets");
    if (!is_ipv4(addr)) return bad("not a numeric address: " + quoted(addr));
  }
  auto p = parse_port(port, 0);
  if (!p.ok()) return p.error();
  return HostPort{std::string(addr), *p};
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Status check_eid(std::string_view text) {
  const Error wrong = bad("expected six hex pairs xx:xx:xx:xx:xx:xx");
  if (text.size() != 17) return wrong;
  bool all_zero = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i % 3 == 2) {
      if (c != ':') return wrong;
    } else {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return wrong;
      all_zero = all_zero && c == '0';
    }
  }
  if (all_zero) return bad("must not be all zero");
  return {};
}

Result<HostPort> parse_hub_uri(std::string_view text) {
  if (!text.starts_with("sip:")) return bad("expected sip:HOST[:PORT]");
  std::string_view rest = text.substr(4);
  if (rest.find_first_of("@;?") != std::string_view::npos)
    return bad("expected sip:HOST[:PORT] (no user part, parameters or headers)");
  std::string_view host, port;
  bool has_port = false;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("missing \"]\" after the IPv6 address");
    host = rest.substr(1, close - 1);
    if (!is_ipv6(host)) return bad("not an IPv6 address: " + quoted(host));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("expected :PORT after \"]\"");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const size_t c = rest.find(':');
    host = rest.substr(0, c);
    if (c != std::string_view::npos) {
      port = rest.substr(c + 1);
      has_port = true;
      if (port.find(':') != std::string_view::npos) return bad("put IPv6 addresses in brackets");
    }
    if (host.empty()) return bad("missing host");
    if (!is_ipv4(host) && !is_dns_name(host)) return bad("bad host " + quoted(host));
  }
  uint16_t p = 5060;
  if (has_port) {
    auto parsed = parse_port(port, 1);
    if (!parsed.ok()) return parsed.error();
    p = *parsed;
  }
  return HostPort{std::string(host), p};
}

Result<HostPort> parse_listen(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return bad("expected udp:ADDR:PORT");
  std::string_view transport = text.substr(0, colon);
  if (transport != "udp") return bad("unknown transport " + quoted(transport) + " (only udp)");
  return parse_numeric_addr_port(text.substr(colon + 1));
}

Result<HostPort> parse_api(std::string_view text) {
  return parse_numeric_addr_port(text);
}

Status check_api(std::string_view text) {
  if (text == "off") return {};
  auto r = parse_api(text);
  if (!r.ok()) return Error{0, r.error().reason + " (ADDR:PORT or \"off\")"};
  return {};
}

Status check_domain(std::string_view text) {
  if (text.empty()) return bad("must not be empty");
  if (!is_ipv4(text) && !is_dns_name(text)) return bad("not a domain name or IPv4 address");
  return {};
}

Status check_profile(std::string_view text) {
  if (text == "native" || text == "standard") return {};
  return bad("unknown profile " + quoted(text) + " (\"native\" or \"standard\")");
}

Status check_expires(int64_t seconds) {
  if (seconds < kMinExpires || seconds > kMaxExpires) {
    return bad("must be between " + std::to_string(kMinExpires) + " and " +
               std::to_string(kMaxExpires) + " (got " + std::to_string(seconds) + ")");
  }
  return {};
}

Status check_log_level(std::string_view text) {
  if (text == "error" || text == "warn" || text == "info" || text == "debug") return {};
  return bad("unknown level " + quoted(text) + " (error, warn, info or debug)");
}

Status check_exten(std::string_view text) {
  if (text.empty()) return bad("must not be empty");
  if (text.front() == '_') return bad("is a pattern; a hint needs a literal extension");
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) || std::iscntrl(u) ||
        std::string_view("@:;?,<>\"/\\").find(c) != std::string_view::npos) {
      return bad("contains " +
                 (std::isspace(u) || std::iscntrl(u) ? std::string("whitespace")
                                                     : quoted(std::string(1, c))) +
                 ", which cannot be part of a presentity name");
    }
  }
  return {};
}

Status check_hint_value(std::string_view text) {
  // Asterisk keeps "(Display Name)" (first "(" to last ")") apart from the device list.
  std::string stripped(text);
  const size_t open = stripped.find('(');
  const size_t close = stripped.rfind(')');
  if (open != std::string::npos && close != std::string::npos && close > open)
    stripped.erase(open, close - open + 1);
  std::string_view s = stripped;
  const size_t comma = s.find(',');
  std::string_view devices = s.substr(0, comma);
  std::string_view presence = comma == std::string_view::npos ? "" : s.substr(comma + 1);
  bool any_device = false;
  size_t start = 0;
  while (start <= devices.size()) {
    size_t amp = devices.find('&', start);
    if (amp == std::string_view::npos) amp = devices.size();
    any_device = any_device || !trim(devices.substr(start, amp - start)).empty();
    start = amp + 1;
  }
  if (!any_device && trim(presence).empty()) return bad("has no device and no presence provider");
  return {};
}

Status check_device_name(std::string_view text) {
  if (text.empty()) return bad("must not be empty");
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isspace(u) || std::iscntrl(u) || c == '&' || c == ',')
      return bad("must not contain whitespace, \"&\" or \",\"");
  }
  return {};
}

namespace {

bool has_control(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

Status check_watch_device(std::string_view text) {
  if (text.empty()) return bad("must not be empty");
  if (text.size() > 256) return bad("longer than 256 bytes");
  if (has_control(text)) return bad("must not contain control characters");
  return {};
}

Status check_mailbox(std::string_view text) {
  const size_t at = text.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == text.size())
    return bad("expected MAILBOX@CONTEXT");
  if (text.size() > 256) return bad("longer than 256 bytes");
  if (has_control(text)) return bad("must not contain control characters");
  return {};
}

Result<std::string> canonical_device_state(std::string_view text) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "UNKNOWN",     "NOT_INUSE", "INUSE",     "BUSY",   "INVALID",
      "UNAVAILABLE", "RINGING",   "RINGINUSE", "ONHOLD",
  };
  for (std::string_view name : kNames)
    if (iequals(name, text)) return std::string(name);
  return bad("unknown device state " + quoted(text) +
             " (UNKNOWN, NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE or "
             "ONHOLD)");
}

}  // namespace pinana::config
