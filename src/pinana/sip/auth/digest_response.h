// The Digest computation (RFC 2617 §3.2.2, RFC 7616 §3.4.1-3.4.3, RFC 3261 §22.4):
//
//   HA1      = H(username ":" realm ":" password)       ; -sess: H(HA1 ":" nonce ":" cnonce)
//   HA2      = H(method ":" uri)                        ; auth-int: H(method ":" uri ":" H(body))
//   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
//            = H(HA1 ":" nonce ":" HA2)                 ; no qop (RFC 2069)
//
// All inputs are octets (quoted-pairs already resolved); digests are lowercase hex. Used by both
// DigestClient and DigestServer, and directly by tests against the RFC vectors. Pure functions;
// any thread.
#pragma once

#include <string>
#include <string_view>

#include "pinana/sip/auth/digest_algorithm.h"

namespace pinana::sip::auth {

// H(username ":" realm ":" password) with the hash of `algorithm` (the -sess step is not applied:
// this is what a credential store keeps per base algorithm).
std::string compute_ha1(DigestAlgorithm algorithm, std::string_view username,
                        std::string_view realm, std::string_view password);

struct DigestInput {
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  std::string_view ha1;  // compute_ha1() of the base algorithm; -sess is applied here
  std::string_view nonce;
  std::string_view cnonce;
  std::string_view nc;   // 8 hex digits as sent
  std::string_view qop;  // "auth", "auth-int", or "" for the RFC 2069 form
  std::string_view method;
  std::string_view uri;
  std::string_view body;  // auth-int only
};

// The request-digest; empty if the hash is unavailable.
std::string compute_response(const DigestInput& in);

}  // namespace pinana::sip::auth
