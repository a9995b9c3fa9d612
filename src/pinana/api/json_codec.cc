#include "pinana/api/json_codec.h"

#include <climits>
#include <cstdio>
#include <ctime>

namespace pinana::api {
namespace {

using nlohmann::json;

// Nesting depth outside strings; the parser itself is not bounded, so we bound its input.
bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

Result<int> count_member(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return Error{400, std::string("missing member \"") + key + "\""};
  if (!it->is_number_integer())
    return Error{400, std::string("\"") + key + "\" must be a non-negative integer"};
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > static_cast<uint64_t>(INT_MAX))
      return Error{400, std::string("\"") + key + "\" is too large"};
    return static_cast<int>(it->get<uint64_t>());
  }
  const int64_t v = it->get<int64_t>();
  if (v < 0) return Error{400, std::string("\"") + key + "\" must be a non-negative integer"};
  if (v > INT_MAX) return Error{400, std::string("\"") + key + "\" is too large"};
  return static_cast<int>(v);
}

Result<std::string> optional_string(const json& object, const char* key, const char* where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Error{400, std::string(where) + key + "\" must be a string"};
  return it->get<std::string>();
}

}  // namespace

Result<json> parse_json_object(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Error{400, "empty body; expected a JSON object"};
  if (too_deep(body)) return Error{400, "JSON nested too deeply"};
  json value = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Error{400, "malformed JSON"};
  if (!value.is_object()) return Error{400, "body must be a JSON object"};
  return value;
}

Result<DeviceUpdate> parse_device_update(std::string_view body) {
  auto parsed = parse_json_object(body);
  if (!parsed.ok()) return parsed.error();
  const json& object = *parsed;
  DeviceUpdate update;
  const auto state = object.find("state");
  if (state == object.end()) return Error{400, "missing member \"state\""};
  if (!state->is_string()) return Error{400, "\"state\" must be a string"};
  update.state = state->get<std::string>();
  if (const auto caller = object.find("caller"); caller != object.end() && !caller->is_null()) {
    if (!caller->is_object()) return Error{400, "\"caller\" must be an object"};
    auto name = optional_string(*caller, "name", "\"caller.");
    if (!name.ok()) return name.error();
    auto number = optional_string(*caller, "number", "\"caller.");
    if (!number.ok()) return number.error();
    update.caller = CallerView{std::move(*name), std::move(*number)};
  }
  return update;
}

Result<MailboxUpdate> parse_mailbox_update(std::string_view body) {
  auto parsed = parse_json_object(body);
  if (!parsed.ok()) return parsed.error();
  auto new_messages = count_member(*parsed, "new");
  if (!new_messages.ok()) return new_messages.error();
  auto old_messages = count_member(*parsed, "old");
  if (!old_messages.ok()) return old_messages.error();
  return MailboxUpdate{*new_messages, *old_messages};
}

json to_json(const DeviceView& device) {
  json nodes = json::object();
  for (const auto& [eid, state] : device.nodes) nodes[eid] = state;
  return json{{"name", device.name}, {"state", device.state}, {"nodes", std::move(nodes)}};
}

json to_json(const ExtensionView& extension) {
  return json{{"exten", extension.exten},
              {"hint", extension.hint},
              {"state", extension.state},
              {"presence", extension.presence},
              {"display_name", extension.display_name}};
}

json to_json(const MailboxView& mailbox) {
  return json{
      {"mailbox", mailbox.mailbox}, {"new", mailbox.new_messages}, {"old", mailbox.old_messages}};
}

json to_json(const ClusterView& cluster) {
  json nodes = json::array();
  for (const auto& member : cluster.members) {
    nodes.push_back(json{{"eid", member.eid},
                         {"devices", member.devices},
                         {"last_update", member.last_update_ms == 0
                                             ? json(nullptr)
                                             : json(format_iso8601_utc(member.last_update_ms))},
                         {"self", member.self}});
  }
  return json{{"eid", cluster.eid}, {"nodes", std::move(nodes)}};
}

json to_json(const std::vector<DeviceView>& devices) {
  json out = json::array();
  for (const auto& d : devices) out.push_back(to_json(d));
  return out;
}

json to_json(const std::vector<ExtensionView>& extensions) {
  json out = json::array();
  for (const auto& e : extensions) out.push_back(to_json(e));
  return out;
}

json to_json(const std::vector<MailboxView>& mailboxes) {
  json out = json::array();
  for (const auto& m : mailboxes) out.push_back(to_json(m));
  return out;
}

std::string format_iso8601_utc(int64_t unix_ms) {
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "1970-01-01T00:00:00.000Z";
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(millis));
  return std::string(buf, n) + ms;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_body(std::string_view reason) {
  return dump(json{{"error", std::string(reason)}});
}

}  // namespace pinana::api
