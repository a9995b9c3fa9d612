// HA1 / HA2 / request-digest.
#include "pinana/sip/auth/digest_response.h"

#include <initializer_list>

namespace pinana::sip::auth {
namespace {

// a ":" b ":" c ... as one string, for hashing.
std::string join(std::initializer_list<std::string_view> parts) {
  size_t n = parts.size();
  for (auto p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  bool first = true;
  for (auto p : parts) {
    if (!first) out += ':';
    out += p;
    first = false;
  }
  return out;
}

}  // namespace

std::string compute_ha1(DigestAlgorithm algorithm, std::string_view username,
                        std::string_view realm, std::string_view password) {
  return hash_hex(algorithm, join({username, realm, password}));
}

std::string compute_response(const DigestInput& in) {
  std::string ha1(in.ha1);
  if (is_session_variant(in.algorithm))
    ha1 = hash_hex(in.algorithm, join({ha1, in.nonce, in.cnonce}));
  std::string ha2;
  if (in.qop == "auth-int") {
    const std::string body_hash = hash_hex(in.algorithm, in.body);
    if (body_hash.empty()) return {};
    ha2 = hash_hex(in.algorithm, join({in.method, in.uri, body_hash}));
  } else {
    ha2 = hash_hex(in.algorithm, join({in.method, in.uri}));
  }
  if (ha1.empty() || ha2.empty()) return {};
  if (in.qop.empty()) return hash_hex(in.algorithm, join({ha1, in.nonce, ha2}));
  return hash_hex(in.algorithm, join({ha1, in.nonce, in.nc, in.cnonce, in.qop, ha2}));
}

}  // namespace pinana::sip::auth
