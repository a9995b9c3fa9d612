// MwiPackage: the `asterisk-mwi` event package (application/json), Asterisk 13+'s
// res_pjsip_publish_asterisk mailbox-state exchange (asterisk-semantics §4a), made to work through
// the hub (docs/formats/asterisk-mwi.md).
//
// A PUBLISH carries ONE Asterisk JSON object:
//   {"type":"mailboxstate","uniqueid":"1000@default","old":2,"new":1,"eid":"00:11:22:33:44:55"}
//   {"type":"refresh","eid":"00:11:22:33:44:55"}
// The publication accumulates one entry per (uniqueid, EID); when it is removed or expires, its
// entries are withdrawn. NOTIFY bodies are {"type":"mailboxstate-set", ...}: the full set first,
// then only what changed for that watcher. The same scheme as asterisk-devicestate
// (common::EntrySetPackage).
//
// Const and stateless apart from the document serial counter. One object serves every resource;
// called from the presence core's thread.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pinana/presence/packages/common/eid.h"
#include "pinana/presence/packages/common/entry_set_package.h"

namespace pinana::presence::packages::asterisk_mwi {

inline constexpr size_t kMaxUniqueId = 256;

struct MailboxKey {
  std::string uniqueid;  // "mailbox@context", case-sensitive
  common::Eid eid;

  auto operator<=>(const MailboxKey&) const = default;
};

struct MailboxValue {
  uint32_t old_messages = 0;
  uint32_t new_messages = 0;

  bool operator==(const MailboxValue&) const = default;
};

struct MwiTraits {
  using Key = MailboxKey;
  using Value = MailboxValue;
  static constexpr std::string_view kSetType = "mailboxstate-set";
  static nlohmann::ordered_json entry_json(const Key& key, const Value& value);
  static nlohmann::ordered_json key_json(const Key& key);
};

using MwiDocument = common::EntrySet<MailboxKey, MailboxValue>;

class MwiPackage final : public common::EntrySetPackage<MwiTraits> {
 public:
  std::string_view name() const override { return "asterisk-mwi"; }

  // 400 for: malformed JSON, not an object, "type" other than mailboxstate/refresh, a missing or
  // empty uniqueid, "old" or "new" missing or not an integer in [0, 2^31-1], a missing or
  // malformed eid, a uniqueid over kMaxUniqueId bytes. 415 for a type other than application/json.
  Result<std::unique_ptr<Document>> parse(std::string_view content_type, std::string_view body,
                                          const Document* previous) const override;
};

}  // namespace pinana::presence::packages::asterisk_mwi
