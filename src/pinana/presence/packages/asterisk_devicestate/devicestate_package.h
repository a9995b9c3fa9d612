// DevicestatePackage: the `asterisk-devicestate` event package (application/json), Asterisk 13+'s
// res_pjsip_publish_asterisk device-state exchange (asterisk-semantics §4a), made to work through
// the hub (docs/formats/asterisk-devicestate.md).
//
// A PUBLISH carries ONE Asterisk JSON object:
//   {"type":"devicestate","device":"PJSIP/alice","state":"INUSE","cachable":1,"eid":"00:11:22:33:44:55"}
//   {"type":"refresh","eid":"00:11:22:33:44:55"}
// The publication accumulates one entry per (device, EID); when it is removed or expires, its
// entries are withdrawn. NOTIFY bodies are {"type":"devicestate-set", ...}: the full set first,
// then only what changed for that watcher.
//
// Const and stateless apart from the document serial counter (EntrySetPackage). One object serves
// every resource; called from the presence core's thread.
#pragma once

#include <compare>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pinana/presence/packages/asterisk_devicestate/device_state.h"
#include "pinana/presence/packages/common/eid.h"
#include "pinana/presence/packages/common/entry_set_package.h"

namespace pinana::presence::packages::asterisk_devicestate {

inline constexpr size_t kMaxDeviceName = 256;

struct DeviceKey {
  std::string device;  // case-sensitive, as in Asterisk's cache
  common::Eid eid;

  auto operator<=>(const DeviceKey&) const = default;
};

struct DeviceValue {
  DeviceState state = DeviceState::kUnknown;
  bool cachable = false;

  bool operator==(const DeviceValue&) const = default;
};

struct DevicestateTraits {
  using Key = DeviceKey;
  using Value = DeviceValue;
  static constexpr std::string_view kSetType = "devicestate-set";
  static nlohmann::ordered_json entry_json(const Key& key, const Value& value);
  static nlohmann::ordered_json key_json(const Key& key);
};

using DevicestateDocument = common::EntrySet<DeviceKey, DeviceValue>;

class DevicestatePackage final : public common::EntrySetPackage<DevicestateTraits> {
 public:
  std::string_view name() const override { return "asterisk-devicestate"; }

  // 400 for: malformed JSON, not an object, "type" other than devicestate/refresh, a missing or
  // empty device or state, a state Asterisk does not name, a missing or malformed eid, a device
  // name over kMaxDeviceName bytes. 415 for a content type other than application/json.
  Result<std::unique_ptr<Document>> parse(std::string_view content_type, std::string_view body,
                                          const Document* previous) const override;
};

}  // namespace pinana::presence::packages::asterisk_devicestate
