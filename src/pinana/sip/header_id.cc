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

std::string_view canonical_name(HeaderId id) { return kNames[static_cast<size_t>(id)].name; }
std::string_view compact_name(HeaderId id) { return kNames[static_cast<size_t>(id)].compact; }

HeaderId lookup_header(std::string_view name) {
  if (name.size() == 1) {
    char c = chars::lower(name[0]);
    for (size_t i = 1; i < kNames.size(); ++i)
      if (kNames[i].compact.size() == 1 && kNames[i].compact[0] == c) return static_cast<HeaderId>(i);
    return HeaderId::kUnknown;
  }
  // The table is short; compare the length and first letter before the whole name.
  const char first = chars::lower(name.empty() ? '\0' : name[0]);
  for (size_t i = 1; i < kNames.size(); ++i) {
    const auto& n = kNames[i].name;
    if (n.size() == name.size() && chars::lower(n[0]) == first && chars::iequals(n, name))
      return static_cast<HeaderId>(i);
  }
  return HeaderId::kUnknown;
}

}  // namespace pinana::sip
