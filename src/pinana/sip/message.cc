#include "pinana/sip/message.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pinana::sip {

// MessageParser: the steps of Message::parse, kept apart so message.cc stays about storage.
class MessageParser {
 public:
  MessageParser(Message& m, Framing framing) : m_(m), framing_(framing) {}
  Status run();

 private:
  Status fail(int status, std::string reason) {
    return Error{m_.is_request_ ? status : 0, std::move(reason)};
  }
  Status parse_start_line(std::string_view line);
  Status parse_headers(size_t pos, size_t& body_start);
  Status check_field(HeaderField& h);
  Status frame_body(size_t body_start);

  Message& m_;
  Framing framing_;
  std::string_view all_;
};

namespace {

constexpr std::string_view kCrlf = "\r\n";

bool valid_version(std::string_view v) {
  if (v == "SIP/2.0") return true;  // what nearly every message says
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT
  if (v.size() < 7 || !chars::iequals(v.substr(0, 4), "SIP/")) return false;
  auto rest = v.substr(4);
  const size_t dot = rest.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == rest.size()) return false;
  for (size_t i = 0; i < rest.size(); ++i)
    if (i != dot && !chars::is_digit(rest[i])) return false;
  return true;
}

// The index of the first CR at or after `from`, or `n`. Header lines are short, where an inline
// scan beats a library memchr's set-up cost: sixteen bytes per step with SSE2 (part of every
// x86-64), else a word at a time (the "has a zero byte" test on x ^ CRCRCR..).
inline size_t find_cr(const char* d, size_t from, size_t n) {
  size_t i = from;
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
    const int hit = _mm_movemask_epi8(_mm_cmpeq_epi8(x, cr));
    if (hit != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(hit)));
  }
#endif
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  constexpr uint64_t kCr = kOnes * '\r';
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    std::memcpy(&x, d + i, 8);
    x ^= kCr;
    const uint64_t hit = (x - kOnes) & ~x & kHigh;
    if (hit != 0) return i + static_cast<size_t>(__builtin_ctzll(hit) / 8);
  }
  for (; i < n; ++i)
    if (d[i] == '\r') return i;
  return n;
}

bool is_sip2(std::string_view v) {
  return v == "SIP/2.0" || chars::iequals(v, "SIP/2.0");
}

std::string field_reason(const HeaderField& h, const Error& e) {
  std::string r(e.reason);
  if (r.find(canonical_name(h.id)) == std::string::npos) {
    r = "bad " + std::string(canonical_name(h.id)) + ": " + r;
  }
  return r;
}

}  // namespace

Status MessageParser::run() {
  all_ = std::string_view(m_.buf_.data(), m_.buf_.size());
  // RFC 3261 §7.5: CRLFs before the start line are ignored (stream keep-alives).
  size_t pos = 0;
  while (all_.substr(pos, 2) == kCrlf) pos += 2;
  const size_t line_end = all_.find(kCrlf, pos);
  if (line_end == std::string_view::npos) return Error{400, "no CRLF after the start line"};
  if (auto s = parse_start_line(all_.substr(pos, line_end - pos)); !s) return s;
  size_t body_start = 0;
  if (auto s = parse_headers(line_end + 2, body_start); !s) return s;
  return frame_body(body_start);
}

