#include "pinana/presence/packages/message_summary/message_summary_package.h"

#include <string>

#include "pinana/presence/packages/common/media_type.h"
#include "pinana/presence/packages/message_summary/summary_document.h"

namespace pinana::presence::packages::message_summary {

Result<std::unique_ptr<Document>> MessageSummaryPackage::parse(std::string_view content_type,
                                                               std::string_view body,
                                                               const Document* /*previous*/) const {
  if (Status s = common::expect_media_type(content_type, "application", "simple-message-summary");
      !s)
    return s.error();
  auto doc = parse_summary(body);
  if (!doc) return doc.error();
  (*doc)->serial = next_serial_.fetch_add(1, std::memory_order_relaxed);
  return std::unique_ptr<Document>(std::move(*doc));
}

std::optional<Body> MessageSummaryPackage::render(const ResourceView& resource,
                                                  std::string_view /*type*/,
                                                  WatcherState* /*watcher*/, bool /*full*/) const {
  const SummaryDocument* newest = nullptr;
  for (const PublicationView& p : resource.publications) {
    const auto* d = dynamic_cast<const SummaryDocument*>(&p.document);
    if (d != nullptr && (newest == nullptr || d->serial > newest->serial)) newest = d;
  }
  std::string text = newest != nullptr ? format_summary(*newest) : "Messages-Waiting: no\r\n";
  return Body{std::string(kTypes[0]), std::move(text)};
}

}  // namespace pinana::presence::packages::message_summary
