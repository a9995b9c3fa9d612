// Algorithm names and hashing through OpenSSL's EVP interface.
#include "pinana/sip/auth/digest_algorithm.h"

#include <openssl/evp.h>

#include "pinana/sip/auth/crypto.h"
#include "pinana/sip/charset.h"

namespace pinana::sip::auth {
namespace {

struct Named {
  std::string_view name;
  DigestAlgorithm algorithm;
};

constexpr Named kNames[] = {
    {"MD5", DigestAlgorithm::kMd5},
    {"MD5-sess", DigestAlgorithm::kMd5Sess},
    {"SHA-256", DigestAlgorithm::kSha256},
    {"SHA-256-sess", DigestAlgorithm::kSha256Sess},
    {"SHA-512-256", DigestAlgorithm::kSha512_256},
    {"SHA-512-256-sess", DigestAlgorithm::kSha512_256Sess},
};

const EVP_MD* evp_for(DigestAlgorithm a) {
  switch (base_algorithm(a)) {
    case DigestAlgorithm::kMd5:
      return EVP_md5();
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    default:
      return EVP_sha512_256();
  }
}

}  // namespace

std::string_view algorithm_name(DigestAlgorithm a) {
  for (const auto& n : kNames)
    if (n.algorithm == a) return n.name;
  return "MD5";  // unreachable: every enumerator is in the table
}

std::optional<DigestAlgorithm> algorithm_from_name(std::string_view name) {
  for (const auto& n : kNames)
    if (chars::iequals(n.name, name)) return n.algorithm;
  return std::nullopt;
}

std::string hash_hex(DigestAlgorithm a, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, evp_for(a), nullptr) != 1) return {};
  return to_hex(std::span<const uint8_t>(md, len));
}

}  // namespace pinana::sip::auth
