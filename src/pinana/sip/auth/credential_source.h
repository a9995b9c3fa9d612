// CredentialSource: where DigestServer learns a user's secret. The hub implements it over its
// configuration or user database; tests implement it over a map.
//
// A source answers with the password, or with the HA1 of the asked hash (RFC 8760 §3: an MD5 HA1
// cannot give a SHA-256 one, so a store that keeps no passwords keeps one HA1 per algorithm).
// Called synchronously from the DigestServer's thread, once per verified request; it must not
// block on I/O (look up a cache; fetch ahead of time).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pinana/sip/auth/digest_algorithm.h"

namespace pinana::sip::auth {

struct DigestSecret {
  enum class Kind : uint8_t { kPassword, kHa1 };
  Kind kind = Kind::kPassword;
  // The password, or the hex H(username ":" realm ":" password) for the asked algorithm.
  std::string value;
};

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The secret of `username` in `realm` (both as octets, quoted-pairs resolved) for hash
  // `algorithm` (a base algorithm: kMd5, kSha256 or kSha512_256); nullopt for an unknown user.
  virtual std::optional<DigestSecret> lookup(std::string_view username, std::string_view realm,
                                             DigestAlgorithm algorithm) const = 0;
};

}  // namespace pinana::sip::auth
