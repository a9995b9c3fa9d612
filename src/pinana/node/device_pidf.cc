#include "pinana/node/device_pidf.h"

#include <algorithm>

#include <pugixml.hpp>

namespace pinana::node {
namespace {

constexpr std::string_view kPidfNamespace = "urn:ietf:params:xml:ns:pidf";

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
}

std::string head(std::string_view entity, const state::Eid& eid, bool open) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"";
  append_escaped(out, entity);
  out += "\">\n <tuple id=\"";
  out += tuple_id(eid);
  out += "\">\n  <status>\n   <basic>";
  out += open ? "open" : "closed";
  out += "</basic>\n   ";
  return out;
}

constexpr char kTail[] = "\n  </status>\n </tuple>\n</presence>\n";

std::string_view local_name(std::string_view name) {
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace URI of an element: its prefix's (or the default) declaration, nearest first.
std::string_view namespace_of(pugi::xml_node node) {
  const std::string_view name = node.name();
  const size_t colon = name.find(':');
  std::string attr = "xmlns";
  if (colon != std::string_view::npos) {
    attr += ':';
    attr += name.substr(0, colon);
  }
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  }
  return {};
}

bool is(pugi::xml_node node, std::string_view ns, std::string_view local) {
  return node.type() == pugi::node_element && local_name(node.name()) == local &&
         namespace_of(node) == ns;
}

std::optional<bool> parse_bool(std::string_view v) {
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return std::nullopt;
}

std::optional<uint64_t> parse_u64(std::string_view v) {
  if (v.empty() || v.size() > 19) return std::nullopt;
  uint64_t x = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    x = x * 10 + static_cast<uint64_t>(c - '0');
  }
  return x;
}

// "closed" / "open" of the tuple's <status><basic>, empty when there is none.
std::string_view basic_of(pugi::xml_node tuple) {
  for (pugi::xml_node status : tuple.children()) {
    if (!is(status, kPidfNamespace, "status")) continue;
    for (pugi::xml_node basic : status.children()) {
      if (is(basic, kPidfNamespace, "basic")) return basic.child_value();
    }
  }
  return {};
}

// Tuples read so far, tombstones included (they take part in "the highest version wins").
struct Candidate {
  DeviceTuple tuple;
  bool withdrawn = false;
};

void read_devicestate(pugi::xml_node el, std::string_view basic, DevicePidf& out,
                      std::vector<Candidate>& candidates) {
  auto eid = state::Eid::parse(el.attribute("eid").value());
  std::optional<bool> withdrawn = false;
  if (pugi::xml_attribute a = el.attribute("withdrawn")) withdrawn = parse_bool(a.value());
  std::optional<state::DeviceState> st = state::DeviceState::kUnavailable;
  if (withdrawn != true || el.attribute("state"))
    st = state::parse_device_state(el.attribute("state").value());
  std::optional<bool> cachable = true;
  if (pugi::xml_attribute a = el.attribute("cachable")) cachable = parse_bool(a.value());
  std::optional<uint64_t> version = 0;
  if (pugi::xml_attribute a = el.attribute("version")) version = parse_u64(a.value());
  if (!eid || eid->is_zero() || !withdrawn || !st || !cachable || !version) {
    ++out.malformed;
    return;
  }
  // We write <basic>closed</basic> only for UNAVAILABLE, INVALID and tombstones. A closed tuple
  // with another state was rewritten by the server: Kamailio's presence_xml sends an unpublished
  // publication's tuple once more with its <basic> set to closed (docs/kamailio.md, fault 3).
  // Its node has left: the tuple carries no state.
  if (!*withdrawn && basic == "closed" && *st != state::DeviceState::kUnavailable &&
      *st != state::DeviceState::kInvalid) {
    ++out.offline;
    return;
  }
  const Candidate c{{*eid, *st, *cachable, *version}, *withdrawn};
  for (Candidate& t : candidates) {
    if (t.tuple.eid == *eid) {
      if (*version > t.tuple.version) t = c;
      return;
    }
  }
  candidates.push_back(c);
}

