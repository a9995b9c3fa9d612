#include "pinana/presence/packages/asterisk_mwi/mwi_package.h"

#include <utility>

#include "pinana/presence/packages/common/json_body.h"
#include "pinana/presence/packages/common/media_type.h"

namespace pinana::presence::packages::asterisk_mwi {

nlohmann::ordered_json MwiTraits::entry_json(const Key& key, const Value& value) {
  // Member order as Asterisk prints its own objects.
  nlohmann::ordered_json e;
  e["uniqueid"] = key.uniqueid;
  e["old"] = value.old_messages;
  e["new"] = value.new_messages;
  e["eid"] = key.eid.to_string();
  return e;
}

nlohmann::ordered_json MwiTraits::key_json(const Key& key) {
  nlohmann::ordered_json e;
  e["uniqueid"] = key.uniqueid;
  e["eid"] = key.eid.to_string();
  return e;
}

Result<std::unique_ptr<Document>> MwiPackage::parse(std::string_view content_type,
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
    (*doc)->mark_refresh(eid);
    return std::unique_ptr<Document>(std::move(*doc));
  }
  if (type != "mailboxstate") return Error{400, "unknown type \"" + type + "\""};

  auto uniqueid = common::required_string(obj, "uniqueid");
  if (!uniqueid) return uniqueid.error();
  if (uniqueid->size() > kMaxUniqueId) return Error{400, "uniqueid too long"};
  auto old_count = common::required_count(obj, "old");
  if (!old_count) return old_count.error();
  auto new_count = common::required_count(obj, "new");
  if (!new_count) return new_count.error();

  (*doc)->put(MailboxKey{std::string(*uniqueid), eid}, MailboxValue{*old_count, *new_count});
  return std::unique_ptr<Document>(std::move(*doc));
}

}  // namespace pinana::presence::packages::asterisk_mwi
