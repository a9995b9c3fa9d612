// Hint: one extension's hint as written in a dialplan or a config file
// (`1000 => PJSIP/alice&Custom:alice-dnd,CustomPresence:alice`, reference/asterisk-semantics.md
// §3.3), parsed into the device names whose cluster states make up its extension state.
//
// Plain values and a pure parser; any thread. Input comes from configuration or the API, so
// parse_hint() returns errors (status 400) instead of throwing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"

namespace pinana::state {

struct Hint {
  std::string exten;                 // "1000"
  std::vector<std::string> devices;  // "PJSIP/alice", "Custom:alice-dnd"; may be empty
  std::string presence;              // "CustomPresence:alice" or ""
  std::string display_name;          // "Alice" from "PJSIP/u1234(Alice)", or ""
  std::string text;                  // the device part as written: "PJSIP/alice&Custom:alice-dnd"

  friend bool operator==(const Hint&, const Hint&) = default;
};

// Splits `value` as Asterisk's new extension-state code does:
//  - a display name is the text after the first '(' up to the last ')', removed from the value;
//  - the device part ends at the FIRST comma, the rest (trimmed) is the presence provider;
//  - devices are separated by '&', trimmed, empty names skipped; no devices is legal
//    (the extension is then Unavailable).
// Errors (status 400): empty exten; '(' without a later ')' or ')' without '('; a device name with
// neither '/' nor ':' (Asterisk would give it INVALID forever); a presence part without ':';
// control characters anywhere.
Result<Hint> parse_hint(std::string_view exten, std::string_view value);

}  // namespace pinana::state
