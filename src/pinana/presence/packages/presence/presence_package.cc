#include "pinana/presence/packages/presence/presence_package.h"

#include <string>
#include <vector>

#include "pinana/presence/packages/common/media_type.h"
#include "pinana/presence/packages/presence/pidf_composer.h"
#include "pinana/presence/packages/presence/pidf_document.h"

namespace pinana::presence::packages::presence {

Result<std::unique_ptr<Document>> PresencePackage::parse(std::string_view content_type,
                                                         std::string_view body,
                                                         const Document* /*previous*/) const {
  // A PIDF PUBLISH replaces the publication's whole state (RFC 3903 §4.4); no merging.
  if (Status s = common::expect_media_type(content_type, "application", "pidf+xml"); !s)
    return s.error();
  auto doc = parse_pidf(body);
  if (!doc) return doc.error();
  return std::unique_ptr<Document>(std::move(*doc));
}

std::optional<Body> PresencePackage::render(const ResourceView& resource, std::string_view /*type*/,
                                            WatcherState* /*watcher*/, bool /*full*/) const {
  std::vector<const PidfDocument*> docs;
  docs.reserve(resource.publications.size());
  for (const PublicationView& p : resource.publications)
    if (const auto* d = dynamic_cast<const PidfDocument*>(&p.document)) docs.push_back(d);
  return Body{std::string(kTypes[0]), compose_pidf(resource.uri, docs)};
}

}  // namespace pinana::presence::packages::presence
