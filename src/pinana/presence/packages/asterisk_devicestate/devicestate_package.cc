#include "pinana/presence/packages/asterisk_devicestate/devicestate_package.h"

#include <utility>

#include "pinana/presence/packages/common/json_body.h"
#include "pinana/presence/packages/common/media_type.h"

namespace pinana::presence::packages::asterisk_devicestate {

nlohmann::ordered_json DevicestateTraits::entry_json(const Key& key, const Value& value) {
  // Member order as Asterisk prints its own objects.
  nlohmann::ordered_json e;
  e["device"] = key.device;
  e["state"] = device_state_name(value.state);
  e["cachable"] = value.cachable ? 1 : 0;
  e["eid"] = key.eid.to_string();
  return e;
}

nlohmann::ordered_json DevicestateTraits::key_json(const Key& key) {
  nlohmann::ordered_json e;
  e["device"] = key.device;
  e["eid"] = key.eid.to_string();
  return e;
}

Result<std::unique_ptr<Document>> DevicestatePackage::parse(std::string_view content_type,
                                                            std::string_view body,
                                                            const Document* previous) const {
  auto parsed = common::parse_asterisk_object(content_type, body);
  if (!parsed) return parsed.error();
  const nlohmann::json& obj = parsed->object;
  const std::string& type = parsed->type;
  const common::Eid& eid = parsed->eid;

  auto doc = derive(previous);
  if (!doc) return doc.error();

  if (type == "refresh") {
    // No state: a request that every node re-send its states, passed on to the watchers.
    (*doc)->mark_refresh(eid);
    return std::unique_ptr<Document>(std::move(*doc));
  }
  if (type != "devicestate") return Error{400, "unknown type \"" + type + "\""};

  auto device = common::required_string(obj, "device");
  if (!device) return device.error();
  if (device->size() > kMaxDeviceName) return Error{400, "device name too long"};
  auto state_name = common::required_string(obj, "state");
  if (!state_name) return state_name.error();
  const auto state = parse_device_state(*state_name);
  if (!state) return Error{400, "unknown device state \"" + std::string(*state_name) + "\""};
  // Exactly the integer 1 is cachable; anything else, or nothing, is not (as Asterisk reads it).
  const auto c = obj.find("cachable");
  const bool cachable = c != obj.end() && c->is_number_integer() && c->get<int64_t>() == 1;

  (*doc)->put(DeviceKey{std::string(*device), eid}, DeviceValue{*state, cachable});
  return std::unique_ptr<Document>(std::move(*doc));
}

}  // namespace pinana::presence::packages::asterisk_devicestate
