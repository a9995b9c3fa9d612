#include "pinana/presence/random_tokens.h"

#include <openssl/rand.h>

#include <random>

namespace pinana::presence {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

void RandomTokens::refill() {
  if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) {
    std::random_device rd;
    for (auto& b : pool_) b = static_cast<uint8_t>(rd());
  }
  used_ = 0;
}

std::string RandomTokens::next(size_t bytes) {
  std::string out;
  out.reserve((bytes * 4 + 2) / 3);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < bytes; ++i) {
    if (used_ == pool_.size()) refill();
    acc = (acc << 8) | pool_[used_];
    pool_[used_++] = 0;  // a token's bytes are not kept once handed out
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace pinana::presence