void read_member(pugi::xml_node el, DevicePidf& out) {
  auto eid = state::Eid::parse(el.attribute("eid").value());
  if (!eid || eid->is_zero()) {
    ++out.malformed;
    return;
  }
  if (std::find(out.members.begin(), out.members.end(), *eid) == out.members.end()) {
    out.members.push_back(*eid);
  }
  size_t listed = 0;
  for (pugi::xml_node m : el.children()) {
    if (!is(m, kPinanaNamespace, "mailbox")) continue;
    if (listed == kMaxMemberMailboxes) {
      ++out.excess_mailboxes;
      continue;
    }
    ++listed;
    const std::string_view name = m.child_value();
    if (!listable_mailbox_name(name)) {
      ++out.malformed;
      continue;
    }
    if (std::find(out.mailboxes.begin(), out.mailboxes.end(), name) == out.mailboxes.end()) {
      out.mailboxes.emplace_back(name);
    }
  }
}

}  // namespace

std::string tuple_id(const state::Eid& eid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "eid-";
  for (uint8_t b : eid.bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

std::string render_device_pidf(std::string_view entity, const state::Eid& eid,
                               state::DeviceState st, bool cachable, uint64_t version) {
  const bool open = st != state::DeviceState::kUnavailable && st != state::DeviceState::kInvalid;
  std::string out = head(entity, eid, open);
  out += "<devicestate xmlns=\"";
  out += kPinanaNamespace;
  out += "\" eid=\"";
  out += eid.to_string();
  out += "\" state=\"";
  out += state::to_string(st);
  out += "\" cachable=\"";
  out += cachable ? "true" : "false";
  out += "\" version=\"";
  out += std::to_string(version);
  out += "\"/>";
  out += kTail;
  return out;
}

std::string render_device_tombstone(std::string_view entity, const state::Eid& eid,
                                    uint64_t version) {
  std::string out = head(entity, eid, false);
  out += "<devicestate xmlns=\"";
  out += kPinanaNamespace;
  out += "\" eid=\"";
  out += eid.to_string();
  out += "\" withdrawn=\"true\" version=\"";
  out += std::to_string(version);
  out += "\"/>";
  out += kTail;
  return out;
}

std::string render_member_pidf(std::string_view entity, const state::Eid& eid,
                               const std::vector<std::string>& mailboxes) {
  std::string out = head(entity, eid, true);
  out += "<member xmlns=\"";
  out += kPinanaNamespace;
  out += "\" eid=\"";
  out += eid.to_string();
  if (mailboxes.empty()) {
    out += "\"/>";
  } else {
    out += "\">";
    size_t listed = 0;
    for (const std::string& m : mailboxes) {
      if (listed == kMaxMemberMailboxes) break;
      if (!listable_mailbox_name(m)) continue;
      ++listed;
      out += "\n    <mailbox>";
      append_escaped(out, m);
      out += "</mailbox>";
    }
    out += "\n   </member>";
  }
  out += kTail;
  return out;
}

bool valid_mailbox_name(std::string_view mailbox) {
  const size_t at = mailbox.find('@');
  return at != 0 && at != std::string_view::npos && at + 1 != mailbox.size() &&
         mailbox.size() <= 256;
}

bool listable_mailbox_name(std::string_view mailbox) {
  return valid_mailbox_name(mailbox) &&
         std::all_of(mailbox.begin(), mailbox.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

Result<DevicePidf> parse_device_pidf(std::string_view body) {
  pugi::xml_document doc;
  const pugi::xml_parse_result r =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return Error{400, std::string("not XML: ") + r.description()};
  pugi::xml_node root = doc.document_element();
  if (!is(root, kPidfNamespace, "presence")) return Error{400, "not a PIDF <presence> document"};
  DevicePidf out;
  std::vector<Candidate> candidates;
  for (pugi::xml_node tuple : root.children()) {
    if (!is(tuple, kPidfNamespace, "tuple")) continue;
    // The pinana element belongs in <status>; a composer that moved it elsewhere in the tuple is
    // tolerated.
    for (pugi::xml_node el = tuple.first_child(); el;) {
      if (el.type() == pugi::node_element && namespace_of(el) == kPinanaNamespace) {
        const std::string_view local = local_name(el.name());
        if (local == "devicestate") read_devicestate(el, basic_of(tuple), out, candidates);
        if (local == "member") read_member(el, out);
      }
      // depth-first walk bounded by the tuple
      if (el.first_child()) {
        el = el.first_child();
        continue;
      }
      while (el && !el.next_sibling() && el != tuple) el = el.parent();
      if (!el || el == tuple) break;
      el = el.next_sibling();
    }
  }
  for (Candidate& c : candidates) {
    if (c.withdrawn) {
      out.withdrawn.push_back(c.tuple.eid);
    } else {
      out.tuples.push_back(c.tuple);
    }
  }
  return out;
}

}  // namespace pinana::node
