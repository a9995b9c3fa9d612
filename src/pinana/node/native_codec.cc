#include "pinana/node/native_codec.h"

#include <nlohmann/json.hpp>

namespace pinana::node {
namespace {

using nlohmann::json;

std::string quoted(std::string_view s) {
  return json(std::string(s)).dump();
}

Error bad(std::string reason) {
  return Error{400, std::move(reason)};
}

Result<state::Eid> eid_of(const json& obj, std::string_view what) {
  auto it = obj.find("eid");
  if (it == obj.end() || !it->is_string()) return bad(std::string(what) + ": no eid");
  auto eid = state::Eid::parse(it->get_ref<const std::string&>());
  if (!eid) return bad(std::string(what) + ": bad eid " + it->get<std::string>());
  return *eid;
}

Result<std::string> string_of(const json& obj, const char* key, std::string_view what) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return bad(std::string(what) + ": no " + key);
  return it->get<std::string>();
}

Result<int> count_of(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return bad(std::string("no integer ") + key);
  const auto v = it->get<int64_t>();
  if (v < 0 || v > 1000000000) return bad(std::string(key) + " out of range");
  return static_cast<int>(v);
}

// The envelope shared by both set documents.
template <typename Doc>
Result<json> envelope(std::string_view body, std::string_view type, Doc& doc) {
  json j = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  auto t = j.find("type");
  if (t == j.end() || !t->is_string() || *t != type) return bad("type is not " + std::string(type));
  auto seq = j.find("seq");
  if (seq == j.end() || !seq->is_number_unsigned()) return bad("no seq");
  doc.seq = seq->get<uint64_t>();
  auto full = j.find("full");
  if (full == j.end() || !full->is_boolean()) return bad("no full");
  doc.full = full->get<bool>();
  for (const char* key : {"entries", "withdrawn", "refresh"}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) return bad(std::string("no ") + key + " array");
  }
  for (const auto& e : j["refresh"]) {
    if (!e.is_string()) return bad("refresh: not a string");
    auto eid = state::Eid::parse(e.get_ref<const std::string&>());
    if (!eid) return bad("refresh: bad eid");
    doc.refresh.push_back(*eid);
  }
  return j;
}

}  // namespace

std::string encode_devicestate(std::string_view device, state::DeviceState s, bool cachable,
                               const state::Eid& eid) {
  std::string out = "{\"type\":\"devicestate\",\"device\":";
  out += quoted(device);
  out += ",\"state\":\"";
  out += state::to_string(s);
  out += "\",\"cachable\":";
  out += cachable ? '1' : '0';
  out += ",\"eid\":\"";
  out += eid.to_string();
  out += "\"}";
  return out;
}

std::string encode_mailboxstate(std::string_view uniqueid, int new_messages, int old_messages,
                                const state::Eid& eid) {
  std::string out = "{\"type\":\"mailboxstate\",\"uniqueid\":";
  out += quoted(uniqueid);
  out += ",\"old\":";
  out += std::to_string(old_messages);
  out += ",\"new\":";
  out += std::to_string(new_messages);
  out += ",\"eid\":\"";
  out += eid.to_string();
  out += "\"}";
  return out;
}

std::string encode_refresh(const state::Eid& eid) {
  return "{\"type\":\"refresh\",\"eid\":\"" + eid.to_string() + "\"}";
}

Result<DeviceSet> decode_devicestate_set(std::string_view body) {
  DeviceSet doc;
  auto j = envelope(body, "devicestate-set", doc);
  if (!j) return j.error();
  for (const auto& e : (*j)["entries"]) {
    if (!e.is_object()) return bad("entries: not an object");
    auto device = string_of(e, "device", "entry");
    if (!device) return device.error();
    auto st = string_of(e, "state", "entry");
    if (!st) return st.error();
    auto parsed = state::parse_device_state(*st);
    if (!parsed) return bad("entry: bad state " + *st);
    auto eid = eid_of(e, "entry");
    if (!eid) return eid.error();
    auto c = e.find("cachable");
    const bool cachable = c != e.end() && c->is_number_integer() && c->get<int64_t>() == 1;
    doc.entries.push_back({std::move(*device), *eid, *parsed, cachable});
  }
  for (const auto& e : (*j)["withdrawn"]) {
    if (!e.is_object()) return bad("withdrawn: not an object");
    auto device = string_of(e, "device", "withdrawn");
    if (!device) return device.error();
    auto eid = eid_of(e, "withdrawn");
    if (!eid) return eid.error();
    doc.withdrawn.push_back({std::move(*device), *eid});
  }
  return doc;
}

Result<MailboxSet> decode_mailboxstate_set(std::string_view body) {
  MailboxSet doc;
  auto j = envelope(body, "mailboxstate-set", doc);
  if (!j) return j.error();
  for (const auto& e : (*j)["entries"]) {
    if (!e.is_object()) return bad("entries: not an object");
    auto id = string_of(e, "uniqueid", "entry");
    if (!id) return id.error();
    auto eid = eid_of(e, "entry");
    if (!eid) return eid.error();
    auto n = count_of(e, "new");
    if (!n) return n.error();
    auto o = count_of(e, "old");
    if (!o) return o.error();
    doc.entries.push_back({std::move(*id), *eid, *n, *o});
  }
  for (const auto& e : (*j)["withdrawn"]) {
    if (!e.is_object()) return bad("withdrawn: not an object");
    auto id = string_of(e, "uniqueid", "withdrawn");
    if (!id) return id.error();
    auto eid = eid_of(e, "withdrawn");
    if (!eid) return eid.error();
    doc.withdrawn.push_back({std::move(*id), *eid});
  }
  return doc;
}

}  // namespace pinana::node
