// Scalar and list header values: CSeq, numbers, Event, Subscription-State, media types, tokens.
#include "pinana/sip/header_values.h"

#include <tuple>

namespace pinana::sip {

Result<uint32_t> parse_number(std::string_view value, uint32_t max, bool saturate) {
  // The usual case, up to nine digits and nothing else, needs neither trimming nor overflow care.
  if (!value.empty() && value.size() <= 9) {
    uint32_t v = 0;
    size_t i = 0;
    for (; i < value.size() && chars::is_digit(value[i]); ++i)
      v = v * 10 + static_cast<uint32_t>(value[i] - '0');
    if (i == value.size()) {
      if (v <= max) return v;
      if (saturate) return max;
    }
  }
  value = trim_lws(value);
  if (value.empty()) return Error{400, "empty number"};
  uint64_t v = 0;
  for (char c : value) {
    if (!chars::is_digit(c)) return Error{400, "not a number: \"" + std::string(value) + "\""};
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > max) {
      if (!saturate)
        return Error{400, "number too large: \"" + std::string(value.substr(0, 40)) + "\""};
      v = max;  // keep reading to check the syntax; stays clamped
    }
  }
  return static_cast<uint32_t>(v);
}

Result<CSeq> parse_cseq(std::string_view value) {
  Cursor c(value);
  c.skip_lws();
  auto digits = c.take_digits();
  if (digits.empty()) return Error{400, "bad CSeq: no sequence number"};
  auto n = parse_number(digits, 0xffffffffu);
  if (!n) return Error{400, "bad CSeq: sequence number above 2^32-1"};
  if (!c.skip_lws()) return Error{400, "bad CSeq: no space before the method"};
  CSeq cs;
  cs.sequence = n.value();
  cs.method = c.token();
  c.skip_lws();
  if (cs.method.empty() || !c.done()) return Error{400, "bad CSeq: bad method"};
  return cs;
}

Result<Event> parse_event(std::string_view value) {
  Cursor c(value);
  c.skip_lws();
  Event e;
  // event-type = event-package *( "." event-template ); token-nodot parts joined by "."
  e.type = c.token();
  if (e.type.empty() || e.type.front() == '.' || e.type.back() == '.' ||
      e.type.find("..") != std::string_view::npos)
    return Error{400, "bad Event type"};
  e.package = e.type.substr(0, e.type.find('.'));
  // The first "id" parameter is picked out during the scan (what Params::find would return).
  bool id_seen = false, id_bad = false;
  auto pick = [&](const ScannedParam& p) {
    if (!id_seen && p.name.size() == 2 && chars::iequals_token(p.name, "id")) {
      id_seen = true;
      id_bad = !p.has_value || p.value.empty();
    }
  };
  if (!scan_header_params(c, e.params, pick)) return Error{400, "bad Event parameter"};
  c.skip_lws();
  if (!c.done()) return Error{400, "bad Event: unexpected text"};
  if (id_bad) return Error{400, "bad Event id"};
  return e;
}

Result<SubscriptionState> parse_subscription_state(std::string_view value) {
  Cursor c(value);
  c.skip_lws();
  SubscriptionState s;
  s.state = c.token();
  if (s.state.empty()) return Error{400, "bad Subscription-State value"};
  // The first reason, expires and retry-after parameters are picked out during the scan (what
  // Params::find would return), then checked in that order.
  Param reason, expires, retry_after;
  const Param *reason_p = nullptr, *expires_p = nullptr, *retry_p = nullptr;
  auto pick = [&](const ScannedParam& p) {
    auto first = [&p](std::string_view name, Param& slot, const Param*& seen) {
      if (seen == nullptr && chars::iequals_token(p.name, name)) {
        slot = p;
        seen = &slot;
      }
    };
    first("reason", reason, reason_p);
    first("expires", expires, expires_p);
    first("retry-after", retry_after, retry_p);
  };
  if (!scan_header_params(c, s.params, pick)) return Error{400, "bad Subscription-State parameter"};
  c.skip_lws();
  if (!c.done()) return Error{400, "bad Subscription-State: unexpected text"};
  if (reason_p != nullptr) s.reason = reason_p->value;
  for (auto [name, p, field] :
       {std::tuple{"expires", expires_p, &s.expires}, {"retry-after", retry_p, &s.retry_after}}) {
    if (p != nullptr) {
      auto n = parse_number(p->value, 0xffffffffu, true);
      if (!p->has_value || !n) return Error{400, "bad Subscription-State " + std::string(name)};
      *field = n.value();
    }
  }
  return s;
}

Result<MediaType> parse_media_type(std::string_view element) {
  Cursor c(element);
  c.skip_lws();
  MediaType m;
  m.type = c.token();
  if (m.type.empty() || !c.consume_sep('/')) return Error{400, "bad media type"};
  m.subtype = c.token();
  if (m.subtype.empty()) return Error{400, "bad media subtype"};
  if (!scan_header_params(c, m.params)) return Error{400, "bad media type parameter"};
  c.skip_lws();
  if (!c.done()) return Error{400, "bad media type: unexpected text"};
  return m;
}

bool MediaType::matches(std::string_view t, std::string_view s) const {
  if (type == "*") return subtype == "*";
  return chars::iequals(type, t) && (subtype == "*" || chars::iequals(subtype, s));
}

bool is_call_id(std::string_view value) {
  // word [ "@" word ] in one pass: the first run of word characters must end at the end or at an
  // "@" followed by a second run that ends at the end ("@" is not a word character).
  value = trim_lws(value);
  const char* d = value.data();
  const size_t n = value.size();
  const size_t at = chars::scan(d, 0, n, chars::kWord);
  if (at == n) return n != 0;
  if (at == 0 || d[at] != '@') return false;
  const size_t end = chars::scan(d, at + 1, n, chars::kWord);
  return end == n && end > at + 1;
}

namespace {

// token *( COMMA token ) in one pass (COMMA = SWS "," SWS); each token must satisfy `ok`.
template <typename Ok>
bool token_list(std::string_view value, bool allow_empty, Ok&& ok) {
  Cursor c(value);
  c.skip_lws();
  if (c.done()) return allow_empty;
  for (;;) {
    if (!ok(c.token())) return false;
    c.skip_lws();
    if (c.done()) return true;
    if (!c.consume(',')) return false;
    c.skip_lws();
  }
}

}  // namespace

bool is_token_list(std::string_view value, bool allow_empty) {
  return token_list(value, allow_empty, [](std::string_view t) { return !t.empty(); });
}

bool is_event_type_list(std::string_view value) {
  // event-type = event-package *( "." event-template ): no empty part between dots.
  return token_list(value, false, [](std::string_view t) {
    return !t.empty() && t.front() != '.' && t.back() != '.' &&
           t.find("..") == std::string_view::npos;
  });
}

}  // namespace pinana::sip
