#include "pinana/presence/packages/common/json_body.h"

#include "pinana/presence/packages/common/media_type.h"

#include <cstdint>
#include <limits>
#include <string>

namespace pinana::presence::packages::common {
namespace {

// Nesting depth of `body`, counting brackets outside strings. Malformed input is left to the
// parser; this only has to be right for input the parser would accept.
bool depth_within(std::string_view body, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

}  // namespace

Result<nlohmann::json> parse_json_object(std::string_view body) {
  if (!depth_within(body, kMaxJsonDepth)) return Error{400, "JSON nested too deeply"};
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                           /*allow_exceptions=*/false, /*ignore_comments=*/false);
  if (j.is_discarded()) return Error{400, "malformed JSON"};
  if (!j.is_object()) return Error{400, "JSON body is not an object"};
  return j;
}

Result<std::string_view> required_string(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return Error{400, std::string("missing \"") + name + "\""};
  if (!it->is_string()) return Error{400, std::string("\"") + name + "\" is not a string"};
  const std::string& s = it->get_ref<const std::string&>();
  if (s.empty()) return Error{400, std::string("empty \"") + name + "\""};
  return std::string_view(s);
}

Result<uint32_t> required_count(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end()) return Error{400, std::string("missing \"") + name + "\""};
  if (it->is_number_unsigned()) {
    const uint64_t v = it->get<uint64_t>();
    if (v <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max()))
      return static_cast<uint32_t>(v);
  }
  return Error{400, std::string("\"") + name + "\" is not a count (integer 0..2147483647)"};
}

Result<AsteriskObject> parse_asterisk_object(std::string_view content_type, std::string_view body) {
  if (Status s = expect_media_type(content_type, "application", "json"); !s) return s.error();
  auto json = parse_json_object(body);
  if (!json) return json.error();
  auto type = required_string(*json, "type");
  if (!type) return type.error();
  auto eid_text = required_string(*json, "eid");
  if (!eid_text) return eid_text.error();
  auto eid = Eid::parse(*eid_text);
  if (!eid) return eid.error();
  AsteriskObject out{std::move(json.value()), std::string(*type), *eid};
  return out;
}

}  // namespace pinana::presence::packages::common
