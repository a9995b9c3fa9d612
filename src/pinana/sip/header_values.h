// Typed views of the header field values pinana reads (RFC 3261 §20, RFC 3903, RFC 6665).
//
// Each parse_* function reads one header value (or one element of a comma-separated list) and
// returns a Result; none throws and none allocates on success. The returned structs are views into
// the parsed text, which must outlive them. Plain values; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "pinana/base/result.h"
#include "pinana/sip/params.h"
#include "pinana/sip/uri.h"

namespace pinana::sip {

// Calls f(element) for each element of a comma-separated header value, split at top-level commas
// (outside quoted strings and <...>), trimmed of LWS. An empty element is passed as "". Returns
// false, without calling f further, if f returns false or a quoted string is unterminated.
template <typename F>
bool for_each_element(std::string_view value, F&& f);

// via-parm: sent-protocol LWS sent-by *( SEMI via-params )
struct Via {
  std::string_view protocol;   // "SIP"
  std::string_view version;    // "2.0"
  std::string_view transport;  // "UDP", "TCP", "TLS", "SCTP" or another token, as written
  std::string_view host;       // sent-by host (IPv6 with brackets)
  HostType host_type = HostType::kNone;
  uint16_t port = 0;
  bool has_port = false;
  Params params;
  // The parameters the transport and transaction layers read, picked out while parsing.
  std::string_view branch_param, received_param, maddr_param;
  bool rport_param = false;

  std::string_view branch() const { return branch_param; }
  // True when the branch carries the RFC 3261 magic cookie and something after it (§17.2.3);
  // otherwise the RFC 2543 matching rules apply.
  bool rfc3261_branch() const {
    return branch_param.size() > 7 && branch_param.substr(0, 7) == "z9hG4bK";
  }
  std::string_view received() const { return received_param; }
  std::string_view maddr() const { return maddr_param; }
  bool has_rport() const { return rport_param; }
};
Result<Via> parse_via(std::string_view element);
// Parses one via-parm at the cursor and stops before the "," that may follow it (or at the end),
// so a Via field's list is read in one pass.
Status parse_via_at(Cursor& c, Via& out);

// name-addr or addr-spec, followed by header parameters (To, From, Contact, Route, Refer-To).
// In the addr-spec form the URI ends before the first ";" after its host, so those parameters
// are header parameters (RFC 3261 §20.10, torture test cparam01).
struct NameAddr {
  std::string_view display_name;  // as written: quoted (with quotes) or tokens; "" if none
  Uri uri;
  bool angle_brackets = false;
  Params params;

  // The first tag parameter, picked out while parsing; tag_present tells ";tag" from no tag.
  std::string_view tag_param;
  bool tag_present = false;

  std::string_view tag() const { return tag_param; }
};
Result<NameAddr> parse_name_addr(std::string_view element);
Status parse_name_addr_into(std::string_view element, NameAddr& out);

// A display name without quotes and with quoted-pairs resolved.
std::string unquote(std::string_view quoted_or_token);

// CSeq: 1*DIGIT LWS Method. The number must fit in 32 bits (RFC 3261 §8.1.1.5).
struct CSeq {
  uint32_t sequence = 0;
  std::string_view method;
};
Result<CSeq> parse_cseq(std::string_view value);

// delta-seconds / Max-Forwards / Content-Length: digits only. Values above `max` are an error
// unless `saturate` is set, in which case they become `max` (RFC 3261 §20.19: an Expires above
// 2^32-1 is read as 2^32-1).
Result<uint32_t> parse_number(std::string_view value, uint32_t max, bool saturate = false);

// Event: event-type *( SEMI event-param ); event-type = event-package *( "." event-template )
struct Event {
  std::string_view type;     // the whole event-type ("presence.winfo")
  std::string_view package;  // before the first "."
  Params params;
  std::string_view id() const { return params.get("id"); }
};
Result<Event> parse_event(std::string_view value);

// Subscription-State: substate-value *( SEMI subexp-params )
struct SubscriptionState {
  std::string_view state;   // "active", "pending", "terminated" or an extension token
  std::string_view reason;  // "" if absent
  int64_t expires = -1;     // -1 if absent
  int64_t retry_after = -1;
  Params params;
};
Result<SubscriptionState> parse_subscription_state(std::string_view value);

// media-range / media-type with parameters (Accept elements, Content-Type).
struct MediaType {
  std::string_view type;     // "application" or "*"
  std::string_view subtype;  // "pidf+xml" or "*"
  Params params;
  bool matches(std::string_view t, std::string_view s) const;
};
Result<MediaType> parse_media_type(std::string_view element);

// A single token value (Call-ID is "word [@ word]"; SIP-ETag and SIP-If-Match are tokens).
bool is_call_id(std::string_view value);

// Comma-separated list of tokens (Allow, Supported, Require, Allow-Events elements).
bool is_token_list(std::string_view value, bool allow_empty);

// Comma-separated list of event types (Allow-Events): tokens whose "."-separated parts are not
// empty.
bool is_event_type_list(std::string_view value);

// ---------------------------------------------------------------------------------------------

namespace detail {
// Bytes that matter when splitting a list: '"', ',', '<', '>'.
inline constexpr auto kListSpecial = [] {
  std::array<bool, 256> t{};
  t['"'] = t[','] = t['<'] = t['>'] = true;
  return t;
}();
}  // namespace detail

template <typename F>
bool for_each_element(std::string_view value, F&& f) {
  size_t start = 0;
  bool in_angle = false;
  const size_t n = value.size();
  for (size_t i = 0;; ++i) {
    while (i < n && !detail::kListSpecial[static_cast<unsigned char>(value[i])]) ++i;
    if (i < n) {
      const char c = value[i];
      if (c == '"' && !in_angle) {
        Cursor q(value.substr(i));
        std::string_view qs;
        if (!q.quoted_string(qs)) return false;
        i += qs.size() - 1;
        continue;
      }
      if (c == '<') in_angle = true;
      if (c == '>') in_angle = false;
      if (c != ',' || in_angle) continue;
    }
    if (!f(trim_lws(value.substr(start, i - start)))) return false;
    if (i >= n) return true;
    start = i + 1;
  }
}

}  // namespace pinana::sip
