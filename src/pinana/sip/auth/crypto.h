// Small wrappers over OpenSSL for the Digest code: secure random bytes, HMAC-SHA256, constant-time
// comparison, hex and unpadded base64url (RFC 4648 §5) encoding.
//
// Internal to pinana_sip_auth. Pure functions (OpenSSL's RNG is thread-safe); any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pinana::sip::auth {

// Fills `out` from OpenSSL's CSPRNG. False if the generator could not be seeded.
bool random_bytes(std::span<uint8_t> out);

using Sha256Mac = std::array<uint8_t, 32>;

// HMAC-SHA256(key, data). False only if OpenSSL fails.
bool hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data, Sha256Mac& out);

// Equal length and equal bytes, in time that depends only on the length.
bool constant_time_equal(std::string_view a, std::string_view b);
bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);

std::string to_hex(std::span<const uint8_t> bytes);  // lowercase

std::string base64url_encode(std::span<const uint8_t> bytes);
// Decodes unpadded base64url text into exactly out.size() bytes; false on any other length or on
// a character outside the alphabet.
bool base64url_decode(std::string_view text, std::span<uint8_t> out);

}  // namespace pinana::sip::auth
