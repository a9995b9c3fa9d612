#include "pinana/sip/uri.h"

#include <charconv>

namespace pinana::sip {
namespace {

Error uri_error(std::string_view what, std::string_view text) {
  std::string r(what);
  r += " in URI \"";
  r.append(text.substr(0, 120));
  r += "\"";
  return Error{400, std::move(r)};
}

// Checks that every byte is in `flags` or is a valid %HH escape.
bool valid_escaped(std::string_view s, uint16_t flags) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !chars::is_hex(s[i + 1]) || !chars::is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!chars::is(c, flags)) {
      return false;
    }
  }
  return true;
}

bool valid_ipv4(std::string_view s) {
  int parts = 0;
  unsigned v = 0;
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<unsigned>(c - '0');
      if (++digits > 3 || v > 255) return false;
    } else if (c == '.') {
      if (digits == 0 || ++parts > 3) return false;
      v = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && parts == 3;
}

// IPv6address per RFC 3261 §25.1 (hexpart [":" IPv4address]). A run of three colons before an
// embedded IPv4 address is tolerated: RFC 5118 §4.10 says the 3261 ABNF allows it by mistake.
bool valid_ipv6(std::string_view s) {
  if (s.empty()) return false;
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    compressed = true;
    i = 2;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    size_t j = i;
    while (j < s.size() && chars::is_hex(s[j])) ++j;
    if (j < s.size() && s[j] == '.') {  // embedded IPv4 address ends the text
      if (!valid_ipv4(s.substr(i))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (j == i || j - i > 4) return false;
    ++groups;
    if (j == s.size()) {
      i = j;
      break;
    }
    if (s[j] != ':') return false;
    if (j + 1 < s.size() && s[j + 1] == ':') {
      if (compressed) return false;
      compressed = true;
      i = j + 2;
      if (i < s.size() && s[i] == ':') ++i;  // RFC 5118 §4.10 three-colon tolerance
      if (i == s.size()) break;
    } else {
      i = j + 1;
      if (i == s.size()) return false;
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// hostname = *( domainlabel "." ) toplabel [ "." ]; labels of alphanumerics and inner hyphens,
// the top label starting with a letter (a name of digits and dots only must be an IPv4 address).
bool valid_hostname(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  char prev = '.';
  char top_first = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.' || prev == '-') return false;
    } else if (chars::is_alpha(c) || chars::is_digit(c)) {
      if (prev == '.') top_first = c;
    } else if (c != '-' || prev == '.') {
      return false;
    }
    prev = c;
  }
  return prev != '-' && chars::is_alpha(top_first);
}

bool parse_port(std::string_view s, uint16_t& out) {
  if (s.empty() || s.size() > 5) return false;
  unsigned v = 0;
  for (char c : s) {
    if (!chars::is_digit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

bool valid_scheme(std::string_view s) {
  if (s.empty() || !chars::is_alpha(s[0])) return false;
  for (char c : s)
    if (!chars::is_alpha(c) && !chars::is_digit(c) && c != '+' && c != '-' && c != '.')
      return false;
  return true;
}

Status parse_sip(Uri& u, std::string_view rest) {
  // userinfo ends at the first "@": neither parameters nor headers may hold an unescaped one.
  const size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    const size_t colon = userinfo.find(':');
    u.user = userinfo.substr(0, colon);
    if (colon != std::string_view::npos) u.password = userinfo.substr(colon + 1);
    u.has_user = true;
    if (u.user.empty()) return uri_error("empty user part", u.text);
    if (!valid_escaped(u.user, chars::kUnreserved | chars::kUserUnres))
      return uri_error("bad character in user part", u.text);
    if (!valid_escaped(u.password, chars::kUnreserved | chars::kPasswdExtra))
      return uri_error("bad character in password", u.text);
    rest.remove_prefix(at + 1);
  }
  // hostport
  size_t host_end;
  if (!rest.empty() && rest[0] == '[') {
    host_end = rest.find(']');
    if (host_end == std::string_view::npos) return uri_error("unterminated IPv6 reference", u.text);
    ++host_end;
  } else {
    host_end = 0;
    while (host_end < rest.size() && rest[host_end] != ':' && rest[host_end] != ';' &&
           rest[host_end] != '?')
      ++host_end;
  }
  u.host = rest.substr(0, host_end);
  u.host_type = classify_host(u.host);
  if (u.host_type == HostType::kNone) return uri_error("bad host", u.text);
  rest.remove_prefix(host_end);
  if (!rest.empty() && rest[0] == ':') {
    size_t p = 1;
    while (p < rest.size() && rest[p] != ';' && rest[p] != '?') ++p;
    if (!parse_port(rest.substr(1, p - 1), u.port)) return uri_error("bad port", u.text);
    u.has_port = true;
    rest.remove_prefix(p);
  }
  Cursor c(rest);
  if (!scan_uri_params(c, u.params)) return uri_error("bad URI parameter", u.text);
  if (c.consume('?')) {
    u.headers = c.rest();
    // headers = header *( "&" header ); header = hname "=" hvalue
    std::string_view h = u.headers;
    while (true) {
      size_t amp = h.find('&');
      auto one = h.substr(0, amp);
      size_t eq = one.find('=');
      if (eq == 0 || eq == std::string_view::npos) return uri_error("bad URI header", u.text);
      if (!valid_escaped(one.substr(0, eq), chars::kUnreserved | chars::kHnvUnres) ||
          !valid_escaped(one.substr(eq + 1), chars::kUnreserved | chars::kHnvUnres))
        return uri_error("bad character in URI header", u.text);
      if (amp == std::string_view::npos) break;
      h.remove_prefix(amp + 1);
    }
    c.advance(c.rest().size());
  }
  if (!c.done()) return uri_error("unexpected character", u.text);
  return Status::Ok();
}

Status parse_tel(Uri& u, std::string_view rest) {
  size_t end = rest.find(';');
  u.user = rest.substr(0, end);
  u.has_user = true;
  if (u.user.empty()) return uri_error("empty telephone number", u.text);
  for (char c : u.user) {
    if (!chars::is_hex(c) && c != '+' && c != '*' && c != '#' && c != '-' && c != '.' && c != '(' &&
        c != ')')
      return uri_error("bad character in telephone number", u.text);
  }
  Cursor c(rest.substr(u.user.size()));
  if (!scan_uri_params(c, u.params) || !c.done()) return uri_error("bad tel parameter", u.text);
  if (u.user[0] != '+' && !u.params.has("phone-context"))
    return uri_error("local number without phone-context", u.text);
  return Status::Ok();
}

}  // namespace

bool is_ipv6_address(std::string_view text) {
  return valid_ipv6(text);
}

HostType classify_host(std::string_view host) {
  if (host.empty()) return HostType::kNone;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return HostType::kNone;
    return valid_ipv6(host.substr(1, host.size() - 2)) ? HostType::kIPv6 : HostType::kNone;
  }
  if (chars::is_digit(host.back()) && valid_ipv4(host)) return HostType::kIPv4;
  return valid_hostname(host) ? HostType::kHostname : HostType::kNone;
}

Status parse_uri_into(std::string_view text, Uri& u) {
  u = Uri();
  u.text = text;
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || !valid_scheme(text.substr(0, colon)))
    return uri_error("missing or bad scheme", text);
  u.scheme_text = text.substr(0, colon);
  auto rest = text.substr(colon + 1);
  if (chars::iequals(u.scheme_text, "sip")) {
    u.scheme = UriScheme::kSip;
    return parse_sip(u, rest);
  }
  if (chars::iequals(u.scheme_text, "sips")) {
    u.scheme = UriScheme::kSips;
    return parse_sip(u, rest);
  }
  if (chars::iequals(u.scheme_text, "tel")) {
    u.scheme = UriScheme::kTel;
    return parse_tel(u, rest);
  }
  // absoluteURI: hier-part / opaque-part, all of it uric or escaped.
  if (rest.empty()) return uri_error("empty URI", text);
  if (!valid_escaped(rest, chars::kUric)) return uri_error("bad character", text);
  u.opaque = rest;
  return Status::Ok();
}

Result<Uri> parse_uri(std::string_view text) {
  Uri u;
  if (auto s = parse_uri_into(text, u); !s) return s.error();
  return u;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && chars::is_hex(s[i + 1]) && chars::is_hex(s[i + 2])) {
      out.push_back(
          static_cast<char>(chars::hex_value(s[i + 1]) * 16 + chars::hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace pinana::sip
