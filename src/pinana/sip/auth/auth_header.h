// AuthHeader: the generic shape of the SIP authentication header values (RFC 3261 §25.1):
//
//   challenge   = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
//   credentials = ("Digest" LWS dig-resp *(COMMA dig-resp)) / other-response
//   auth-param  = auth-param-name EQUAL ( token / quoted-string )
//
// used by WWW-Authenticate, Proxy-Authenticate, Authorization and Proxy-Authorization (one
// challenge or one set of credentials per header field; SIP does not comma-join them).
//
// parse_auth_header() checks the syntax once and keeps views into the value, which must outlive
// the result; AuthParams::for_each() splits the checked text again on demand, as Params does.
// Schemes other than Digest are reported, not refused: their data need not be an auth-param list
// (RFC 4475 regaut01 sends "NoOneKnowsThisScheme opaque-data=here"), so the caller can ignore it
// and challenge. Nothing here throws or allocates. Plain values; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pinana/base/result.h"

namespace pinana::sip::auth {

struct AuthParam {
  std::string_view name;
  // A token as written, or the inside of a quoted string: quotes removed, quoted-pairs and line
  // folds kept (resolve them with unquote_param() when the octets matter).
  std::string_view value;
  bool quoted = false;
};

// The octets a quoted string's inside stands for: "\x" becomes "x" and a line fold (CRLF WSP)
// becomes its WSP. A token comes back unchanged.
std::string unquote_param(std::string_view inside);
// True when unquote_param() would change the text.
bool needs_unquote(std::string_view inside);

struct AuthHeader;
Result<AuthHeader> parse_auth_header(std::string_view value);

class AuthParams {
 public:
  AuthParams() = default;

  bool empty() const { return text_.empty(); }
  std::string_view text() const { return text_; }

  // Calls f(const AuthParam&) for each auth-param in order; stops early if f returns false.
  template <typename F>
  void for_each(F&& f) const {
    size_t pos = 0;
    AuthParam p;
    while (next(pos, p))
      if (!f(p)) return;
  }
  // The first parameter called `name` (case-insensitive).
  std::optional<AuthParam> find(std::string_view name) const;
  size_t size() const;

 private:
  friend Result<AuthHeader> parse_auth_header(std::string_view value);
  explicit AuthParams(std::string_view text) : text_(text) {}
  bool next(size_t& pos, AuthParam& out) const;
  std::string_view text_;  // a checked auth-param list
};

struct AuthHeader {
  std::string_view scheme;  // as written ("Digest", "digest", "NoOneKnowsThisScheme")
  AuthParams params;        // empty when `data` is not an auth-param list
  std::string_view data;    // everything after the scheme, LWS-trimmed

  bool is_digest() const;
};

// Parses one header field value. Errors (status 400): no scheme, a scheme that is not a token, a
// Digest scheme whose data is not a non-empty auth-param list (unterminated quoted string, missing
// "=", stray text, empty element). Another scheme's data is kept as text whatever its syntax.
Result<AuthHeader> parse_auth_header(std::string_view value);

}  // namespace pinana::sip::auth
