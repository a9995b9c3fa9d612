// The Digest parameters of a challenge (WWW-Authenticate / Proxy-Authenticate) and of a response
// (Authorization / Proxy-Authorization), RFC 3261 §22.4 and §25.1, RFC 7616 §3.3-3.4, and the
// functions that write them.
//
// Parsed structs hold views into the header value (which must outlive them): quoted values without
// their quotes, quoted-pairs unresolved (unquote_param() resolves them). Parsing checks what a
// receiver needs to trust the rest: required parameters present, none repeated, nc is 8 hex digits,
// response is hex; unknown parameters are ignored (RFC 7616 §3.3). Errors carry status 400.
//
// The format_* functions take octets and quote them ('"' and '\' escaped), so a value read with
// unquote_param() is written back unchanged. Plain values; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pinana/base/result.h"
#include "pinana/sip/auth/auth_header.h"
#include "pinana/sip/auth/digest_algorithm.h"

namespace pinana::sip::auth {

struct DigestChallenge {
  std::string_view realm;
  std::string_view nonce;
  std::string_view opaque;
  std::string_view domain;
  std::string_view algorithm_text;           // as written; "" when absent (MD5 implied)
  std::optional<DigestAlgorithm> algorithm;  // nullopt when algorithm_text is unknown to pinana
  std::string_view qop_options;              // "auth,auth-int" as written; "" when absent
  bool has_opaque = false;
  bool has_qop = false;
  bool stale = false;

  // True when `qop` ("auth", "auth-int") is one of the offered qop-options.
  bool offers_qop(std::string_view qop) const;
};

// `header` must be a Digest header (is_digest()); realm and nonce are required.
Result<DigestChallenge> parse_digest_challenge(const AuthHeader& header);

struct DigestCredentials {
  std::string_view username;
  std::string_view realm;
  std::string_view nonce;
  std::string_view uri;
  std::string_view response;
  std::string_view algorithm_text;           // "" when absent (MD5 implied)
  std::optional<DigestAlgorithm> algorithm;  // nullopt when algorithm_text is unknown to pinana
  std::string_view cnonce;
  std::string_view opaque;
  std::string_view qop;      // "" when absent (the RFC 2069 form)
  std::string_view nc_text;  // "00000001"
  uint32_t nc = 0;
  bool has_opaque = false;
  bool has_qop = false;
};

// `header` must be a Digest header. username, realm, nonce, uri and response are required; with
// qop, cnonce and nc are required too.
Result<DigestCredentials> parse_digest_credentials(const AuthHeader& header);

struct ChallengeFields {
  std::string_view realm;
  std::string_view nonce;
  std::string_view opaque;  // "" to leave it out
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string_view qop_options = "auth";  // "" to leave it out (never in SIP)
  bool stale = false;
};
// "Digest realm="…", nonce="…", opaque="…", algorithm=SHA-256, qop="auth"[, stale=true]"
std::string format_challenge(const ChallengeFields& f);

struct CredentialsFields {
  std::string_view username;
  std::string_view realm;
  std::string_view nonce;
  std::string_view uri;
  std::string_view response;
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string_view cnonce;  // with qop
  std::string_view opaque;
  bool has_opaque = false;
  std::string_view qop;  // "" for the RFC 2069 form (then no cnonce and nc)
  uint32_t nc = 1;
};
// "Digest username="…", realm="…", nonce="…", uri="…", response="…", algorithm=…,
// cnonce="…", opaque="…", qop=auth, nc=00000001"
std::string format_credentials(const CredentialsFields& f);

// Appends `octets` as a quoted-string, escaping '"' and '\'.
void append_quoted(std::string& out, std::string_view octets);

}  // namespace pinana::sip::auth
