// Scalar and list header values: CSeq, numbers, Event, Subscription-State, media types, tokens.
#include "pinana/sip/header_values.h"

namespace pinana::sip {

Result<uint32_t> parse_number(std::string_view value, uint32_t max, bool saturate) {
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
  if (!scan_header_params(c, e.params)) return Error{400, "bad Event parameter"};
  c.skip_lws();
  if (!c.done()) return Error{400, "bad Event: unexpected text"};
  if (auto id = e.params.find("id"); id && (!id->has_value || id->value.empty()))
    return Error{400, "bad Event id"};
  return e;
}

Result<SubscriptionState> parse_subscription_state(std::string_view value) {
  Cursor c(value);
  c.skip_lws();
  SubscriptionState s;
  s.state = c.token();
  if (s.state.empty()) return Error{400, "bad Subscription-State value"};
  if (!scan_header_params(c, s.params)) return Error{400, "bad Subscription-State parameter"};
  c.skip_lws();
  if (!c.done()) return Error{400, "bad Subscription-State: unexpected text"};
  s.reason = s.params.get("reason");
  for (auto [name, field] : {std::pair{"expires", &s.expires}, {"retry-after", &s.retry_after}}) {
    if (auto p = s.params.find(name)) {
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
  value = trim_lws(value);
  if (value.empty()) return false;
  const size_t at = value.find('@');
  auto word_ok = [](std::string_view w) {
    if (w.empty()) return false;
    for (char ch : w)
      if (!chars::is(ch, chars::kWord)) return false;
    return true;
  };
  if (at == std::string_view::npos) return word_ok(value);
  return word_ok(value.substr(0, at)) && word_ok(value.substr(at + 1));
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
