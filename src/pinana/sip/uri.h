// Uri: a parsed SIP, SIPS or tel URI (RFC 3261 §19.1, §25.1; RFC 3966), or any other absolute URI
// kept opaque (RFC 3261 §19.1.1 lets such URIs appear in To, From and Contact).
//
// Fields are views into the text that was parsed, which must outlive the Uri. Escapes are kept as
// written; unescape() decodes a part when an application needs the octets (%00 included, so
// "sip:%00@h" and "sip:%00%00@h" stay different users). Plain value; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pinana/base/result.h"
#include "pinana/sip/params.h"

namespace pinana::sip {

enum class UriScheme : uint8_t { kSip, kSips, kTel, kOther };
enum class HostType : uint8_t { kNone, kHostname, kIPv4, kIPv6 };

struct Uri {
  UriScheme scheme = UriScheme::kOther;
  std::string_view scheme_text;  // as written ("sip", "SIP", "isbn")
  std::string_view user;         // sip/sips: user part, escaped; tel: the subscriber number
  std::string_view password;
  bool has_user = false;  // "@" present (an empty user is still a user part)
  std::string_view host;  // IPv6 references keep their brackets
  HostType host_type = HostType::kNone;
  uint16_t port = 0;
  bool has_port = false;
  Params params;             // uri-parameters
  std::string_view headers;  // after "?", escaped, without the "?"
  std::string_view opaque;   // kOther: everything after "scheme:"
  std::string_view text;     // the whole URI as written

  bool is_sip() const { return scheme == UriScheme::kSip || scheme == UriScheme::kSips; }
  // The host without IPv6 brackets.
  std::string_view host_address() const {
    if (host_type == HostType::kIPv6 && host.size() >= 2) return host.substr(1, host.size() - 2);
    return host;
  }
};

// Parses a whole URI; every byte of `text` must belong to it.
Result<Uri> parse_uri(std::string_view text);
// The same into an existing Uri, which the hot paths reuse instead of copying results around.
Status parse_uri_into(std::string_view text, Uri& out);

// Parses a host (hostname, IPv4 address or bracketed IPv6 reference) and returns its type, or
// kNone when the text is not a valid host. Used by the URI and Via parsers.
HostType classify_host(std::string_view host);

// Scans the run of hostname characters (letters, digits, "." and "-") that starts at `pos` and
// classifies it in the same pass: kHostname or kIPv4 when the run is a valid host, else kNone.
// `pos` ends after the run (or earlier, at the first byte that makes it invalid). A bracketed IPv6
// reference is not scanned here.
HostType scan_host(std::string_view text, size_t& pos);

// True for an IPv6 address without brackets ("2001:db8::1", "::ffff:192.0.2.1").
bool is_ipv6_address(std::string_view text);

// Decodes %HH escapes. Octets that are not escapes are copied unchanged.
std::string unescape(std::string_view escaped);

}  // namespace pinana::sip