Status MessageParser::parse_start_line(std::string_view line) {
  m_.start_line_ = line;
  if (line.size() >= 4 && chars::iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    m_.is_request_ = false;
    const size_t sp = line.find(' ');
    m_.version_ = line.substr(0, sp);
    if (sp == std::string_view::npos || !valid_version(m_.version_))
      return fail(400, "bad status line");
    if (!is_sip2(m_.version_))
      return fail(505, "unsupported SIP version " + std::string(m_.version_));
    auto rest = line.substr(sp + 1);
    size_t n = 0;
    while (n < rest.size() && chars::is_digit(rest[n])) ++n;
    if (n != 3) return fail(400, "status code is not three digits");
    m_.status_ = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (m_.status_ < 100 || m_.status_ > 699) return fail(400, "status code out of range");
    if (rest.size() > 3) {
      if (rest[3] != ' ') return fail(400, "no space after the status code");
      m_.reason_ = rest.substr(4);
    }
    for (char c : m_.reason_)
      if (c == '\r' || c == '\n' || c == '\0')
        return fail(400, "control character in reason phrase");
    return Status::Ok();
  }
  // Request-Line = Method SP Request-URI SP SIP-Version; exactly one SP between the three.
  m_.is_request_ = true;
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return fail(400, "request line without spaces");
  m_.method_text_ = line.substr(0, sp1);
  if (!chars::is_token(m_.method_text_)) return fail(400, "bad method");
  m_.method_ = method_from_name(m_.method_text_);
  const size_t sp2 = line.rfind(' ');
  if (sp2 == sp1) return fail(400, "request line has no SIP version");
  m_.version_ = line.substr(sp2 + 1);
  auto uri_text = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (m_.version_.empty()) return fail(400, "space after the SIP version");
  if (!valid_version(m_.version_))
    return fail(400, "bad SIP version \"" + std::string(m_.version_) + "\"");
  if (!is_sip2(m_.version_))
    return fail(505, "unsupported SIP version " + std::string(m_.version_));
  // The URI grammar admits no SP or HTAB (and no empty URI), so the whitespace check only has to
  // pick the more helpful reason once the URI has failed.
  if (auto s = parse_uri_into(uri_text, m_.request_uri_); !s) {
    if (uri_text.empty() || uri_text.find_first_of(" \t") != std::string_view::npos)
      return fail(400, "Request-URI is empty or contains whitespace");
    return fail(400, "bad Request-URI: " + s.error().reason);
  }
  if (!m_.request_uri_.headers.empty()) return fail(400, "Request-URI carries URI headers");
  return Status::Ok();
}

Status MessageParser::parse_headers(size_t pos, size_t& body_start) {
  const char* d = all_.data();
  const size_t n = all_.size();
  for (;;) {
    if (pos + 1 < n && d[pos] == '\r' && d[pos + 1] == '\n') {
      body_start = pos + 2;
      return Status::Ok();
    }
    HeaderField h;
    size_t p = pos;
    p = chars::scan(d, p, n, chars::kToken);
    h.name = std::string_view(d + pos, p - pos);
    while (p < n && chars::is_wsp(d[p])) ++p;
    // The field runs to a CRLF that is not followed by SP/HTAB (line folding, §7.3.1).
    size_t e = p;
    for (;;) {
      e = find_cr(d, e, n);
      if (e >= n) return fail(400, "header section not terminated by an empty line");
      if (e + 1 >= n || d[e + 1] != '\n') {
        ++e;
        continue;
      }
      if (e + 2 < n && chars::is_wsp(d[e + 2])) {
        e += 3;
        continue;
      }
      break;
    }
    h.raw = std::string_view(d + pos, e + 2 - pos);
    if (h.name.empty() || p >= e || d[p] != ':') {
      if (chars::is_wsp(d[pos])) return fail(400, "header line starts with whitespace");
      return fail(400, "header line without a name and colon: \"" +
                           std::string(all_.substr(pos, std::min<size_t>(e - pos, 60))) + "\"");
    }
    h.value = trim_lws(std::string_view(d + p + 1, e - p - 1));
    h.id = lookup_header(h.name);
    if (m_.headers_.size() >= Message::kMaxHeaders) return fail(400, "too many header fields");
    if (auto s = check_field(h); !s) return s;
    m_.headers_.push_back(h);
    pos = e + 2;
  }
}

