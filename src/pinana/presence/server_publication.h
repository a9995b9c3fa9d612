// ServerPublication: one piece of event state published by one EPA for one resource (RFC 3903
// §4), as the ESC keeps it: the package's parsed Document, the current entity-tag and the moment
// the publication expires unless refreshed.
//
// Owned by the PublicationStore, which is the only one that mutates it (so that its etag and
// expiry indexes stay in step). The presence core's thread only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "pinana/base/clock.h"
#include "pinana/presence/event_package.h"
#include "pinana/presence/ids.h"

namespace pinana::presence {

class ServerPublication {
 public:
  ServerPublication(PublicationId id, ResourceKey resource, std::string etag,
                    std::unique_ptr<Document> document, TimePoint expires_at)
      : id_(id),
        id_text_("p" + std::to_string(id.value)),
        resource_(std::move(resource)),
        etag_(std::move(etag)),
        document_(std::move(document)),
        expires_at_(expires_at) {}

  PublicationId id() const { return id_; }
  // The id as packages see it (PublicationView::id); stable for the publication's life.
  std::string_view id_text() const { return id_text_; }
  const ResourceKey& resource() const { return resource_; }
  const std::string& etag() const { return etag_; }
  const Document& document() const { return *document_; }
  TimePoint expires_at() const { return expires_at_; }

 private:
  friend class PublicationStore;

  PublicationId id_;
  std::string id_text_;
  ResourceKey resource_;
  std::string etag_;
  std::unique_ptr<Document> document_;
  TimePoint expires_at_;
};

}  // namespace pinana::presence
