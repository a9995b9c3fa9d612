// NonceCodec (self-validating nonces) and NonceTracker (bounded nc memory).
#include <gtest/gtest.h>

#include <set>

#include "pinana/sip/auth/crypto.h"
#include "pinana/sip/auth/nonce_codec.h"
#include "pinana/sip/auth/nonce_tracker.h"

namespace pinana::sip::auth {
namespace {

std::vector<uint8_t> secret(uint8_t fill) {
  return std::vector<uint8_t>(32, fill);
}

TEST(NonceCodec, IssuedNonceChecksAndCarriesItsTime) {
  NonceCodec codec(secret(1));
  FakeClock clock;
  auto n = codec.issue("example.com", clock.now());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->size(), NonceCodec::kNonceSize);
  EXPECT_EQ(n->find_first_of("\"\\ ,"), std::string::npos);
  auto id = codec.check("example.com", *n);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->issued(), clock.now());
}

TEST(NonceCodec, NoncesAreUnique) {
  NonceCodec codec(secret(1));
  FakeClock clock;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(*codec.issue("r", clock.now()));
  EXPECT_EQ(seen.size(), 200u);  // same millisecond, still all different
}

TEST(NonceCodec, RefusesEveryAlteredCharacter) {
  NonceCodec codec(secret(1));
  FakeClock clock;
  const std::string n = *codec.issue("r", clock.now());
  for (size_t i = 0; i < n.size(); ++i) {
    std::string t = n;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(codec.check("r", t)) << "altered at " << i;
  }
  EXPECT_FALSE(codec.check("r", n.substr(1)));
  EXPECT_FALSE(codec.check("r", n + "A"));
  EXPECT_FALSE(codec.check("r", ""));
}

TEST(NonceCodec, BoundToRealmAndSecret) {
  NonceCodec codec(secret(1));
  NonceCodec other(secret(2));
  FakeClock clock;
  const std::string n = *codec.issue("r", clock.now());
  EXPECT_TRUE(codec.check("r", n));
  EXPECT_FALSE(codec.check("r2", n));
  EXPECT_FALSE(other.check("r", n));
  NonceCodec same(secret(1));  // a server sharing the secret accepts it
  EXPECT_TRUE(same.check("r", n));
}

TEST(NonceCodec, ForgedTimestampIsRefused) {
  // Moving the issue time forward (to extend a nonce's life) must break the tag.
  NonceCodec codec(secret(1));
  FakeClock clock;
  const std::string n = *codec.issue("r", clock.now());
  std::array<uint8_t, 36> raw;
  ASSERT_TRUE(base64url_decode(n, raw));
  raw[7] ^= 0x01;
  EXPECT_FALSE(codec.check("r", base64url_encode(raw)));
}

TEST(Base64Url, RoundTripAndStrictness) {
  for (size_t len : {0u, 1u, 2u, 3u, 4u, 5u, 36u}) {
    std::vector<uint8_t> in(len);
    for (size_t i = 0; i < len; ++i) in[i] = static_cast<uint8_t>(i * 37 + 250);
    std::string e = base64url_encode(in);
    std::vector<uint8_t> out(len);
    ASSERT_TRUE(base64url_decode(e, out)) << len;
    EXPECT_EQ(in, out);
  }
  std::array<uint8_t, 1> one;
  EXPECT_TRUE(base64url_decode("AA", one));
  EXPECT_FALSE(base64url_decode("AB", one));   // non-zero leftover bits
  EXPECT_FALSE(base64url_decode("A+", one));   // not the url alphabet
  EXPECT_FALSE(base64url_decode("AAA", one));  // wrong length
}

NonceId id_at(int64_t ms, uint8_t tag) {
  NonceId id;
  id.issued_ms = ms;
  id.random.fill(tag);
  return id;
}

TEST(NonceTracker, NcMustStrictlyIncrease) {
  NonceTracker t(10, std::chrono::seconds(60));
  FakeClock clock;
  const NonceId a = id_at(clock.now().time_since_epoch().count(), 1);
  EXPECT_EQ(t.use(a, 0, clock.now()), NonceTracker::Use::kReplay);  // nc starts at 1
  EXPECT_EQ(t.use(a, 1, clock.now()), NonceTracker::Use::kFresh);
  EXPECT_EQ(t.use(a, 1, clock.now()), NonceTracker::Use::kReplay);
  EXPECT_EQ(t.use(a, 3, clock.now()), NonceTracker::Use::kFresh);  // gaps are fine
  EXPECT_EQ(t.use(a, 2, clock.now()), NonceTracker::Use::kReplay);
  EXPECT_EQ(t.use(a, 4, clock.now()), NonceTracker::Use::kFresh);
  // Another nonce has its own count.
  EXPECT_EQ(t.use(id_at(a.issued_ms, 2), 1, clock.now()), NonceTracker::Use::kFresh);
  EXPECT_EQ(t.size(), 2u);
}

TEST(NonceTracker, ExpiresOldNonces) {
  NonceTracker t(10, std::chrono::seconds(60));
  FakeClock clock;
  const int64_t now = clock.now().time_since_epoch().count();
  EXPECT_EQ(t.use(id_at(now, 1), 1, clock.now()), NonceTracker::Use::kFresh);
  clock.advance(std::chrono::seconds(30));
  EXPECT_EQ(t.use(id_at(now + 30'000, 2), 1, clock.now()), NonceTracker::Use::kFresh);
  clock.advance(std::chrono::seconds(31));
  t.expire(clock.now());
  EXPECT_EQ(t.size(), 1u);  // the first one is past its lifetime
  // And cannot be used again, although its entry is gone.
  EXPECT_EQ(t.use(id_at(now, 1), 2, clock.now()), NonceTracker::Use::kForgotten);
  EXPECT_EQ(t.use(id_at(now, 3), 1, clock.now()), NonceTracker::Use::kForgotten);
}

TEST(NonceTracker, BoundedAndEvictedNoncesAreNotReplayable) {
  NonceTracker t(3, std::chrono::hours(1));
  FakeClock clock;
  const int64_t base = clock.now().time_since_epoch().count();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(t.use(id_at(base + i, 1), 1, clock.now()), NonceTracker::Use::kFresh);
  EXPECT_EQ(t.size(), 3u);
  // Nonces 0 and 1 were pushed out: a replay of them is not accepted as a first use.
  EXPECT_EQ(t.use(id_at(base, 1), 1, clock.now()), NonceTracker::Use::kForgotten);
  EXPECT_EQ(t.use(id_at(base + 1, 1), 2, clock.now()), NonceTracker::Use::kForgotten);
  // Those still tracked keep their counts.
  EXPECT_EQ(t.use(id_at(base + 4, 1), 1, clock.now()), NonceTracker::Use::kReplay);
  EXPECT_EQ(t.use(id_at(base + 4, 1), 2, clock.now()), NonceTracker::Use::kFresh);
  // A newer nonce is still welcome.
  EXPECT_EQ(t.use(id_at(base + 10, 1), 1, clock.now()), NonceTracker::Use::kFresh);
  EXPECT_EQ(t.size(), 3u);
}

}  // namespace
}  // namespace pinana::sip::auth
