#include "pinana/sip/uri.h"

#include <array>
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

// scan_host as a table-driven automaton: one load per byte. The hostname states say whether the
// current label began with a letter or a digit and whether its last byte was alphanumeric, "-" or
// "."; valid_hostname's rules (no empty label, no label that starts or ends with "-", a top label
// that starts with a letter, one trailing "." allowed) become missing transitions. While the run is
// digits and dots only, the IPv4 states also count octets and their digits, so that valid_ipv4's
// rules (four octets of one to three digits, each at most 255) need no second pass.
namespace host_dfa {
enum : uint8_t {
  kStart,       // nothing yet (also: octet 0 of an IPv4 address, no digit yet)
  kAlphaAlnum,  // in a label that began with a letter; last byte alphanumeric
  kAlphaDash,   // ... last byte "-"
  kDigitAlnum,  // in a label that began with a digit (and not an IPv4 address); last alphanumeric
  kDigitDash,
  kAlphaDot,     // after "." closing a label that began with a letter
  kDigitDot,     // after "." closing a label that began with a digit (not an IPv4 address)
  kAlphaDotDot,  // a second "." after kAlphaDot: valid_hostname strips one trailing "." and then
                 // accepts a name ending in "." again, so "example.com.." is a hostname; only the
                 // end of the run may follow
  kIpv4,         // IPv4 states: kIpv4 + octet * kOctetStates + digit state; then the dots
};
// Digit states of an IPv4 octet: what the digits so far allow next.
enum : uint8_t {
  kSmall1,  // one digit, 0 or 1: two more digits of any value fit under 256
  kTwo1,    // "2": a second digit 0-4 allows any third, 5 a third of 0-5
  kBig1,    // 3-9: one more digit at most
  kAny2,    // two digits, any third digit fits
  kLe5_2,   // "25": a third digit of 0-5 fits
  kNone2,   // two digits, no third fits
  kThree,   // three digits
  kOctetStates,
};
constexpr uint8_t kIpv4Dots = kIpv4 + 4 * kOctetStates;  // + k - 1: after the k-th dot (k = 1..3)
constexpr uint8_t kStates = kIpv4Dots + 3;
constexpr uint8_t kError = kStates;    // the run cannot be a host
constexpr uint8_t kEnd = kStates + 1;  // not a hostname character: the run ends before it

constexpr uint8_t octet_state(int octet, uint8_t digit_state) {
  return static_cast<uint8_t>(kIpv4 + octet * kOctetStates + digit_state);
}

// The next digit state of an IPv4 octet, or kOctetStates when the digit does not fit.
constexpr uint8_t next_digit(int st, int d) {
  switch (st) {
    case -1:  // no digit yet
      return d <= 1 ? kSmall1 : d == 2 ? kTwo1 : kBig1;
    case kSmall1:
      return kAny2;
    case kTwo1:
      return d <= 4 ? kAny2 : d == 5 ? kLe5_2 : kNone2;
    case kBig1:
      return kNone2;
    case kAny2:
      return kThree;
    case kLe5_2:
      return d <= 5 ? kThree : kOctetStates;
    default:
      return kOctetStates;
  }
}

constexpr std::array<std::array<uint8_t, 256>, kStates> make() {
  std::array<std::array<uint8_t, 256>, kStates> t{};
  for (auto& row : t) row.fill(kEnd);
  for (uint8_t s = 0; s < kStates; ++s) {
    const bool ipv4_octet = s >= kIpv4 && s < kIpv4Dots;
    const bool ipv4_dot = s >= kIpv4Dots;
    const bool alpha_label = s == kAlphaAlnum || s == kAlphaDash;
    const bool digit_label = s == kDigitAlnum || s == kDigitDash || ipv4_octet;
    const bool in_label = alpha_label || digit_label;
    const bool label_ends_alnum = s == kAlphaAlnum || s == kDigitAlnum || ipv4_octet;
    const int octet = ipv4_octet ? (s - kIpv4) / kOctetStates : ipv4_dot ? s - kIpv4Dots + 1 : 0;
    const int digit_state = ipv4_octet ? (s - kIpv4) % kOctetStates : -1;
    for (int c = 0; c < 256; ++c) {
      uint8_t& next = t[s][c];
      if (s == kAlphaDotDot) {
        if (chars::is_alpha(static_cast<char>(c)) || chars::is_digit(static_cast<char>(c)) ||
            c == '-' || c == '.')
          next = kError;
        continue;
      }
      if (chars::is_alpha(static_cast<char>(c))) {
        next = digit_label ? kDigitAlnum : kAlphaAlnum;
      } else if (chars::is_digit(static_cast<char>(c))) {
        if (s == kStart || ipv4_dot || ipv4_octet) {
          const uint8_t ds = next_digit(digit_state, c - '0');
          next = ds == kOctetStates ? uint8_t{kDigitAlnum} : octet_state(octet, ds);
        } else {
          next = alpha_label ? kAlphaAlnum : kDigitAlnum;
        }
      } else if (c == '-') {
        next = !in_label ? kError : alpha_label ? uint8_t{kAlphaDash} : uint8_t{kDigitDash};
      } else if (c == '.') {
        if (s == kAlphaDot) {
          next = kAlphaDotDot;
        } else if (!label_ends_alnum) {
          next = kError;
        } else if (s == kAlphaAlnum) {
          next = kAlphaDot;
        } else if (ipv4_octet && octet < 3) {
          next = static_cast<uint8_t>(kIpv4Dots + octet);
        } else {
          next = kDigitDot;
        }
      }
    }
  }
  return t;
}

// The automaton as scanned: bytes fall into nine classes that every state treats alike (other,
// letter, the digit groups the 255 limit tells apart, ".", "-"), and states are stored
// premultiplied by the row width, so a step is two small loads and an add. Built from, and checked
// against, the full table above.
constexpr size_t kRow = 16;
constexpr std::array<char, 9> kRepresentative = {'\0', 'a', '0', '2', '3', '5', '6', '.', '-'};

constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> cls{};
  for (int c = 0; c < 256; ++c) {
    if (chars::is_alpha(static_cast<char>(c)))
      cls[c] = 1;
    else if (c == '0' || c == '1')
      cls[c] = 2;
    else if (c == '2')
      cls[c] = 3;
    else if (c == '3' || c == '4')
      cls[c] = 4;
    else if (c == '5')
      cls[c] = 5;
    else if (c >= '6' && c <= '9')
      cls[c] = 6;
    else if (c == '.')
      cls[c] = 7;
    else if (c == '-')
      cls[c] = 8;
  }
  return cls;
}
inline constexpr auto kClass = make_classes();

