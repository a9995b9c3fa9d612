// PublicationStore: every live publication of the hub, grouped by resource (ResourceKey), with an
// index by entity-tag and one by expiry (RFC 3903 soft state).
//
// It keeps, per resource, the publications oldest first and a version that increases on every
// change of them (add, modify, remove, expiry; not on a refresh, which changes nothing a watcher
// sees). Versions come from one store-wide counter, so a resource that is forgotten and later
// re-created never reuses a version. Each mutation returns a StoreChange that keeps the old
// document alive until the caller has told the watchers (EventPackage::note_change).
//
// The store validates nothing: PUBLISH semantics live in PublishHandler. Owned by the presence
// core; its thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/event_package.h"
#include "pinana/presence/ids.h"
#include "pinana/presence/server_publication.h"

namespace pinana::presence {

// What one mutation did. `after` points at the store's live document (valid until the next
// mutation); `before` owns the replaced or removed document.
struct StoreChange {
  ResourceKey resource;
  ChangeKind kind = ChangeKind::kAdded;
  std::string publication_id;
  std::unique_ptr<Document> before;
  const Document* after = nullptr;

  PublicationChange view() const { return {kind, publication_id, before.get(), after}; }
};

class PublicationStore {
 public:
  // The publication of `resource` whose current entity-tag is `etag`, or null (unknown, expired,
  // superseded by a newer etag, or belonging to another resource or package).
  const ServerPublication* find(const ResourceKey& resource, std::string_view etag) const;

  StoreChange add(const ResourceKey& resource, std::unique_ptr<Document> document, std::string etag,
                  TimePoint expires_at);
  // A refresh: new etag and expiry, same document; no StoreChange (watchers see nothing).
  void refresh(PublicationId id, std::string etag, TimePoint expires_at);
  StoreChange modify(PublicationId id, std::unique_ptr<Document> document, std::string etag,
                     TimePoint expires_at);
  StoreChange remove(PublicationId id);

  // Removes every publication whose expiry is at or before `now`, oldest deadline first.
  std::vector<StoreChange> expire(TimePoint now);
  std::optional<TimePoint> next_expiry() const;

  // The resource's live publications (oldest first) and version. The view's spans stay valid
  // until the next mutation of the store. An unknown resource has no publications and version 0.
  ResourceView view(const ResourceKey& resource) const;
  uint64_t version(const ResourceKey& resource) const;

  // Drops the bookkeeping of a resource that has no publications (called when nobody watches it
  // any longer either).
  void forget_if_empty(const ResourceKey& resource);

  // Moves every publication, its document and the indexes into fresh memory; nothing a caller
  // can see changes but the addresses (views and StoreChange::after are invalidated, as by a
  // mutation). For after a burst: the documents published during it sit between the freed
  // pages of the burst's transactions and would keep those pages resident. Linear in the
  // number of publications.
  void compact();

  size_t size() const { return by_id_.size(); }
  size_t resource_count() const { return resources_.size(); }

 private:
  struct ResourceState {
    std::vector<PublicationId> order;    // oldest first
    std::vector<PublicationView> views;  // rebuilt on every change, parallel to `order`
    uint64_t version = 0;
  };

  ServerPublication& get(PublicationId id);
  void changed(ResourceState& state);
  void rebuild_views(ResourceState& state) const;

  std::unordered_map<PublicationId, std::unique_ptr<ServerPublication>> by_id_;
  struct TextHash {  // lets by_etag_ be searched with a string_view, without a copy
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, PublicationId, TextHash, std::equal_to<>> by_etag_;
  std::set<std::pair<TimePoint, PublicationId>> by_expiry_;
  std::unordered_map<ResourceKey, ResourceState> resources_;
  uint64_t next_id_ = 1;
  uint64_t next_version_ = 1;
};

}  // namespace pinana::presence
