// JSON codecs of the node API: views out, update requests in.
//
// Decoders take untrusted bytes and never throw: malformed JSON, wrong types and missing members
// are Error{400, reason}. Encoders never throw either: bytes that are not UTF-8 (a device name is
// whatever the client percent-encoded) come out as U+FFFD. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pinana/api/node_backend.h"
#include "pinana/base/result.h"

namespace pinana::api {

// Body of PUT /api/v1/devices/{name}: {"state": "INUSE", "caller": {"name": ..., "number": ...}}.
struct DeviceUpdate {
  std::string state;
  std::optional<CallerView> caller;
};

// Body of PUT /api/v1/mailboxes/{mailbox}: {"new": N, "old": M}, non-negative integers.
struct MailboxUpdate {
  int new_messages = 0;
  int old_messages = 0;
};

// Deeper nesting than this is refused before parsing (nobody needs it; it bounds the parser).
constexpr int kMaxJsonDepth = 16;

Result<nlohmann::json> parse_json_object(std::string_view body);
Result<DeviceUpdate> parse_device_update(std::string_view body);
Result<MailboxUpdate> parse_mailbox_update(std::string_view body);

nlohmann::json to_json(const DeviceView& device);  // {"name","state","nodes":{eid: state}}
nlohmann::json to_json(const ExtensionView& extension);
nlohmann::json to_json(const MailboxView& mailbox);  // {"mailbox","new","old"}
nlohmann::json to_json(const ClusterView& cluster);  // {"eid","nodes":[{"eid","devices",...}]}
nlohmann::json to_json(const std::vector<DeviceView>& devices);
nlohmann::json to_json(const std::vector<ExtensionView>& extensions);
nlohmann::json to_json(const std::vector<MailboxView>& mailboxes);

// "2024-03-01T12:34:56.789Z"; unix milliseconds, UTC.
std::string format_iso8601_utc(int64_t unix_ms);

// Serializes without throwing (invalid UTF-8 replaced).
std::string dump(const nlohmann::json& value);

// {"error": reason}, serialized.
std::string error_body(std::string_view reason);

}  // namespace pinana::api
