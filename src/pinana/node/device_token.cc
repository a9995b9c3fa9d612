#include "pinana/node/device_token.h"

namespace pinana::node {
namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_lower(unsigned char c) {
  return c >= 'a' && c <= 'z';
}
bool is_upper(unsigned char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
int hex_value(char c) {
  if (is_digit(static_cast<unsigned char>(c))) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper-case hex is not produced, so not accepted
}

}  // namespace

std::string encode_token(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 8);
  bool upper = false;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_lower(c) || is_upper(c)) {
      if (is_upper(c) != upper) {
        upper = !upper;
        out += '.';
      }
      out += static_cast<char>(upper ? c - 'A' + 'a' : c);
    } else if (is_digit(c)) {
      out += ch;
    } else if (c == '/') {
      out += '-';
    } else {
      out += '_';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> decode_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  bool upper = false;
  for (size_t i = 0; i < token.size(); ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c == '.') {
      // A toggle must be followed by a letter (the encoder toggles only right before one).
      if (i + 1 >= token.size() || !is_lower(static_cast<unsigned char>(token[i + 1]))) {
        return std::nullopt;
      }
      upper = !upper;
    } else if (is_lower(c)) {
      out += static_cast<char>(upper ? c - 'a' + 'A' : c);
    } else if (is_digit(c)) {
      out += static_cast<char>(c);
    } else if (c == '-') {
      out += '/';
    } else if (c == '_') {
      if (i + 2 >= token.size()) return std::nullopt;
      const int hi = hex_value(token[i + 1]), lo = hex_value(token[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const auto b = static_cast<unsigned char>(hi * 16 + lo);
      // Bytes with a shorter encoding are never escaped.
      if (is_lower(b) || is_upper(b) || is_digit(b) || b == '/') return std::nullopt;
      out += static_cast<char>(b);
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  // Canonical form only: the run toggles exactly where the encoder toggles.
  if (encode_token(out) != token) return std::nullopt;
  return out;
}

std::string device_user(std::string_view device) {
  std::string u(kDeviceUserPrefix);
  u += encode_token(device);
  return u;
}

std::optional<std::string> device_of_user(std::string_view user) {
  if (!user.starts_with(kDeviceUserPrefix)) return std::nullopt;
  auto name = decode_token(user.substr(kDeviceUserPrefix.size()));
  if (!name || name->empty()) return std::nullopt;
  return name;
}

std::string mailbox_user(std::string_view mailbox, const state::Eid& eid) {
  std::string u(kMailboxUserPrefix);
  for (uint8_t b : eid.bytes) {
    u += kHex[b >> 4];
    u += kHex[b & 15];
  }
  u += '-';
  u += encode_token(mailbox);
  return u;
}

}  // namespace pinana::node