constexpr std::array<uint16_t, kStates * kRow> make_steps() {
  const auto full = make();
  std::array<uint16_t, kStates * kRow> t{};
  for (uint8_t s = 0; s < kStates; ++s) {
    for (size_t k = 0; k < kRow; ++k) {
      const uint8_t next = k < kRepresentative.size()
                               ? full[s][static_cast<unsigned char>(kRepresentative[k])]
                               : kEnd;
      t[s * kRow + k] = static_cast<uint16_t>(next * kRow);
    }
    for (int c = 0; c < 256; ++c)  // a class that is not uniform would fail the build here
      if (t[s * kRow + kClass[c]] != full[s][c] * kRow) throw "host_dfa: byte classes disagree";
  }
  return t;
}
inline constexpr auto kSteps = make_steps();
}  // namespace host_dfa

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

// The common shape of a SIP URI in one pass: [user "@"] hostname-or-IPv4 [":" port] [uri-params],
// with no escapes, password, IPv6 reference or URI headers. Returns false when the text is not of
// that shape or not valid; the caller then runs the general parser, which gives the verdict and
// the reason. On true the fields are exactly what the general parser would have set.
bool parse_sip_fast(Uri& u, std::string_view rest) {
  const char* d = rest.data();
  const size_t n = rest.size();
  size_t i = 0;
  HostType t = scan_host(rest, i);
  size_t host_start = 0;
  if (i < n && d[i] != ':' && d[i] != ';') {
    // Not the end of a host: a user part ending at "@" (user characters only) or another shape.
    while (i < n && chars::is(d[i], chars::kUnreserved | chars::kUserUnres)) ++i;
    if (i == 0 || i >= n || d[i] != '@') return false;
    u.user = rest.substr(0, i);
    u.has_user = true;
    host_start = ++i;
    t = scan_host(rest, i);
  }
  if (t == HostType::kNone) return false;
  u.host = rest.substr(host_start, i - host_start);
  u.host_type = t;
  if (i < n && d[i] == ':') {
    size_t p = i + 1;
    unsigned v = 0;
    while (p < n && chars::is_digit(d[p]) && p - i <= 5)
      v = v * 10 + static_cast<unsigned>(d[p++] - '0');
    if (p == i + 1 || p - i > 6 || v > 65535 || (p < n && d[p] != ';')) return false;
    u.port = static_cast<uint16_t>(v);
    u.has_port = true;
    i = p;
  }
  if (i == n) return true;
  if (d[i] != ';') return false;
  Cursor c(rest.substr(i));
  return scan_uri_params(c, u.params) && c.done();
}

