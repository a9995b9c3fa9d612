// RandomTokens: unguessable tokens for entity-tags (RFC 3903 §6: an etag is a capability to
// modify or remove a publication, so it must not be predictable) and dialog tags.
//
// Bytes come from OpenSSL's CSPRNG (RAND_bytes), drawn in blocks; if OpenSSL cannot supply them,
// std::random_device (getrandom/urandom on Linux) does. Tokens are base64url without padding, so
// they are valid SIP tokens. One thread (the presence core's).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace pinana::presence {

class RandomTokens {
 public:
  // `bytes` random octets as base64url: 16 octets give 22 characters (128 bits).
  std::string next(size_t bytes = 16);

 private:
  void refill();
  std::array<uint8_t, 512> pool_{};
  size_t used_ = pool_.size();
};

}  // namespace pinana::presence
