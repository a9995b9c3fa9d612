#include "pinana/sip/params.h"

namespace pinana::sip {
namespace {

// gen-value = token / host / quoted-string. Host covers IPv6 references with and without brackets
// (RFC 5118 §4.5 asks receivers to accept "received=[2001:db8::9:255]").
bool scan_gen_value(Cursor& c) {
  std::string_view q;
  if (c.peek() == '"') return c.quoted_string(q);
  const size_t start = c.pos();
  while (!c.done()) {
    char ch = c.peek();
    if (chars::is_token(ch) || ch == ':' || ch == '[' || ch == ']') {
      c.advance();
    } else {
      break;
    }
  }
  return c.pos() != start;
}

// paramchar = param-unreserved / unreserved / escaped
bool scan_paramchars(Cursor& c) {
  const size_t start = c.pos();
  while (!c.done()) {
    char ch = c.peek();
    if (chars::is(ch, chars::kUnreserved | chars::kParamUnres)) {
      c.advance();
    } else if (ch == '%') {
      auto r = c.rest();
      if (r.size() < 3 || !chars::is_hex(r[1]) || !chars::is_hex(r[2])) return false;
      c.advance(3);
    } else {
      break;
    }
  }
  return c.pos() != start;
}

}  // namespace

Param Params::next(Cursor& c) {
  // The text was validated when it was scanned, so this only splits.
  Param p;
  const size_t s = c.pos();
  while (!c.done() && c.peek() != '=' && c.peek() != ';' && c.peek() != '\r' &&
         !chars::is_wsp(c.peek()))
    c.advance();
  p.name = c.slice(s);
  if (c.consume_sep('=')) {
    p.has_value = true;
    const size_t v = c.pos();
    if (c.peek() == '"') {
      std::string_view q;
      c.quoted_string(q);
    } else {
      while (!c.done() && c.peek() != ';' && c.peek() != '\r' && !chars::is_wsp(c.peek()))
        c.advance();
    }
    p.value = c.slice(v);
  }
  return p;
}

std::optional<Param> Params::find(std::string_view name) const {
  std::optional<Param> found;
  for_each([&](const Param& p) {
    if (chars::iequals(p.name, name)) {
      found = p;
      return false;
    }
    return true;
  });
  return found;
}

bool scan_header_params(Cursor& c, Params& out) {
  const size_t start = c.pos();
  size_t end = start;
  for (;;) {
    const size_t save = c.pos();
    if (!c.consume_sep(';')) {
      c.set_pos(save);
      break;
    }
    if (c.token().empty()) return false;
    if (c.consume_sep('=')) {
      if (!scan_gen_value(c)) return false;
    }
    end = c.pos();
  }
  c.set_pos(end);
  out = Params(c.text().substr(start, end - start));
  return true;
}

bool scan_uri_params(Cursor& c, Params& out) {
  const size_t start = c.pos();
  while (c.consume(';')) {
    if (!scan_paramchars(c)) return false;
    if (c.consume('=')) {
      if (!scan_paramchars(c)) return false;
    }
  }
  out = Params(c.text().substr(start, c.pos() - start));
  return true;
}

}  // namespace pinana::sip
