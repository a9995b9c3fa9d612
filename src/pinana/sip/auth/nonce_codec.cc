// Self-validating nonces: issued time, random bytes and a truncated HMAC over both.
#include "pinana/sip/auth/nonce_codec.h"

#include <cstring>

#include "pinana/sip/auth/crypto.h"

namespace pinana::sip::auth {
namespace {

constexpr size_t kRawSize = 8 + 12 + 16;

void put_be64(uint64_t v, uint8_t* p) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}

uint64_t get_be64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

bool NonceCodec::tag(std::string_view realm, const NonceId& id,
                     std::array<uint8_t, 16>& out) const {
  // realm 0x00 issued random: the 0x00 keeps "ab"+time apart from "a"+"b..." (realms are text).
  std::vector<uint8_t> data(realm.size() + 1 + 8 + id.random.size());
  std::memcpy(data.data(), realm.data(), realm.size());
  data[realm.size()] = 0;
  put_be64(static_cast<uint64_t>(id.issued_ms), data.data() + realm.size() + 1);
  std::memcpy(data.data() + realm.size() + 9, id.random.data(), id.random.size());
  Sha256Mac mac;
  if (!hmac_sha256(secret_, data, mac)) return false;
  std::memcpy(out.data(), mac.data(), out.size());
  return true;
}

Result<std::string> NonceCodec::issue(std::string_view realm, TimePoint now) const {
  NonceId id;
  id.issued_ms = now.time_since_epoch().count();
  if (!random_bytes(id.random)) return Error{500, "no random bytes for a nonce"};
  std::array<uint8_t, 16> t;
  if (!tag(realm, id, t)) return Error{500, "HMAC failed"};
  std::array<uint8_t, kRawSize> raw;
  put_be64(static_cast<uint64_t>(id.issued_ms), raw.data());
  std::memcpy(raw.data() + 8, id.random.data(), id.random.size());
  std::memcpy(raw.data() + 20, t.data(), t.size());
  return base64url_encode(raw);
}

std::optional<NonceId> NonceCodec::check(std::string_view realm, std::string_view nonce) const {
  std::array<uint8_t, kRawSize> raw;
  if (nonce.size() != kNonceSize || !base64url_decode(nonce, raw)) return std::nullopt;
  NonceId id;
  id.issued_ms = static_cast<int64_t>(get_be64(raw.data()));
  std::memcpy(id.random.data(), raw.data() + 8, id.random.size());
  std::array<uint8_t, 16> expected;
  if (!tag(realm, id, expected)) return std::nullopt;
  if (!constant_time_equal(std::span<const uint8_t>(expected),
                           std::span<const uint8_t>(raw.data() + 20, 16)))
    return std::nullopt;
  return id;
}

}  // namespace pinana::sip::auth
