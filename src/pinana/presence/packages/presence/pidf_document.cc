#include "pinana/presence/packages/presence/pidf_document.h"

#include <set>
#include <string>
#include <utility>

namespace pinana::presence::packages::presence {
namespace {

using common::XmlElement;

// RFC 3261 qvalue: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ].
bool is_qvalue(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return false;
  if (q.size() == 1) return true;
  if (q[1] != '.' || q.size() > 5) return false;
  for (size_t i = 2; i < q.size(); ++i) {
    if (q[i] < '0' || q[i] > '9') return false;
    if (q[0] == '1' && q[i] != '0') return false;
  }
  return true;
}

size_t count_children(const XmlElement& e, std::string_view local) {
  size_t n = 0;
  for (const XmlElement& c : e.children) n += c.is(kPidfNamespace, local) ? 1 : 0;
  return n;
}

Status check_tuple(const XmlElement& tuple) {
  if (count_children(tuple, "status") != 1) return Error{400, "tuple needs exactly one <status>"};
  if (count_children(tuple, "contact") > 1) return Error{400, "tuple has more than one <contact>"};
  if (count_children(tuple, "timestamp") > 1)
    return Error{400, "tuple has more than one <timestamp>"};
  for (const XmlElement& c : tuple.children) {
    if (c.is(kPidfNamespace, "status")) {
      if (count_children(c, "basic") > 1) return Error{400, "status has more than one <basic>"};
      for (const XmlElement& b : c.children) {
        if (!b.is(kPidfNamespace, "basic")) continue;
        const std::string text = b.text_content();
        const std::string_view v = common::trim_xml_space(text);
        if (v != "open" && v != "closed") return Error{400, "<basic> is neither open nor closed"};
      }
    } else if (c.is(kPidfNamespace, "contact")) {
      const std::string* priority = c.attribute("priority");
      if (priority != nullptr && !is_qvalue(*priority))
        return Error{400, "contact priority is not a qvalue"};
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PidfDocument>> parse_pidf(std::string_view body) {
  auto tree = common::parse_xml_tree(body);
  if (!tree) return tree.error();
  XmlElement& root = *tree;
  if (root.local != "presence") return Error{400, "root element is not <presence>"};
  if (root.ns != kPidfNamespace) return Error{400, "<presence> is not in the PIDF namespace"};
  const std::string* entity = root.attribute("entity");
  if (entity == nullptr) return Error{400, "<presence> has no entity"};
  if (!common::looks_like_uri(*entity)) return Error{400, "<presence> entity is not a URI"};

  auto doc = std::make_unique<PidfDocument>();
  doc->entity = *entity;
  std::set<std::string, std::less<>> ids;  // xs:ID: one space for tuples, persons and devices
  for (XmlElement& child : root.children) {
    if (!child.is_element()) continue;  // stray text between elements carries nothing
    PidfItem item;
    if (child.is(kPidfNamespace, "tuple")) {
      item.kind = PidfItem::Kind::kTuple;
      if (Status s = check_tuple(child); !s) return s.error();
    } else if (child.is(kPidfNamespace, "note")) {
      item.kind = PidfItem::Kind::kNote;
    } else if (child.is(kDataModelNamespace, "person")) {
      item.kind = PidfItem::Kind::kPerson;
    } else if (child.is(kDataModelNamespace, "device")) {
      item.kind = PidfItem::Kind::kDevice;
    }
    if (item.kind == PidfItem::Kind::kTuple || item.kind == PidfItem::Kind::kPerson ||
        item.kind == PidfItem::Kind::kDevice) {
      const std::string* id = child.attribute("id");
      // RFC 4479 requires an id on person and device too, but Asterisk publishes a bare
      // <dm:person/>; such an element is kept, unkeyed.
      if (item.kind == PidfItem::Kind::kTuple && (id == nullptr || id->empty()))
        return Error{400, "<tuple> without an id"};
      if (id != nullptr) {
        if (id->empty()) return Error{400, "<" + child.local + "> with an empty id"};
        if (!ids.insert(*id).second) return Error{400, "duplicate id \"" + *id + "\""};
        item.id = *id;
      }
    }
    item.element = std::move(child);
    doc->items.push_back(std::move(item));
  }
  return doc;
}

}  // namespace pinana::presence::packages::presence
