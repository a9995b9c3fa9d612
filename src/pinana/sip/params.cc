#include "pinana/sip/params.h"

namespace pinana::sip {
namespace {

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

bool scan_gen_value(Cursor& c) {
  std::string_view q;
  if (c.peek() == '"') return c.quoted_string(q);
  return !c.take(chars::kToken | chars::kHostExtra).empty();
}

bool scan_header_params(Cursor& c, Params& out) {
  return scan_header_params(c, out, [](const Param&) {});
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
