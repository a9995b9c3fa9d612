// Shared pieces of the event-package fuzz targets: a minimal stand-in for the presence core (one
// resource, its live publications oldest first, watcher states) that drives an EventPackage the
// way event_package.h specifies, and the op-script reader used by the accumulating packages.
//
// Fuzz code only; one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "pinana/presence/event_package.h"

namespace pinana::fuzz {

class FuzzResource {
 public:
  FuzzResource(const presence::EventPackage& package, std::string uri)
      : package_(package), uri_(std::move(uri)) {}

  // PUBLISH (initial or modify) of `body` to publication `id`; true when accepted.
  bool publish(const std::string& id, std::string_view body) {
    Publication* existing = find(id);
    auto doc = package_.parse(package_.publish_types().front(), body,
                              existing ? existing->doc.get() : nullptr);
    if (!doc.ok()) {
      FUZZ_CHECK(doc.error().status == 400);  // the only answer to a bad body of the right type
      FUZZ_CHECK(!doc.error().reason.empty());
      return false;
    }
    FUZZ_CHECK(doc.value() != nullptr);
    presence::PublicationChange change{
        existing ? presence::ChangeKind::kModified : presence::ChangeKind::kAdded, id,
        existing ? existing->doc.get() : nullptr, doc.value().get()};
    for (auto& w : watchers_) package_.note_change(change, w.get());
    if (existing) {
      existing->doc = std::move(doc.value());
    } else {
      pubs_.push_back({id, std::move(doc.value())});
    }
    ++version_;
    return true;
  }

  void remove(const std::string& id) {
    Publication* p = find(id);
    if (p == nullptr) return;
    presence::PublicationChange change{presence::ChangeKind::kRemoved, id, p->doc.get(), nullptr};
    for (auto& w : watchers_) package_.note_change(change, w.get());
    pubs_.erase(pubs_.begin() + (p - pubs_.data()));
    ++version_;
  }

  size_t subscribe() {
    watchers_.push_back(package_.new_watcher_state());
    return watchers_.size() - 1;
  }

  std::optional<presence::Body> render(size_t watcher, bool full) {
    views_.clear();
    for (const auto& p : pubs_) views_.push_back(presence::PublicationView{p.id, *p.doc});
    return package_.render(presence::ResourceView{uri_, views_, version_},
                           package_.notify_types().front(),
                           watcher < watchers_.size() ? watchers_[watcher].get() : nullptr, full);
  }

  size_t publications() const { return pubs_.size(); }

 private:
  struct Publication {
    std::string id;
    std::unique_ptr<presence::Document> doc;
  };
  Publication* find(const std::string& id) {
    for (auto& p : pubs_)
      if (p.id == id) return &p;
    return nullptr;
  }

  const presence::EventPackage& package_;
  std::string uri_;
  std::vector<Publication> pubs_;
  std::vector<std::unique_ptr<presence::WatcherState>> watchers_;
  std::vector<presence::PublicationView> views_;
  uint64_t version_ = 0;
};

// An op script: the input split at '\n'. In each non-empty line the first byte selects the
// operation (byte % 4): 0, 1, 2 publish the rest of the line to publication "p0", "p1", "p2"; 3
// removes publication "p<second byte % 3>".
struct Op {
  bool remove = false;
  std::string publication;
  std::string_view body;
};

inline std::vector<Op> read_ops(std::string_view input, size_t max_ops) {
  std::vector<Op> ops;
  while (!input.empty() && ops.size() < max_ops) {
    const size_t nl = input.find('\n');
    const std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    if (line.empty()) continue;
    const unsigned sel = static_cast<unsigned char>(line[0]) % 4;
    Op op;
    if (sel == 3) {
      op.remove = true;
      const unsigned which = line.size() > 1 ? static_cast<unsigned char>(line[1]) % 3 : 0;
      op.publication = "p" + std::to_string(which);
    } else {
      op.publication = "p" + std::to_string(sel);
      op.body = line.substr(1);
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace pinana::fuzz
