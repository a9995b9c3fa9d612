// Character classes of the RFC 3261 grammar (§25.1), as constexpr lookup tables.
//
// Pure functions over bytes; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace pinana::sip::chars {

enum : uint16_t {
  kAlpha = 1 << 0,
  kDigit = 1 << 1,
  kHex = 1 << 2,
  kToken = 1 << 3,  // token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
  kUnreserved = 1 << 4,   // alphanum / mark
  kUserUnres = 1 << 5,    // user-unreserved: & = + $ , ; ? /
  kParamUnres = 1 << 6,   // param-unreserved: [ ] / : & + $
  kHnvUnres = 1 << 7,     // hnv-unreserved: [ ] / ? : + $
  kPasswdExtra = 1 << 8,  // password: & = + $ ,
  kWord = 1 << 9,         // word: token chars plus ( ) < > : \ " / [ ] ? { }
  kWsp = 1 << 10,
  kUric = 1 << 11,       // RFC 2396 uric: reserved / unreserved (escaped handled apart)
  kHostExtra = 1 << 12,  // ':' '[' ']': what a host adds to token characters in gen-value
};

constexpr std::array<uint16_t, 256> make_table() {
  std::array<uint16_t, 256> t{};
  auto add = [&t](std::string_view s, uint16_t f) {
    for (char c : s) t[static_cast<unsigned char>(c)] |= f;
  };
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kAlpha | kToken | kUnreserved | kWord | kUric;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kAlpha | kToken | kUnreserved | kWord | kUric;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kDigit | kHex | kToken | kUnreserved | kWord | kUric;
  add("abcdefABCDEF", kHex);
  add("-.!%*_+`'~", kToken | kWord);
  add("-_.!~*'()", kUnreserved | kUric);
  add("&=+$,;?/", kUserUnres);
  add("[]/:&+$", kParamUnres);
  add("[]/?:+$", kHnvUnres);
  add("&=+$,", kPasswdExtra);
  add("()<>:\\\"/[]?{}", kWord);
  add(" \t", kWsp);
  add(";/?:@&=+$,", kUric);
  add(":[]", kHostExtra);
  return t;
}

inline constexpr std::array<uint16_t, 256> kTable = make_table();

constexpr bool is(char c, uint16_t f) {
  return (kTable[static_cast<unsigned char>(c)] & f) != 0;
}
constexpr bool is_alpha(char c) {
  return is(c, kAlpha);
}
constexpr bool is_digit(char c) {
  return is(c, kDigit);
}
constexpr bool is_hex(char c) {
  return is(c, kHex);
}
constexpr bool is_token(char c) {
  return is(c, kToken);
}
constexpr bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// The end of the run of class `flags` that starts at d[i], i < n. Four bytes per round while
// four remain: the runs are tokens, hosts and parameter values, usually longer than that.
inline size_t scan(const char* d, size_t i, size_t n, uint16_t flags) {
  for (; i + 4 <= n; i += 4) {
    if (!is(d[i], flags)) return i;
    if (!is(d[i + 1], flags)) return i + 1;
    if (!is(d[i + 2], flags)) return i + 2;
    if (!is(d[i + 3], flags)) return i + 3;
  }
  while (i < n && is(d[i], flags)) ++i;
  return i;
}

constexpr bool is_token(std::string_view s) {
  if (s.empty()) return false;
  if (!std::is_constant_evaluated()) return scan(s.data(), 0, s.size(), kToken) == s.size();
  for (char c : s)
    if (!is_token(c)) return false;
  return true;
}

constexpr bool is_digit_string(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}

constexpr char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Case-insensitive equality of two tokens (RFC 3261 token characters only), eight bytes at a
// time: among token characters, setting bit 0x20 folds exactly the upper-case letters.
inline bool iequals_token(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    uint64_t x, y;
    __builtin_memcpy(&x, a.data() + i, 8);
    __builtin_memcpy(&y, b.data() + i, 8);
    if ((x | 0x2020202020202020ull) != (y | 0x2020202020202020ull)) return false;
  }
  if (i < a.size() && a.size() >= 8) {  // the tail as one overlapping word
    uint64_t x, y;
    __builtin_memcpy(&x, a.data() + a.size() - 8, 8);
    __builtin_memcpy(&y, b.data() + b.size() - 8, 8);
    return (x | 0x2020202020202020ull) == (y | 0x2020202020202020ull);
  }
  for (; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace pinana::sip::chars
