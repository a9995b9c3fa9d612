// sip_message_fuzz: libFuzzer target for pinana::sip::Message::parse and every typed header parser.
//
// Each input is parsed as a datagram and as a stream. A message that parsed is walked through
// every accessor and every header parser, and must keep the promises of message.h: its typed
// values agree with its header fields, it serializes to exactly the bytes it was parsed from, and
// the serialized form parses again to the same bytes. Any broken promise aborts (FUZZ_CHECK).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pinana/sip/header_id.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/message.h"
#include "pinana/sip/method.h"
#include "pinana/sip/request_checks.h"
#include "sip_checks.h"

namespace pinana::fuzz {
namespace {

using sip::Framing;
using sip::HeaderField;
using sip::HeaderId;
using sip::Message;

constexpr std::array<std::string_view, 3> kSupportedOptions = {"eventlist", "100rel", "timer"};

// Runs every element parser on `element` (whatever header it came from) and checks what parses.
void try_all_parsers(std::string_view element) {
  if (auto v = sip::parse_via(element)) check_via(*v, element);
  if (auto na = sip::parse_name_addr(element)) check_name_addr(*na, element);
  if (auto cs = sip::parse_cseq(element))
    FUZZ_CHECK(within(cs->method, element) && !cs->method.empty());
  if (auto e = sip::parse_event(element)) check_event(*e, element);
  if (auto s = sip::parse_subscription_state(element)) check_subscription_state(*s, element);
  if (auto mt = sip::parse_media_type(element)) check_media_type(*mt, element);
  if (auto n = sip::parse_number(element, 255)) FUZZ_CHECK(*n <= 255);
  (void)sip::parse_number(element, 0xffffffffu, /*saturate=*/true);
  if (auto u = sip::parse_uri(element)) check_uri(*u);
  (void)sip::unquote(element);
  (void)sip::is_call_id(element);
  (void)sip::is_token_list(element, true);
}

// Calls f(element) for each element of `value`; the split must succeed on a parsed message's
// list-valued fields (their quoted strings were checked).
template <typename F>
void each_element(std::string_view value, F&& f) {
  const bool ok = sip::for_each_element(value, [&](std::string_view e) {
    FUZZ_CHECK(within(e, value));
    f(e);
    return true;
  });
  FUZZ_CHECK(ok);
}

// The header fields the parser checked must parse again with the typed parsers.
void check_field(const Message& m, const HeaderField& h) {
  const std::string_view v = h.value;
  switch (h.id) {
    case HeaderId::kVia:
      each_element(v, [](std::string_view e) {
        auto via = sip::parse_via(e);
        FUZZ_CHECK(via.ok());
        check_via(*via, e);
      });
      break;
    case HeaderId::kTo:
    case HeaderId::kFrom: {
      auto na = sip::parse_name_addr(v);
      FUZZ_CHECK(na.ok());
      check_name_addr(*na, v);
      break;
    }
    case HeaderId::kContact:
      if (v == "*") break;
      [[fallthrough]];
    case HeaderId::kRoute:
    case HeaderId::kRecordRoute:
      each_element(v, [](std::string_view e) {
        auto na = sip::parse_name_addr(e);
        FUZZ_CHECK(na.ok());
        check_name_addr(*na, e);
      });
      break;
    case HeaderId::kCSeq: {
      auto cs = sip::parse_cseq(v);
      FUZZ_CHECK(cs.ok());
      break;
    }
    case HeaderId::kCallId:
      FUZZ_CHECK(sip::is_call_id(v));
      break;
    case HeaderId::kMaxForwards: {
      auto n = sip::parse_number(v, 255);
      FUZZ_CHECK(n.ok() && *n <= 255);
      break;
    }
    case HeaderId::kContentLength: {
      auto n = sip::parse_number(v, 0x7fffffff);
      FUZZ_CHECK(n.ok() && m.content_length() == *n);
      break;
    }
    case HeaderId::kExpires:
    case HeaderId::kMinExpires:
      FUZZ_CHECK(sip::parse_number(v, 0xffffffffu, true).ok());
      break;
    case HeaderId::kEvent: {
      auto e = sip::parse_event(v);
      FUZZ_CHECK(e.ok());
      check_event(*e, v);
      break;
    }
    case HeaderId::kSubscriptionState: {
      auto s = sip::parse_subscription_state(v);
      FUZZ_CHECK(s.ok());
      check_subscription_state(*s, v);
      break;
    }
    case HeaderId::kContentType: {
      auto mt = sip::parse_media_type(v);
      FUZZ_CHECK(mt.ok());
      check_media_type(*mt, v);
      break;
    }
    case HeaderId::kAccept:
      each_element(v, [](std::string_view e) {
        if (e.empty()) return;
        auto mt = sip::parse_media_type(e);
        FUZZ_CHECK(mt.ok());
        check_media_type(*mt, e);
      });
      break;
    case HeaderId::kSipETag:
    case HeaderId::kSipIfMatch:
      FUZZ_CHECK(sip::chars::is_token(v));
      break;
    case HeaderId::kAllow:
    case HeaderId::kSupported:
    case HeaderId::kUnsupported:
    case HeaderId::kRequire:
    case HeaderId::kProxyRequire:
      FUZZ_CHECK(sip::is_token_list(v, h.id == HeaderId::kAllow || h.id == HeaderId::kSupported));
      break;
    case HeaderId::kAllowEvents:
      each_element(v, [](std::string_view e) { FUZZ_CHECK(sip::parse_event(e).ok()); });
      break;
    default:
      break;
  }
  // Every parser on every element, whatever the field: the parsers see text they do not expect.
  try_all_parsers(v);
  (void)sip::for_each_element(v, [](std::string_view e) { return try_all_parsers(e), true; });
}

void check_headers(const Message& m, std::string_view buf) {
  for (const HeaderField& h : m.headers()) {
    FUZZ_CHECK(within(h.name, buf) && within(h.value, buf) && within(h.raw, buf));
    FUZZ_CHECK(!h.name.empty() && sip::chars::is_token(h.name));
    FUZZ_CHECK(h.raw.size() >= 2 && h.raw.substr(h.raw.size() - 2) == "\r\n");
    FUZZ_CHECK(h.raw.substr(0, h.name.size()) == h.name);
    FUZZ_CHECK(sip::lookup_header(h.name) == h.id);
    FUZZ_CHECK(m.count(h.id) >= 1);
    const HeaderField* by_name = m.find(h.name);
    FUZZ_CHECK(by_name != nullptr);
    if (h.id != HeaderId::kUnknown) {
      FUZZ_CHECK(m.find(h.id) == by_name);
      FUZZ_CHECK(m.value(h.id) == by_name->value);
      FUZZ_CHECK(sip::lookup_header(sip::canonical_name(h.id)) == h.id);
      if (auto c = sip::compact_name(h.id); !c.empty()) FUZZ_CHECK(sip::lookup_header(c) == h.id);
    }
    check_field(m, h);
  }
  size_t total = 0;
  for (int id = 0; id < static_cast<int>(HeaderId::kCount); ++id) {
    const auto hid = static_cast<HeaderId>(id);
    total += m.count(hid);
    m.for_each_value(hid, [&](std::string_view e) { FUZZ_CHECK(within(e, buf)); });
    if (m.count(hid) == 0) FUZZ_CHECK(m.find(hid) == nullptr && m.value(hid).empty());
  }
  FUZZ_CHECK(total == m.headers().size());
  FUZZ_CHECK(m.headers().size() <= Message::kMaxHeaders);
}

// The hot typed values are those of the first field of their kind.
void check_hot_values(const Message& m) {
  if (const auto* via = m.top_via()) {
    check_via(*via, m.value(HeaderId::kVia));
  } else {
    FUZZ_CHECK(m.count(HeaderId::kVia) == 0);
  }
  if (const auto* cs = m.cseq()) {
    auto again = sip::parse_cseq(m.value(HeaderId::kCSeq));
    FUZZ_CHECK(again.ok() && again->sequence == cs->sequence && again->method == cs->method);
  } else {
    FUZZ_CHECK(m.count(HeaderId::kCSeq) == 0);
  }
  FUZZ_CHECK((m.from() != nullptr) == (m.count(HeaderId::kFrom) > 0));
  if (m.from()) check_name_addr(*m.from(), m.value(HeaderId::kFrom));
  FUZZ_CHECK((m.to() != nullptr) == (m.count(HeaderId::kTo) > 0));
  if (m.to()) check_name_addr(*m.to(), m.value(HeaderId::kTo));
  FUZZ_CHECK((m.event() != nullptr) == (m.count(HeaderId::kEvent) > 0));
  if (m.event()) check_event(*m.event(), m.value(HeaderId::kEvent));
  FUZZ_CHECK(m.call_id() == m.value(HeaderId::kCallId));
  FUZZ_CHECK(m.max_forwards().has_value() == (m.count(HeaderId::kMaxForwards) > 0));
  if (m.max_forwards()) FUZZ_CHECK(*m.max_forwards() <= 255);
  FUZZ_CHECK(m.expires().has_value() == (m.count(HeaderId::kExpires) > 0));
  FUZZ_CHECK(m.content_length().has_value() == (m.count(HeaderId::kContentLength) > 0));
  FUZZ_CHECK(m.count(HeaderId::kContentLength) <= 1);
}

void check_start_line(const Message& m) {
  FUZZ_CHECK(m.is_request() != m.is_response());
  FUZZ_CHECK(sip::chars::iequals(m.version(), "SIP/2.0"));
  if (m.is_request()) {
    FUZZ_CHECK(!m.method().empty() && sip::chars::is_token(m.method()));
    FUZZ_CHECK(m.method_id() == sip::method_from_name(m.method()));
    FUZZ_CHECK(m.start_line().substr(0, m.method().size()) == m.method());
    check_uri(m.request_uri());
    FUZZ_CHECK(within(m.request_uri().text, m.start_line()));
    FUZZ_CHECK(m.request_uri().headers.empty());
    FUZZ_CHECK(m.status_code() == 0);
    if (m.cseq()) FUZZ_CHECK(m.cseq()->method == m.method());
    // The stateless UAS checks, with and without tel: Request-URIs.
    for (bool tel : {false, true}) {
      const sip::UasPolicy policy{kSupportedOptions, tel};
      auto r = sip::check_request(m, policy);
      if (r) {
        FUZZ_CHECK(r->status >= 400 && r->status < 500 && !r->reason.empty());
      } else {
        FUZZ_CHECK(m.to() && m.from() && m.cseq() && m.top_via() && !m.call_id().empty());
      }
    }
  } else {
    FUZZ_CHECK(m.status_code() >= 100 && m.status_code() <= 699);
    FUZZ_CHECK(m.method().empty());
    (void)m.reason_phrase();
  }
}

// Unknown header fields are not checked by the parser, so removing, rewriting and adding them
// keeps a message parseable; the edits must show in the re-parsed message.
void check_edits(const Message& m) {
  Message copy = m.clone();
  FUZZ_CHECK(copy.serialize() == m.serialize());
  const size_t n = copy.headers().size();
  auto first_unknown = [&copy]() {
    size_t i = 0;
    while (i < copy.headers().size() && copy.headers()[i].id != HeaderId::kUnknown) ++i;
    return i;
  };
  size_t i = first_unknown();
  const bool removed = i < n;
  if (removed) copy.remove_header(i);
  const size_t rewritten = first_unknown();
  const bool did_rewrite = rewritten < copy.headers().size();
  if (did_rewrite) copy.set_value(rewritten, "rewritten");
  const bool added = copy.headers().size() < Message::kMaxHeaders;
  if (added) copy.add_header("X-Pinana-Fuzz", "edited");

  const std::string edited = copy.serialize();
  Message again;
  FUZZ_CHECK(again.parse(edited, Framing::kDatagram).ok());
  FUZZ_CHECK(again.headers().size() == n - (removed ? 1 : 0) + (added ? 1 : 0));
  if (did_rewrite) FUZZ_CHECK(again.headers()[rewritten].value == "rewritten");
  if (added) {
    FUZZ_CHECK(again.headers().back().name == "X-Pinana-Fuzz");
    FUZZ_CHECK(again.headers().back().value == "edited");
  }
  FUZZ_CHECK(again.body() == m.body());
}

void check_message(const Message& m, std::string_view input, Framing framing) {
  // Reconstruct the parsed bytes' extent: leading CRLFs are skipped, trailing datagram octets
  // dropped.
  size_t lead = 0;
  while (input.substr(lead, 2) == "\r\n") lead += 2;
  FUZZ_CHECK(m.consumed() <= input.size());
  FUZZ_CHECK(m.consumed() >= lead);
  if (framing == Framing::kStream) FUZZ_CHECK(m.content_length().has_value());
  if (m.content_length()) FUZZ_CHECK(m.body().size() == *m.content_length());

  check_start_line(m);
  const std::string bytes = m.serialize();
  // An unchanged parsed message serializes to exactly the bytes it was parsed from.
  FUZZ_CHECK(bytes == input.substr(lead, m.consumed() - lead));
  std::string to;
  m.serialize_to(to);
  FUZZ_CHECK(to == bytes);
  // The message's own copy of the input: every view must point into it.
  FUZZ_CHECK(!m.start_line().empty());
  const std::string_view buf(m.start_line().data() - lead, input.size());
  FUZZ_CHECK(within(m.body(), buf));
  check_headers(m, buf);
  check_hot_values(m);
  FUZZ_CHECK(m.body().size() <= m.consumed());

  // Re-parse the serialized form: same bytes, same shape.
  Message again;
  FUZZ_CHECK(again.parse(bytes, framing).ok());
  FUZZ_CHECK(again.serialize() == bytes);
  FUZZ_CHECK(again.consumed() == bytes.size());
  FUZZ_CHECK(again.is_request() == m.is_request());
  FUZZ_CHECK(again.headers().size() == m.headers().size());
  FUZZ_CHECK(again.status_code() == m.status_code() && again.method() == m.method());
  FUZZ_CHECK(again.body() == m.body());

  check_edits(m);
}

}  // namespace
}  // namespace pinana::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinana;
  using namespace pinana::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // One Message for both framings, so the second parse also exercises reset and buffer reuse.
  sip::Message m;
  bool parsed[2] = {false, false};
  std::string serialized[2];
  int i = 0;
  for (sip::Framing framing : {sip::Framing::kDatagram, sip::Framing::kStream}) {
    const Status s = m.parse(input, framing);
    if (s.ok()) {
      check_message(m, input, framing);
      parsed[i] = true;
      serialized[i] = m.serialize();
    } else {
      const int st = s.error().status;
      FUZZ_CHECK(st == 0 || (st >= 400 && st < 600));
      FUZZ_CHECK(!s.error().reason.empty());
      FUZZ_CHECK(m.headers().empty() && m.consumed() == 0 && m.body().empty());
    }
    ++i;
  }
  // A stream message is a datagram message that carries Content-Length.
  if (parsed[1]) FUZZ_CHECK(parsed[0] && serialized[0] == serialized[1]);
  if (parsed[0] && !parsed[1]) {
    FUZZ_CHECK(m.parse(input, sip::Framing::kDatagram).ok());
    FUZZ_CHECK(!m.content_length().has_value());
  }
  return 0;
}
