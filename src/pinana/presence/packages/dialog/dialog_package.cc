#include "pinana/presence/packages/dialog/dialog_package.h"

#include <string>
#include <vector>

#include "pinana/presence/packages/common/media_type.h"
#include "pinana/presence/packages/dialog/dialog_info_composer.h"
#include "pinana/presence/packages/dialog/dialog_info_document.h"

namespace pinana::presence::packages::dialog {

Result<std::unique_ptr<Document>> DialogPackage::parse(std::string_view content_type,
                                                       std::string_view body,
                                                       const Document* previous) const {
  if (Status s = common::expect_media_type(content_type, "application", "dialog-info+xml"); !s)
    return s.error();
  auto doc = parse_dialog_info(body, dynamic_cast<const DialogInfoDocument*>(previous));
  if (!doc) return doc.error();
  return std::unique_ptr<Document>(std::move(*doc));
}

std::optional<Body> DialogPackage::render(const ResourceView& resource, std::string_view /*type*/,
                                          WatcherState* watcher, bool /*full*/) const {
  std::vector<const DialogInfoDocument*> docs;
  docs.reserve(resource.publications.size());
  for (const PublicationView& p : resource.publications)
    if (const auto* d = dynamic_cast<const DialogInfoDocument*>(&p.document)) docs.push_back(d);
  uint64_t version = resource.version;
  if (auto* w = dynamic_cast<DialogWatcher*>(watcher)) version = w->next_version++;
  return Body{std::string(kTypes[0]), compose_dialog_info(resource.uri, version, docs)};
}

}  // namespace pinana::presence::packages::dialog
