// NonceCodec: issues server nonces that prove their own origin and age, so the server keeps no
// state per challenge (RFC 7616 §3.3 "nonce", §5.4; RFC 3261 §22.4).
//
// A nonce is the unpadded base64url of
//   issued (8 bytes, big-endian ms of the injected Clock) | random (12 bytes, RAND_bytes)
//   | tag (16 bytes: HMAC-SHA256(secret, realm 0x00 issued random), truncated)
// 48 characters, none of which needs quoting. The tag binds the nonce to the realm and to this
// server's secret; the random part makes it unguessable and unique. Nonces from another process
// check only if it shares the secret and its clock agrees (a steady clock restarts at boot).
//
// Owned by its DigestServer; const methods are safe from any thread (no mutable state).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/base/result.h"

namespace pinana::sip::auth {

// The unique part of a nonce: when it was issued and its random bytes. Ordered by issue time.
struct NonceId {
  int64_t issued_ms = 0;
  std::array<uint8_t, 12> random{};
  auto operator<=>(const NonceId&) const = default;
  TimePoint issued() const { return TimePoint(Duration(issued_ms)); }
};

class NonceCodec {
 public:
  static constexpr size_t kMinSecretSize = 16;
  static constexpr size_t kNonceSize = 48;  // characters

  // `secret` must hold at least kMinSecretSize bytes (DigestServer checks).
  explicit NonceCodec(std::vector<uint8_t> secret) : secret_(std::move(secret)) {}

  // A fresh nonce for `realm`. Fails (status 500) only if OpenSSL cannot produce random bytes.
  Result<std::string> issue(std::string_view realm, TimePoint now) const;

  // The nonce's id if it was issued by this codec for `realm` (tag checked in constant time);
  // nullopt for anything else: wrong length, bad characters, altered bytes, another realm.
  std::optional<NonceId> check(std::string_view realm, std::string_view nonce) const;

 private:
  bool tag(std::string_view realm, const NonceId& id, std::array<uint8_t, 16>& out) const;
  std::vector<uint8_t> secret_;
};

}  // namespace pinana::sip::auth
