// DigestAlgorithm: the hash algorithms of SIP Digest authentication (RFC 7616 §3.3 names, allowed
// in SIP by RFC 8760), and the lowercase-hex hashing that the Digest computations are made of.
//
// MD5 is kept for backward compatibility only (RFC 8760 §2.3). The "-sess" variants share the hash
// of their base algorithm and differ only in how HA1 is derived (see digest_response.h).
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pinana::sip::auth {

enum class DigestAlgorithm : uint8_t {
  kMd5,
  kMd5Sess,
  kSha256,
  kSha256Sess,
  kSha512_256,
  kSha512_256Sess,
};

// The token used on the wire: "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", ...
std::string_view algorithm_name(DigestAlgorithm a);

// Case-insensitive lookup of a wire token; nullopt for an algorithm pinana does not implement.
std::optional<DigestAlgorithm> algorithm_from_name(std::string_view name);

constexpr bool is_session_variant(DigestAlgorithm a) {
  return a == DigestAlgorithm::kMd5Sess || a == DigestAlgorithm::kSha256Sess ||
         a == DigestAlgorithm::kSha512_256Sess;
}

// The algorithm without "-sess": the one whose HA1 a credential store keeps.
constexpr DigestAlgorithm base_algorithm(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::kMd5Sess:
      return DigestAlgorithm::kMd5;
    case DigestAlgorithm::kSha256Sess:
      return DigestAlgorithm::kSha256;
    case DigestAlgorithm::kSha512_256Sess:
      return DigestAlgorithm::kSha512_256;
    default:
      return a;
  }
}

// Length of the algorithm's digest in hex characters: 32 for MD5, 64 for the others.
constexpr size_t digest_hex_size(DigestAlgorithm a) {
  return base_algorithm(a) == DigestAlgorithm::kMd5 ? 32 : 64;
}

// Lowercase hex of H(data). Empty only if the OpenSSL provider lacks the hash (e.g. MD5 in a
// FIPS-only configuration); callers treat an empty digest as a failure.
std::string hash_hex(DigestAlgorithm a, std::string_view data);

}  // namespace pinana::sip::auth
