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

// Scans header parameters (*( SEMI generic-param )) at the cursor. On success the cursor is after
// the last parameter and `out` holds them; returns false on a syntax error (empty name, bad value).
bool scan_header_params(Cursor& c, Params& out);

// Scans URI parameters (*( ";" uri-parameter )) at the cursor; no whitespace, %HH escapes checked.
bool scan_uri_params(Cursor& c, Params& out);

}  // namespace pinana::sip
