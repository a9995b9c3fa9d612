#include "pinana/presence/packages/common/eid.h"

namespace pinana::presence::packages::common {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<Eid> Eid::parse(std::string_view text) {
  Eid eid;
  if (text.size() != 17) return Error{400, "bad eid: expected xx:xx:xx:xx:xx:xx"};
  bool all_zero = true;
  for (size_t i = 0; i < 6; ++i) {
    const size_t at = i * 3;
    const int hi = hex_value(text[at]);
    const int lo = hex_value(text[at + 1]);
    if (hi < 0 || lo < 0 || (i < 5 && text[at + 2] != ':'))
      return Error{400, "bad eid: expected xx:xx:xx:xx:xx:xx"};
    eid.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
    all_zero = all_zero && eid.bytes[i] == 0;
  }
  if (all_zero) return Error{400, "bad eid: all zero"};
  return eid;
}

std::string Eid::to_string() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(17);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0x0F]);
  }
  return out;
}

}  // namespace pinana::presence::packages::common
