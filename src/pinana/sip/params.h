// Params: a validated run of ";name[=value]" parameters, kept as a view and read on demand.
//
// Used for URI parameters (no whitespace, %-escapes allowed) and header parameters (LWS around
// ";" and "=", values may be quoted strings). The parser checks the syntax once; lookups then
// split the text again, which for the handful of parameters a SIP header carries is cheaper than
// storing them. Names compare case-insensitively. A Params borrows the message's bytes.
#pragma once

#include <optional>
#include <string_view>

#include "pinana/sip/lex.h"

namespace pinana::sip {

struct Param {
  std::string_view name;
  std::string_view value;  // as written (quoted strings keep their quotes); empty if no "="
  bool has_value = false;
};

class Params {
 public:
  Params() = default;
  explicit Params(std::string_view text) : text_(text) {}

  // The parameters as written, starting at the first ";" (empty when there are none).
  std::string_view text() const { return text_; }
  bool empty() const { return text_.empty(); }

  std::optional<Param> find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name).has_value(); }
  // The value of `name`, or "" when absent or valueless.
  std::string_view get(std::string_view name) const {
    auto p = find(name);
    return p ? p->value : std::string_view();
  }

  // Calls f(const Param&) for each parameter in order; stops early if f returns false.
  template <typename F>
  void for_each(F&& f) const {
    Cursor c(text_);
    while (c.consume_sep(';')) {
      Param p = next(c);
      if (!f(p)) return;
    }
  }

  size_t size() const {
    size_t n = 0;
    for_each([&n](const Param&) { return ++n, true; });
    return n;
  }

 private:
  static Param next(Cursor& c);
  std::string_view text_;
};

// gen-value = token / host / quoted-string at the cursor. Host covers IPv6 references with and
// without brackets (RFC 5118 §4.5 asks receivers to accept "received=[2001:db8::9:255]").
bool scan_gen_value(Cursor& c);

// A parameter as scan_header_params hands it to its caller: also says whether the value is a bare
// token, which the scan learns for free and callers (Via branch, To/From tag) would otherwise check
// in a second pass.
struct ScannedParam : Param {
  bool token_value = false;
};

namespace detail {
// scan_gen_value that also reports whether the value is one token.
inline bool scan_gen_value(Cursor& c, bool& token) {
  if (c.peek() == '"') {
    std::string_view q;
    token = false;
    return c.quoted_string(q);
  }
  const size_t v = c.pos();
  c.take(chars::kToken);
  token = c.pos() != v;
  if (chars::is(c.peek(), chars::kHostExtra) && !c.done()) {
    token = false;
    c.take(chars::kToken | chars::kHostExtra);
  }
  return c.pos() != v;
}
}  // namespace detail

// Scans header parameters (*( SEMI generic-param )) at the cursor. On success the cursor is after
// the last parameter and `out` holds them; returns false on a syntax error (empty name, bad value).
// The second form also calls on_param(const ScannedParam&) for each one as it is scanned, so a
// caller can pick out the parameters it needs without a second pass.
bool scan_header_params(Cursor& c, Params& out);

template <typename OnParam>
bool scan_header_params(Cursor& c, Params& out, OnParam&& on_param) {
  const size_t start = c.pos();
  size_t end = start;
  for (;;) {
    if (!c.consume_sep(';')) break;
    ScannedParam p;
    p.name = c.token();
    if (p.name.empty()) return false;
    if (c.consume_sep('=')) {
      const size_t v = c.pos();
      if (!detail::scan_gen_value(c, p.token_value)) return false;
      p.value = c.slice(v);
      p.has_value = true;
    }
    on_param(p);
    end = c.pos();
  }
  c.set_pos(end);
  out = Params(c.text().substr(start, end - start));
  return true;
}

// Scans URI parameters (*( ";" uri-parameter )) at the cursor; no whitespace, %HH escapes checked.
bool scan_uri_params(Cursor& c, Params& out);

}  // namespace pinana::sip
