// PackageHarness: a stand-in for the presence core in package tests. It keeps the live
// publications of one resource (oldest first) and the watcher states of its subscriptions, calls
// parse() for every PUBLISH, note_change() for every watcher when a publication changes, and
// render() on request, the way event_package.h says the core does. Tests only; one thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include "pinana/presence/event_package.h"

namespace pinana::presence::packages::test {

class PackageHarness {
 public:
  PackageHarness(const EventPackage& package, std::string uri)
      : package_(package), uri_(std::move(uri)) {}

  // An initial PUBLISH (new id) or a modify (known id). On error nothing changes.
  Status publish(const std::string& id, std::string_view body) {
    return publish_typed(id, package_.publish_types().front(), body);
  }

  Status publish_typed(const std::string& id, std::string_view content_type,
                       std::string_view body) {
    Publication* existing = find(id);
    auto doc = package_.parse(content_type, body, existing ? existing->doc.get() : nullptr);
    if (!doc) return doc.error();
    PublicationChange change{existing ? ChangeKind::kModified : ChangeKind::kAdded, id,
                             existing ? existing->doc.get() : nullptr, doc->get()};
    for (auto& w : watchers_) package_.note_change(change, w.get());
    if (existing) {
      existing->doc = std::move(*doc);
    } else {
      pubs_.push_back({id, std::move(*doc)});
    }
    ++version_;
    return Status::Ok();
  }

  // Removal or expiry.
  void remove(const std::string& id) {
    Publication* p = find(id);
    if (p == nullptr) return;
    PublicationChange change{ChangeKind::kRemoved, id, p->doc.get(), nullptr};
    for (auto& w : watchers_) package_.note_change(change, w.get());
    pubs_.erase(pubs_.begin() + (p - pubs_.data()));
    ++version_;
  }

  // A new subscription; returns its index.
  size_t subscribe() {
    watchers_.push_back(package_.new_watcher_state());
    return watchers_.size() - 1;
  }

  std::optional<Body> render(size_t watcher, bool full) {
    return package_.render(view(), package_.notify_types().front(), watchers_[watcher].get(), full);
  }
  // As the core does for packages that are not per-watcher.
  std::optional<Body> render_shared() {
    return package_.render(view(), package_.notify_types().front(), nullptr, true);
  }

  // As PublicationStore::compact does after a burst: every document replaced by its clone. What
  // watchers are sent next must not change.
  void relocate() {
    for (auto& p : pubs_) {
      std::unique_ptr<Document> copy = p.doc->clone();
      if (!copy || copy.get() == p.doc.get() || typeid(*copy) != typeid(*p.doc)) std::abort();
      p.doc = std::move(copy);
    }
  }

  const Document* document(const std::string& id) {
    Publication* p = find(id);
    return p ? p->doc.get() : nullptr;
  }
  WatcherState* watcher(size_t i) { return watchers_[i].get(); }

  ResourceView view() {
    views_.clear();
    for (const auto& p : pubs_) views_.push_back(PublicationView{p.id, *p.doc});
    return ResourceView{uri_, views_, version_};
  }

 private:
  struct Publication {
    std::string id;
    std::unique_ptr<Document> doc;
  };
  Publication* find(const std::string& id) {
    for (auto& p : pubs_)
      if (p.id == id) return &p;
    return nullptr;
  }

  const EventPackage& package_;
  std::string uri_;
  std::vector<Publication> pubs_;
  std::vector<std::unique_ptr<WatcherState>> watchers_;
  std::vector<PublicationView> views_;
  uint64_t version_ = 0;
};

}  // namespace pinana::presence::packages::test
