#include "pinana/sip/header_id.h"

#include <array>

#include "pinana/sip/charset.h"

namespace pinana::sip {
namespace {

struct Names {
  std::string_view name;
  std::string_view compact;
};

constexpr std::array<Names, static_cast<size_t>(HeaderId::kCount)> kNames = {{
    {"", ""},
    {"Accept", ""},
    {"Accept-Encoding", ""},
    {"Accept-Language", ""},
    {"Allow", ""},
    {"Allow-Events", "u"},
    {"Authentication-Info", ""},
    {"Authorization", ""},
    {"Call-ID", "i"},
    {"Contact", "m"},
    {"Content-Disposition", ""},
    {"Content-Encoding", "e"},
    {"Content-Language", ""},
    {"Content-Length", "l"},
    {"Content-Type", "c"},
    {"CSeq", ""},
    {"Date", ""},
    {"Event", "o"},
    {"Expires", ""},
    {"From", "f"},
    {"Max-Forwards", ""},
    {"Min-Expires", ""},
    {"Proxy-Authenticate", ""},
    {"Proxy-Authorization", ""},
    {"Proxy-Require", ""},
    {"Record-Route", ""},
    {"Refer-To", "r"},
    {"Require", ""},
    {"Retry-After", ""},
    {"Route", ""},
    {"Server", ""},
    {"SIP-ETag", ""},
    {"SIP-If-Match", ""},
    {"Subject", "s"},
    {"Subscription-State", ""},
    {"Supported", "k"},
    {"Timestamp", ""},
    {"To", "t"},
    {"Unsupported", ""},
    {"User-Agent", ""},
    {"Via", "v"},
    {"Warning", ""},
    {"WWW-Authenticate", ""},
}};

}  // namespace

std::string_view canonical_name(HeaderId id) {
  return kNames[static_cast<size_t>(id)].name;
}
std::string_view compact_name(HeaderId id) {
  return kNames[static_cast<size_t>(id)].compact;
}

namespace {

// Buckets by (length, first letter): at most kSlots names share one, so a lookup compares the
// length and first letter by index and then one or two whole names.
constexpr size_t kSlots = 3;
constexpr size_t kMaxLen = 32;
using Buckets = std::array<std::array<uint8_t, kSlots>, kMaxLen * 32>;

constexpr size_t bucket_of(size_t len, char first) {
  return (len & (kMaxLen - 1)) * 32 + (static_cast<unsigned char>(chars::lower(first)) & 31);
}

constexpr Buckets make_buckets() {
  Buckets b{};
  for (size_t i = 1; i < kNames.size(); ++i) {
    for (std::string_view n : {kNames[i].name, kNames[i].compact}) {
      if (n.empty()) continue;
      auto& slot = b[bucket_of(n.size(), n[0])];
      size_t k = 0;
      while (slot[k] != 0) ++k;  // a constexpr overflow here fails the build: raise kSlots
      slot[k] = static_cast<uint8_t>(i);
    }
  }
  return b;
}

constexpr Buckets kBuckets = make_buckets();

}  // namespace

HeaderId lookup_header(std::string_view name) {
  if (name.empty() || name.size() >= kMaxLen) return HeaderId::kUnknown;
  for (uint8_t id : kBuckets[bucket_of(name.size(), name[0])]) {
    if (id == 0) break;
    const auto& n = kNames[id];
    if (chars::iequals_token(name.size() == 1 ? n.compact : n.name, name))
      return static_cast<HeaderId>(id);
  }
  return HeaderId::kUnknown;
}

}  // namespace pinana::sip
