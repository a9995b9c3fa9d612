#include "sip_checks.h"

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "pinana/sip/charset.h"

namespace pinana::fuzz {

using sip::HostType;
using sip::UriScheme;

namespace {

// Decoding never grows a string, and text without '%' decodes to itself.
void check_unescape(std::string_view s) {
  const std::string u = sip::unescape(s);
  FUZZ_CHECK(u.size() <= s.size());
  if (s.find('%') == std::string_view::npos) FUZZ_CHECK(u == s);
}

}  // namespace

void check_params(const sip::Params& params) {
  const std::string_view text = params.text();
  size_t n = 0;
  params.for_each([&](const sip::Param& p) {
    ++n;
    FUZZ_CHECK(within(p.name, text));
    FUZZ_CHECK(within(p.value, text));
    FUZZ_CHECK(p.has_value || p.value.empty());
    const auto found = params.find(p.name);
    FUZZ_CHECK(found.has_value());
    FUZZ_CHECK(sip::chars::iequals(found->name, p.name));
    FUZZ_CHECK(params.has(p.name));
    FUZZ_CHECK(params.get(p.name) == found->value);
    check_unescape(p.value);
    (void)sip::unquote(p.value);
    return true;
  });
  FUZZ_CHECK(params.size() == n);
  FUZZ_CHECK(params.empty() == text.empty());
  // Stopping early must visit exactly one parameter.
  size_t visited = 0;
  params.for_each([&](const sip::Param&) { return ++visited, false; });
  FUZZ_CHECK(visited == (n > 0 ? 1u : 0u));
  (void)params.find("");
  (void)params.find("branch");
}

void check_uri(const sip::Uri& u) {
  const std::string_view t = u.text;
  FUZZ_CHECK(within(u.scheme_text, t));
  FUZZ_CHECK(within(u.user, t));
  FUZZ_CHECK(within(u.password, t));
  FUZZ_CHECK(within(u.host, t));
  FUZZ_CHECK(within(u.host_address(), u.host));
  FUZZ_CHECK(within(u.params.text(), t));
  FUZZ_CHECK(within(u.headers, t));
  FUZZ_CHECK(within(u.opaque, t));
  FUZZ_CHECK(!u.scheme_text.empty());
  FUZZ_CHECK(t.size() > u.scheme_text.size() && t[u.scheme_text.size()] == ':');
  FUZZ_CHECK(u.is_sip() == (u.scheme == UriScheme::kSip || u.scheme == UriScheme::kSips));
  FUZZ_CHECK(u.has_user || u.user.empty());
  FUZZ_CHECK(u.has_port || u.port == 0);
  switch (u.scheme) {
    case UriScheme::kSip:
    case UriScheme::kSips: {
      FUZZ_CHECK(sip::chars::iequals(u.scheme_text, u.scheme == UriScheme::kSip ? "sip" : "sips"));
      FUZZ_CHECK(u.host_type != HostType::kNone);
      FUZZ_CHECK(sip::classify_host(u.host) == u.host_type);
      FUZZ_CHECK(u.opaque.empty());
      if (u.host_type == HostType::kIPv6) {
        FUZZ_CHECK(u.host.size() >= 3 && u.host.front() == '[' && u.host.back() == ']');
        FUZZ_CHECK(u.host_address().size() + 2 == u.host.size());
      } else {
        FUZZ_CHECK(u.host_address() == u.host);
      }
      if (u.has_user) FUZZ_CHECK(!u.user.empty());
      // The port reads back from the digits after "host:".
      const size_t after_host = static_cast<size_t>(u.host.data() - t.data()) + u.host.size();
      if (u.has_port) {
        FUZZ_CHECK(after_host < t.size() && t[after_host] == ':');
        uint32_t v = 0;
        size_t i = after_host + 1, digits = 0;
        while (i < t.size() && sip::chars::is_digit(t[i]))
          v = v * 10 + uint32_t(t[i++] - '0'), ++digits;
        FUZZ_CHECK(digits >= 1 && digits <= 5);
        FUZZ_CHECK(v == u.port);
      } else {
        FUZZ_CHECK(after_host == t.size() || t[after_host] == ';' || t[after_host] == '?');
      }
      if (!u.headers.empty()) {
        FUZZ_CHECK(u.headers.data() + u.headers.size() == t.data() + t.size());
        FUZZ_CHECK(u.headers.data()[-1] == '?');
      }
      break;
    }
    case UriScheme::kTel:
      FUZZ_CHECK(sip::chars::iequals(u.scheme_text, "tel"));
      FUZZ_CHECK(u.has_user && !u.user.empty());
      FUZZ_CHECK(u.host.empty() && u.host_type == HostType::kNone);
      break;
    case UriScheme::kOther:
      FUZZ_CHECK(!u.opaque.empty());
      FUZZ_CHECK(u.opaque == t.substr(u.scheme_text.size() + 1));
      FUZZ_CHECK(u.host.empty());
      break;
  }
  check_unescape(u.user);
  check_unescape(u.password);
  check_unescape(u.host);
  check_unescape(u.headers);
  check_unescape(u.opaque);
  check_params(u.params);
}

void check_via(const sip::Via& v, std::string_view text) {
  FUZZ_CHECK(within(v.protocol, text));
  FUZZ_CHECK(within(v.version, text));
  FUZZ_CHECK(within(v.transport, text));
  FUZZ_CHECK(within(v.host, text));
  FUZZ_CHECK(within(v.params.text(), text));
  FUZZ_CHECK(v.host_type != HostType::kNone);
  FUZZ_CHECK(v.has_port || v.port == 0);
  const auto b = v.branch();
  FUZZ_CHECK(v.rfc3261_branch() == (b.size() > 7 && b.substr(0, 7) == "z9hG4bK"));
  FUZZ_CHECK(within(v.received(), text));
  FUZZ_CHECK(within(v.maddr(), text));
  (void)v.has_rport();
  check_params(v.params);
}

void check_name_addr(const sip::NameAddr& na, std::string_view text) {
  FUZZ_CHECK(within(na.display_name, text));
  FUZZ_CHECK(within(na.uri.text, text));
  FUZZ_CHECK(within(na.params.text(), text));
  FUZZ_CHECK(within(na.tag(), text));
  if (!na.display_name.empty()) FUZZ_CHECK(na.angle_brackets);
  const std::string dn = sip::unquote(na.display_name);
  FUZZ_CHECK(dn.size() <= na.display_name.size());
  check_uri(na.uri);
  check_params(na.params);
}

void check_event(const sip::Event& e, std::string_view text) {
  FUZZ_CHECK(within(e.type, text));
  FUZZ_CHECK(within(e.package, text));
  FUZZ_CHECK(within(e.params.text(), text));
  FUZZ_CHECK(!e.package.empty());
  FUZZ_CHECK(e.type.substr(0, e.package.size()) == e.package);
  FUZZ_CHECK(within(e.id(), text));
  check_params(e.params);
}

void check_subscription_state(const sip::SubscriptionState& s, std::string_view text) {
  FUZZ_CHECK(within(s.state, text));
  FUZZ_CHECK(within(s.reason, text));
  FUZZ_CHECK(within(s.params.text(), text));
  FUZZ_CHECK(!s.state.empty());
  FUZZ_CHECK(s.expires >= -1 && s.retry_after >= -1);
  check_params(s.params);
}

void check_media_type(const sip::MediaType& mt, std::string_view text) {
  FUZZ_CHECK(within(mt.type, text));
  FUZZ_CHECK(within(mt.subtype, text));
  FUZZ_CHECK(within(mt.params.text(), text));
  FUZZ_CHECK(!mt.type.empty() && !mt.subtype.empty());
  // A type matches itself; "*/x" (a token "*" as type) is not a wildcard and matches nothing.
  if (mt.type != "*" || mt.subtype == "*") FUZZ_CHECK(mt.matches(mt.type, mt.subtype));
  (void)mt.matches("application", "pidf+xml");
  (void)mt.matches("*", "*");
  check_params(mt.params);
}

}  // namespace pinana::fuzz
