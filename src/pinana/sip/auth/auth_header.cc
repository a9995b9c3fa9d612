// Scanner for the auth-param lists of the authentication header fields.
#include "pinana/sip/auth/auth_header.h"

#include "pinana/sip/charset.h"
#include "pinana/sip/lex.h"

namespace pinana::sip::auth {
namespace {

// One auth-param at the cursor; false on a syntax error. On success `out` holds views.
bool scan_param(Cursor& c, AuthParam& out) {
  out.name = c.token();
  if (out.name.empty()) return false;
  if (!c.consume_sep('=')) return false;
  if (c.peek() == '"') {
    std::string_view q;
    if (!c.quoted_string(q)) return false;
    out.value = q.substr(1, q.size() - 2);
    out.quoted = true;
  } else {
    out.value = c.token();
    out.quoted = false;
    if (out.value.empty()) return false;
  }
  return true;
}

// auth-param *(COMMA auth-param), the whole of `text`.
bool scan_param_list(std::string_view text) {
  Cursor c(text);
  AuthParam p;
  do {
    if (!scan_param(c, p)) return false;
  } while (c.consume_sep(','));
  c.skip_lws();
  return c.done();
}

}  // namespace

bool needs_unquote(std::string_view inside) {
  return inside.find_first_of("\\\r") != std::string_view::npos;
}

std::string unquote_param(std::string_view inside) {
  std::string out;
  out.reserve(inside.size());
  for (size_t i = 0; i < inside.size(); ++i) {
    const char ch = inside[i];
    if (ch == '\\' && i + 1 < inside.size()) {
      out.push_back(inside[++i]);
    } else if (ch == '\r' && i + 1 < inside.size() && inside[i + 1] == '\n') {
      ++i;  // the fold's WSP follows and is kept
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

bool AuthParams::next(size_t& pos, AuthParam& out) const {
  if (pos >= text_.size()) return false;
  Cursor c(text_);
  c.set_pos(pos);
  if (pos != 0 && !c.consume_sep(',')) return false;
  c.skip_lws();
  if (!scan_param(c, out)) return false;  // cannot happen: the text was checked
  pos = c.pos();  // the list is trimmed, so after the last parameter pos == size()
  return true;
}

std::optional<AuthParam> AuthParams::find(std::string_view name) const {
  std::optional<AuthParam> found;
  for_each([&](const AuthParam& p) {
    if (!chars::iequals(p.name, name)) return true;
    found = p;
    return false;
  });
  return found;
}

size_t AuthParams::size() const {
  size_t n = 0;
  for_each([&n](const AuthParam&) { return ++n, true; });
  return n;
}

bool AuthHeader::is_digest() const {
  return chars::iequals(scheme, "Digest");
}

Result<AuthHeader> parse_auth_header(std::string_view value) {
  Cursor c(value);
  c.skip_lws();
  AuthHeader h;
  h.scheme = c.token();
  if (h.scheme.empty()) return Error{400, "authentication header without a scheme"};
  const bool lws = c.skip_lws();
  h.data = trim_lws(c.rest());
  if (!h.data.empty() && !lws) return Error{400, "authentication scheme is not a token"};
  const bool params_ok = !h.data.empty() && scan_param_list(h.data);
  if (params_ok) h.params = AuthParams(h.data);
  if (h.is_digest() && !params_ok) {
    if (h.data.empty()) return Error{400, "Digest without parameters"};
    return Error{400, "malformed Digest parameters"};
  }
  return h;
}

}  // namespace pinana::sip::auth