Status parse_sip(Uri& u, std::string_view rest) {
  if (parse_sip_fast(u, rest)) return Status::Ok();
  u.user = u.password = u.host = u.headers = {};
  u.has_user = u.has_port = false;
  u.port = 0;
  u.host_type = HostType::kNone;
  u.params = Params();
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

HostType scan_host(std::string_view text, size_t& pos) {
  using host_dfa::kRow;
  const char* d = text.data();
  const size_t n = text.size();
  unsigned s = host_dfa::kStart * kRow;
  size_t i = pos;
  // Four bytes per round while four remain; a state >= kStates ends the run.
  auto step = [&s, d](size_t k) -> unsigned {
    const unsigned next = host_dfa::kSteps[s + host_dfa::kClass[static_cast<unsigned char>(d[k])]];
    if (next >= host_dfa::kStates * kRow) return next;
    s = next;
    return 0;
  };
  unsigned stop = 0;
  for (; i + 4 <= n; i += 4) {
    if ((stop = step(i)) != 0) break;
    if ((stop = step(i + 1)) != 0) {
      i += 1;
      break;
    }
    if ((stop = step(i + 2)) != 0) {
      i += 2;
      break;
    }
    if ((stop = step(i + 3)) != 0) {
      i += 3;
      break;
    }
  }
  if (stop == 0)
    for (; i < n; ++i)
      if ((stop = step(i)) != 0) break;
  pos = i;
  if (stop == host_dfa::kError * kRow) return HostType::kNone;
  s /= kRow;
  if (s == host_dfa::kAlphaAlnum || s == host_dfa::kAlphaDot || s == host_dfa::kAlphaDotDot)
    return HostType::kHostname;
  if (s >= host_dfa::octet_state(3, 0) && s < host_dfa::kIpv4Dots) return HostType::kIPv4;
  return HostType::kNone;
}

HostType classify_host(std::string_view host) {
  if (host.empty()) return HostType::kNone;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return HostType::kNone;
    return valid_ipv6(host.substr(1, host.size() - 2)) ? HostType::kIPv6 : HostType::kNone;
  }
  size_t pos = 0;
  const HostType t = scan_host(host, pos);
  return pos == host.size() ? t : HostType::kNone;
}

Status parse_uri_into(std::string_view text, Uri& u) {
  u = Uri();
  u.text = text;
  if (text.size() > 4 && text.substr(0, 4) == "sip:") {  // the usual scheme, as usually written
    u.scheme_text = text.substr(0, 3);
    u.scheme = UriScheme::kSip;
    return parse_sip(u, text.substr(4));
  }
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
