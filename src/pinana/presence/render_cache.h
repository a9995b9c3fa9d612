// RenderCache: NOTIFY bodies rendered once per (resource version, MIME type, full) and shared by
// every watcher of the resource, for packages whose render() ignores the watcher
// (EventPackage::per_watcher() false). DESIGN.md §7: render once per version, not per watcher.
//
// Only the current version of each resource is kept; an entry is dropped when its resource is
// forgotten. Owned by the PresenceService; its thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pinana/presence/event_package.h"
#include "pinana/presence/ids.h"

namespace pinana::presence {

class RenderCache {
 public:
  // The body for `resource` (whose state `view` describes), rendering it on the first request for
  // this version, type and fullness. The reference is valid until the next call.
  const std::optional<Body>& get(const ResourceKey& resource, const ResourceView& view,
                                 const EventPackage& package, std::string_view type, bool full);

  void forget(const ResourceKey& resource) { entries_.erase(resource); }
  // Copies the cached bodies into fresh memory (see PublicationStore::compact).
  void compact() { decltype(entries_)(entries_.begin(), entries_.end()).swap(entries_); }
  size_t size() const { return entries_.size(); }
  uint64_t renders() const { return renders_; }  // calls of EventPackage::render made

 private:
  struct Rendered {
    std::string type;
    bool full = false;
    std::optional<Body> body;
  };
  struct Entry {
    uint64_t version = 0;
    std::vector<Rendered> bodies;
  };
  std::unordered_map<ResourceKey, Entry> entries_;
  uint64_t renders_ = 0;
};

}  // namespace pinana::presence
