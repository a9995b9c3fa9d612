// Digest challenge and credentials: checked field extraction and formatting.
#include "pinana/sip/auth/digest_params.h"

#include <array>
#include <cstdio>

#include "pinana/sip/charset.h"
#include "pinana/sip/lex.h"

namespace pinana::sip::auth {
namespace {

// Assigns each known parameter to its slot, refusing repeats (RFC 7616 §3.3: a parameter appears
// at most once). Unknown parameters are skipped.
template <size_t N>
Status collect(const AuthHeader& header, const std::array<std::string_view, N>& names,
               std::array<std::optional<AuthParam>, N>& slots) {
  std::string_view repeated;
  header.params.for_each([&](const AuthParam& p) {
    for (size_t i = 0; i < N; ++i) {
      if (!chars::iequals(p.name, names[i])) continue;
      if (slots[i]) {
        repeated = names[i];
        return false;
      }
      slots[i] = p;
      break;
    }
    return true;
  });
  if (!repeated.empty()) return Error{400, "Digest parameter repeated: " + std::string(repeated)};
  return Status::Ok();
}

bool is_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!chars::is_hex(c)) return false;
  return true;
}

std::optional<uint32_t> parse_nc(std::string_view s) {
  if (s.size() != 8 || !is_hex(s)) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) v = (v << 4) | static_cast<uint32_t>(chars::hex_value(c));
  return v;
}

void append_param(std::string& out, std::string_view name, std::string_view value, bool quote) {
  out += ", ";
  out += name;
  out += '=';
  if (quote) {
    append_quoted(out, value);
  } else {
    out += value;
  }
}

}  // namespace

bool DigestChallenge::offers_qop(std::string_view qop) const {
  bool found = false;
  size_t start = 0;
  for (size_t i = 0; i <= qop_options.size() && !found; ++i) {
    if (i < qop_options.size() && qop_options[i] != ',') continue;
    found = chars::iequals(trim_lws(qop_options.substr(start, i - start)), qop);
    start = i + 1;
  }
  return found;
}

Result<DigestChallenge> parse_digest_challenge(const AuthHeader& header) {
  if (!header.is_digest()) return Error{400, "not a Digest challenge"};
  enum { kRealm, kNonce, kOpaque, kDomain, kAlgorithm, kQop, kStale, kCount };
  static constexpr std::array<std::string_view, kCount> kNames = {
      "realm", "nonce", "opaque", "domain", "algorithm", "qop", "stale"};
  std::array<std::optional<AuthParam>, kCount> s;
  if (auto st = collect(header, kNames, s); !st) return st.error();
  if (!s[kRealm]) return Error{400, "Digest challenge without realm"};
  if (!s[kNonce]) return Error{400, "Digest challenge without nonce"};
  DigestChallenge c;
  c.realm = s[kRealm]->value;
  c.nonce = s[kNonce]->value;
  if (s[kOpaque]) c.opaque = s[kOpaque]->value, c.has_opaque = true;
  if (s[kDomain]) c.domain = s[kDomain]->value;
  if (s[kAlgorithm]) {
    c.algorithm_text = s[kAlgorithm]->value;
    c.algorithm = algorithm_from_name(c.algorithm_text);
  } else {
    c.algorithm = DigestAlgorithm::kMd5;  // RFC 2617 §3.2.1: absent means MD5
  }
  if (s[kQop]) c.qop_options = s[kQop]->value, c.has_qop = true;
  if (s[kStale]) c.stale = chars::iequals(s[kStale]->value, "true");
  return c;
}

Result<DigestCredentials> parse_digest_credentials(const AuthHeader& header) {
  if (!header.is_digest()) return Error{400, "not Digest credentials"};
  enum { kUser, kRealm, kNonce, kUri, kResponse, kAlgorithm, kCnonce, kOpaque, kQop, kNc, kCount };
  static constexpr std::array<std::string_view, kCount> kNames = {
      "username",  "realm",  "nonce",  "uri", "response",
      "algorithm", "cnonce", "opaque", "qop", "nc"};
  std::array<std::optional<AuthParam>, kCount> s;
  if (auto st = collect(header, kNames, s); !st) return st.error();
  for (int required : {kUser, kRealm, kNonce, kUri, kResponse}) {
    if (!s[required])
      return Error{400, "Digest credentials without " + std::string(kNames[required])};
  }
  DigestCredentials d;
  d.username = s[kUser]->value;
  d.realm = s[kRealm]->value;
  d.nonce = s[kNonce]->value;
  d.uri = s[kUri]->value;
  d.response = s[kResponse]->value;
  if (!is_hex(d.response)) return Error{400, "Digest response is not hex"};
  if (s[kAlgorithm]) {
    d.algorithm_text = s[kAlgorithm]->value;
    d.algorithm = algorithm_from_name(d.algorithm_text);
  } else {
    d.algorithm = DigestAlgorithm::kMd5;
  }
  if (s[kOpaque]) d.opaque = s[kOpaque]->value, d.has_opaque = true;
  if (s[kQop]) {
    d.qop = s[kQop]->value;
    d.has_qop = true;
    if (!s[kCnonce]) return Error{400, "Digest credentials with qop but without cnonce"};
    if (!s[kNc]) return Error{400, "Digest credentials with qop but without nc"};
    d.cnonce = s[kCnonce]->value;
    d.nc_text = s[kNc]->value;
    auto nc = parse_nc(d.nc_text);
    if (!nc) return Error{400, "Digest nc is not 8 hex digits"};
    d.nc = *nc;
  }
  return d;
}

void append_quoted(std::string& out, std::string_view octets) {
  out += '"';
  for (char c : octets) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

std::string format_challenge(const ChallengeFields& f) {
  std::string out = "Digest realm=";
  append_quoted(out, f.realm);
  append_param(out, "nonce", f.nonce, true);
  if (!f.opaque.empty()) append_param(out, "opaque", f.opaque, true);
  append_param(out, "algorithm", algorithm_name(f.algorithm), false);
  if (!f.qop_options.empty()) append_param(out, "qop", f.qop_options, true);
  if (f.stale) append_param(out, "stale", "true", false);
  return out;
}

std::string format_credentials(const CredentialsFields& f) {
  std::string out = "Digest username=";
  append_quoted(out, f.username);
  append_param(out, "realm", f.realm, true);
  append_param(out, "nonce", f.nonce, true);
  append_param(out, "uri", f.uri, true);
  append_param(out, "response", f.response, true);
  append_param(out, "algorithm", algorithm_name(f.algorithm), false);
  if (!f.qop.empty()) append_param(out, "cnonce", f.cnonce, true);
  if (f.has_opaque) append_param(out, "opaque", f.opaque, true);
  if (!f.qop.empty()) {
    append_param(out, "qop", f.qop, false);
    char nc[9];
    std::snprintf(nc, sizeof nc, "%08x", f.nc);
    append_param(out, "nc", nc, false);
  }
  return out;
}

}  // namespace pinana::sip::auth
