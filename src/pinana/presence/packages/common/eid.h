// Eid: an Asterisk entity ID, the 6-byte identity of the node that originated a state
// (asterisk-semantics §2.1). Used as part of the keys of the asterisk-devicestate and asterisk-mwi
// packages.
//
// Text form `xx:xx:xx:xx:xx:xx`: parse() takes exactly six two-digit hex fields, either case;
// to_string() prints lowercase, as Asterisk's ast_eid_to_str does, so a re-sent EID compares equal
// whatever case it arrived in. The all-zero EID is refused: Asterisk treats it as "no EID" and
// will not publish with it, and two nodes sharing it would overwrite each other's entries.
//
// A plain value; any thread.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "pinana/base/result.h"

namespace pinana::presence::packages::common {

struct Eid {
  std::array<uint8_t, 6> bytes{};

  static Result<Eid> parse(std::string_view text);
  std::string to_string() const;

  auto operator<=>(const Eid&) const = default;
};

}  // namespace pinana::presence::packages::common
