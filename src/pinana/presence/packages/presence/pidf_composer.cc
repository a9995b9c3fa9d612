#include "pinana/presence/packages/presence/pidf_composer.h"

#include <vector>

#include "pinana/presence/packages/common/xml_writer.h"

namespace pinana::presence::packages::presence {
namespace {

bool keyed(const PidfItem& item) {
  return (item.kind == PidfItem::Kind::kPerson || item.kind == PidfItem::Kind::kDevice) &&
         !item.id.empty();
}

// Inserts `item` into `list`, replacing an earlier item with the same (kind, id).
void put_keyed(std::vector<const PidfItem*>& list, const PidfItem& item) {
  for (const PidfItem*& slot : list) {
    if (slot->kind == item.kind && slot->id == item.id) {
      slot = &item;
      return;
    }
  }
  list.push_back(&item);
}

}  // namespace

std::string compose_pidf(std::string_view entity, std::span<const PidfDocument* const> documents) {
  std::vector<const PidfItem*> tuples;
  std::vector<const PidfItem*> notes;
  std::vector<const PidfItem*> rest;  // person, device, other extensions
  for (const PidfDocument* doc : documents) {
    for (const PidfItem& item : doc->items) {
      if (item.kind == PidfItem::Kind::kTuple) {
        put_keyed(tuples, item);
      } else if (item.kind == PidfItem::Kind::kNote) {
        bool seen = false;
        for (const PidfItem* n : notes) seen = seen || n->element == item.element;
        if (!seen) notes.push_back(&item);
      } else if (keyed(item)) {
        put_keyed(rest, item);
      } else {
        rest.push_back(&item);
      }
    }
  }

  common::XmlWriter writer(kPidfNamespace, "presence");
  writer.root_attribute("entity", entity);
  for (const PidfItem* i : tuples) writer.child(i->element);
  for (const PidfItem* i : notes) writer.child(i->element);
  for (const PidfItem* i : rest) writer.child(i->element);
  return writer.finish();
}

}  // namespace pinana::presence::packages::presence