// Checks the syntax of every header field pinana knows and keeps the typed hot values.
Status MessageParser::check_field(HeaderField& h) {
  auto bad = [&](std::string why) {
    return fail(400, "bad " + std::string(canonical_name(h.id)) + ": " + why);
  };
  auto from_error = [&](const Error& e) { return fail(400, field_reason(h, e)); };
  switch (h.id) {
    case HeaderId::kVia: {
      // The list is read in one pass: each via-parm stops before its ",".
      // Only the top Via is kept; the others are parsed into a scratch value made when needed.
      Cursor c(h.value);
      for (;;) {
        c.skip_lws();
        if (c.done() || c.peek() == ',') return bad("empty Via value");
        if (!m_.has_via_) {
          if (auto s = parse_via_at(c, m_.top_via_); !s) return from_error(s.error());
          m_.has_via_ = true;
        } else {
          Via other;
          if (auto s = parse_via_at(c, other); !s) return from_error(s.error());
        }
        if (c.done()) return Status::Ok();
        c.advance();  // the ","
      }
    }
    case HeaderId::kFrom:
    case HeaderId::kTo: {
      bool& seen = h.id == HeaderId::kFrom ? m_.has_from_ : m_.has_to_;
      auto check = [&](NameAddr& na) {
        if (auto s = parse_name_addr_into(h.value, na); !s) return from_error(s.error());
        // tag-param = "tag" EQUAL token: a bare ";tag" would read as no tag at all.
        if (na.tag_present && !chars::is_token(na.tag_param))
          return bad("tag parameter without a token value");
        seen = true;
        return Status::Ok();
      };
      if (!seen) return check(h.id == HeaderId::kFrom ? m_.from_ : m_.to_);
      NameAddr other;  // a repeated From/To is checked, not kept
      return check(other);
    }
    case HeaderId::kContact: {
      if (h.value == "*") return Status::Ok();
      [[fallthrough]];
    }
    case HeaderId::kRoute:
    case HeaderId::kRecordRoute: {
      // One address and no comma, the usual case: parsed directly. A value that parsed whole has
      // terminated quoted strings, so splitting it would have given the same single element; on
      // failure the general path below gives the verdict and the reason.
      NameAddr na;
      if (h.value.find(',') == std::string_view::npos && parse_name_addr_into(h.value, na).ok())
        return Status::Ok();
      bool ok = true;
      Error err;
      const bool split = for_each_element(h.value, [&](std::string_view e) {
        if (auto s = parse_name_addr_into(e, na); !s) return ok = false, err = s.error(), false;
        return true;
      });
      if (!split && ok) ok = false, err = Error{400, "unterminated quoted string"};
      if (!ok) return from_error(err);
      return Status::Ok();
    }
    case HeaderId::kCallId:
      if (!is_call_id(h.value)) return bad("not a word[@word]");
      return Status::Ok();
    case HeaderId::kCSeq: {
      auto cs = parse_cseq(h.value);
      if (!cs) return fail(400, cs.error().reason);
      if (!m_.has_cseq_) m_.cseq_ = cs.value(), m_.has_cseq_ = true;
      return Status::Ok();
    }
    case HeaderId::kMaxForwards: {
      auto n = parse_number(h.value, 255);
      if (!n) return bad(n.error().reason);
      if (!m_.max_forwards_) m_.max_forwards_ = n.value();
      return Status::Ok();
    }
    case HeaderId::kContentLength: {
      if (m_.content_length_) return fail(400, "more than one Content-Length");
      auto n = parse_number(h.value, 0x7fffffff);
      if (!n) return bad(n.error().reason);
      m_.content_length_ = n.value();
      return Status::Ok();
    }
    case HeaderId::kExpires:
    case HeaderId::kMinExpires: {
      auto n = parse_number(h.value, 0xffffffffu, /*saturate=*/true);
      if (!n) return bad(n.error().reason);
      if (h.id == HeaderId::kExpires && !m_.expires_) m_.expires_ = n.value();
      return Status::Ok();
    }
    case HeaderId::kEvent: {
      auto e = parse_event(h.value);
      if (!e) return from_error(e.error());
      if (!m_.has_event_) m_.event_ = e.value(), m_.has_event_ = true;
      return Status::Ok();
    }
    case HeaderId::kSubscriptionState: {
      auto s = parse_subscription_state(h.value);
      if (!s) return from_error(s.error());
      return Status::Ok();
    }
    case HeaderId::kSipETag:
    case HeaderId::kSipIfMatch:
      if (!chars::is_token(h.value)) return bad("entity-tag must be one token");
      return Status::Ok();
    case HeaderId::kContentType: {
      auto mt = parse_media_type(h.value);
      if (!mt) return from_error(mt.error());
      return Status::Ok();
    }
    case HeaderId::kAccept: {
      bool ok = true;
      if (!for_each_element(h.value,
                            [&](std::string_view e) {
                              if (e.empty()) return true;  // "Accept:" with no value is legal
                              return ok = parse_media_type(e).ok();
                            }) ||
          !ok)
        return bad("bad media range");
      return Status::Ok();
    }
    case HeaderId::kAllow:
    case HeaderId::kSupported:
    case HeaderId::kUnsupported:
    case HeaderId::kRequire:
    case HeaderId::kProxyRequire:
      if (!is_token_list(h.value, h.id == HeaderId::kAllow || h.id == HeaderId::kSupported))
        return bad("not a list of tokens");
      return Status::Ok();
    case HeaderId::kAllowEvents:
      if (!is_event_type_list(h.value)) return bad("not a list of event types");
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

Status MessageParser::frame_body(size_t body_start) {
  const size_t avail = all_.size() - body_start;
  if (m_.content_length_) {
    const size_t cl = *m_.content_length_;
    if (cl > avail) {
      return fail(400, "body shorter than Content-Length (" + std::to_string(avail) + " < " +
                           std::to_string(cl) + ")");
    }
    m_.body_ = all_.substr(body_start, cl);
  } else {
    if (framing_ == Framing::kStream) return fail(400, "no Content-Length on a stream transport");
    m_.body_ = all_.substr(body_start);
  }
  m_.consumed_ = body_start + m_.body_.size();
  // Start line and CSeq must agree on the method (RFC 3261 §8.1.1.5; torture mismatch01/02).
  if (m_.is_request_ && m_.has_cseq_ && m_.cseq_.method != m_.method_text_) {
    return fail(m_.method_ == Method::kUnknown ? 501 : 400,
                "CSeq method " + std::string(m_.cseq_.method) +
                    " does not match the request method " + std::string(m_.method_text_));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------

void Message::reset() {
  headers_.clear();
  edits_.clear();
  start_line_ = version_ = method_text_ = reason_ = body_ = {};
  request_uri_ = Uri();
  has_via_ = has_cseq_ = has_from_ = has_to_ = has_event_ = false;
  max_forwards_.reset();
  expires_.reset();
  content_length_.reset();
  consumed_ = 0;
  status_ = 0;
  method_ = Method::kUnknown;
  is_request_ = false;
}

Status Message::parse(std::string_view bytes, Framing framing) {
  reset();
  buf_.assign(bytes.begin(), bytes.end());
  return parse_buffer(framing);
}

Status Message::parse(std::vector<char>&& bytes, Framing framing) {
  reset();
  buf_ = std::move(bytes);
  return parse_buffer(framing);
}

Status Message::parse_buffer(Framing framing) {
  // Room for the fields of a typical message at once, rather than growing through 1, 2, 4, 8.
  if (headers_.capacity() == 0) headers_.reserve(kTypicalHeaders);
  MessageParser p(*this, framing);
  Status s = p.run();
  if (!s) reset();
  return s;
}

Result<Message> Message::from_bytes(std::string_view bytes, Framing framing) {
  Message m;
  if (auto s = m.parse(bytes, framing); !s) return s.error();
  return m;
}

Message Message::clone() const {
  Message m;
  // Re-parsing the serialized form rebuilds every view against the copy's own buffer.
  std::string bytes = serialize();
  (void)m.parse(bytes, Framing::kDatagram);
  return m;
}

const HeaderField* Message::find(HeaderId id) const {
  for (const auto& h : headers_)
    if (h.id == id) return &h;
  return nullptr;
}

const HeaderField* Message::find(std::string_view name) const {
  const HeaderId id = lookup_header(name);
  if (id != HeaderId::kUnknown) return find(id);
  for (const auto& h : headers_)
    if (h.id == HeaderId::kUnknown && chars::iequals(h.name, name)) return &h;
  return nullptr;
}

size_t Message::count(HeaderId id) const {
  return static_cast<size_t>(std::count_if(headers_.begin(), headers_.end(),
                                           [id](const HeaderField& h) { return h.id == id; }));
}

std::string_view Message::own(std::string value) {
  edits_.push_back(std::make_unique<std::string>(std::move(value)));
  return *edits_.back();
}

void Message::set_value(size_t index, std::string value) {
  headers_.at(index).value = own(std::move(value));
  headers_.at(index).raw = {};
}

void Message::add_header(std::string_view name, std::string value) {
  HeaderField h;
  h.name = own(std::string(name));
  h.id = lookup_header(name);
  h.value = own(std::move(value));
  headers_.push_back(h);
}

void Message::remove_header(size_t index) {
  headers_.erase(headers_.begin() + static_cast<long>(index));
}

void Message::serialize_to(std::string& out) const {
  // Bytes before the start line (keep-alive CRLFs) are not part of the message.
  out.append(start_line_);
  out.append(kCrlf);
  for (const auto& h : headers_) {
    if (!h.raw.empty()) {
      out.append(h.raw);
    } else {
      out.append(h.name);
      out.append(": ");
      out.append(h.value);
      out.append(kCrlf);
    }
  }
  out.append(kCrlf);
  out.append(body_);
}

std::string Message::serialize() const {
  std::string out;
  out.reserve(buf_.size() + 64);
  serialize_to(out);
  return out;
}

}  // namespace pinana::sip
