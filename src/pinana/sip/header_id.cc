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

// A perfect hash of (length, first letter, last letter) over the long names, checked when the
// table is built: a lookup hashes, then compares the one candidate a word or half-word at a time.
// Compact names are one letter and have their own table.
constexpr size_t kHashSize = 128;
constexpr size_t kMaxLen = 24;  // longer than every name; candidates are stored zero-padded

constexpr size_t hash_of(size_t len, char first, char last) {
  return (len * 19 + static_cast<unsigned char>(first | 0x20) +
          static_cast<unsigned char>(last | 0x20) * 57) &
         (kHashSize - 1);
}

struct Slot {
  std::array<char, kMaxLen> lower{};  // the name in lower case, zero-padded
  uint8_t len = 0;
  uint8_t id = 0;
};

struct Tables {
  std::array<Slot, kHashSize> slots{};
  std::array<uint8_t, 32> compact{};  // by (letter & 31)
};

constexpr Tables make_tables() {
  Tables t{};
  for (size_t i = 1; i < kNames.size(); ++i) {
    const std::string_view n = kNames[i].name;
    Slot& s = t.slots[hash_of(n.size(), n.front(), n.back())];
    // Two names in one slot would make the constexpr evaluation fail here: change the hash.
    if (s.id != 0 || n.size() >= kMaxLen) throw "lookup_header: hash collision";
    for (size_t k = 0; k < n.size(); ++k) s.lower[k] = chars::lower(n[k]);
    s.len = static_cast<uint8_t>(n.size());
    s.id = static_cast<uint8_t>(i);
    if (!kNames[i].compact.empty()) t.compact[kNames[i].compact[0] & 31] = static_cast<uint8_t>(i);
  }
  return t;
}

constexpr Tables kTables = make_tables();

template <typename W>
inline W load(const char* p) {
  W w;
  __builtin_memcpy(&w, p, sizeof(W));
  return w;
}

// Case-insensitive equality of `name` and a lower-case candidate of the same length, by
// overlapping loads. Setting bit 0x20 folds exactly the upper-case letters among token
// characters (as chars::iequals_token does), and every canonical name is letters and "-".
inline bool equals_lower(const char* name, const char* lower, size_t len) {
  if (len >= 8) {
    constexpr uint64_t kFold = 0x2020202020202020ull;
    uint64_t diff = (load<uint64_t>(name) | kFold) ^ load<uint64_t>(lower);
    if (len > 16) diff |= (load<uint64_t>(name + 8) | kFold) ^ load<uint64_t>(lower + 8);
    diff |= (load<uint64_t>(name + len - 8) | kFold) ^ load<uint64_t>(lower + len - 8);
    return diff == 0;
  }
  if (len >= 4) {
    constexpr uint32_t kFold = 0x20202020u;
    return (((load<uint32_t>(name) | kFold) ^ load<uint32_t>(lower)) |
            ((load<uint32_t>(name + len - 4) | kFold) ^ load<uint32_t>(lower + len - 4))) == 0;
  }
  for (size_t k = 0; k < len; ++k)
    if ((name[k] | 0x20) != lower[k]) return false;
  return true;
}

}  // namespace

HeaderId lookup_header(std::string_view name) {
  const size_t len = name.size();
  if (len == 1) {
    const char c = name[0];
    if (!chars::is_alpha(c)) return HeaderId::kUnknown;
    return static_cast<HeaderId>(kTables.compact[c & 31]);
  }
  if (len == 0 || len >= kMaxLen) return HeaderId::kUnknown;
  const Slot& s = kTables.slots[hash_of(len, name.front(), name.back())];
  if (s.len != len || !equals_lower(name.data(), s.lower.data(), len)) return HeaderId::kUnknown;
  return static_cast<HeaderId>(s.id);
}

}  // namespace pinana::sip
