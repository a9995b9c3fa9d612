#include "pinana/presence/packages/dialog/dialog_info_composer.h"

#include <string>
#include <vector>

#include "pinana/presence/packages/common/xml_writer.h"

namespace pinana::presence::packages::dialog {

std::string compose_dialog_info(std::string_view entity, uint64_t version,
                                std::span<const DialogInfoDocument* const> documents) {
  std::vector<const DialogItem*> dialogs;
  std::vector<const common::XmlElement*> extensions;
  for (const DialogInfoDocument* doc : documents) {
    for (const DialogItem& d : doc->dialogs) {
      bool replaced = false;
      for (const DialogItem*& slot : dialogs) {
        if (slot->id == d.id) {
          slot = &d;
          replaced = true;
          break;
        }
      }
      if (!replaced) dialogs.push_back(&d);
    }
    for (const common::XmlElement& e : doc->extensions) extensions.push_back(&e);
  }

  common::XmlWriter writer(kDialogInfoNamespace, "dialog-info");
  // Attribute order as Asterisk prints it (after xmlns): version, state, entity.
  writer.root_attribute("version", std::to_string(version));
  writer.root_attribute("state", "full");
  writer.root_attribute("entity", entity);
  for (const DialogItem* d : dialogs) writer.child(d->element);
  for (const common::XmlElement* e : extensions) writer.child(*e);
  return writer.finish();
}

}  // namespace pinana::presence::packages::dialog
