// Helpers for the JSON bodies of the asterisk-devicestate and asterisk-mwi packages: parse one
// JSON object from network bytes without exceptions, and read its typed fields.
//
// Every function returns an Error with status 400 and a one-line reason for a body that does not
// fit; none throws. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pinana/base/result.h"
#include "pinana/presence/packages/common/eid.h"

namespace pinana::presence::packages::common {

// Objects and arrays nested deeper than this are refused before parsing (Asterisk's bodies are
// flat; the bound keeps a hostile body from costing deep recursion anywhere).
inline constexpr int kMaxJsonDepth = 8;

// Parses `body` as exactly one JSON object (surrounding whitespace allowed).
Result<nlohmann::json> parse_json_object(std::string_view body);

// The member `name` of `object` as a non-empty string.
Result<std::string_view> required_string(const nlohmann::json& object, const char* name);

// The member `name` of `object` as an integer in [0, INT32_MAX] (message counts).
Result<uint32_t> required_count(const nlohmann::json& object, const char* name);

// What every Asterisk PUBLISH body shares (Content-Type application/json, one object with a
// "type" and a valid "eid"), read once for both packages.
struct AsteriskObject {
  nlohmann::json object;
  std::string type;
  Eid eid;
};
Result<AsteriskObject> parse_asterisk_object(std::string_view content_type, std::string_view body);

}  // namespace pinana::presence::packages::common
