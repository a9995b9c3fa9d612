// EntrySet: the Document of the asterisk-devicestate and asterisk-mwi packages, and DeltaWatcher,
// their per-subscription state (docs/formats/asterisk-devicestate.md, asterisk-mwi.md).
//
// Asterisk sends one JSON object per PUBLISH, so a node's publication is the accumulation of
// everything it has published: an EntrySet maps each key ((device, EID) or (mailbox, EID)) to the
// latest value. parse() builds a new EntrySet from the previous one (a copy) plus the new object,
// and records which keys that one PUBLISH changed, so that note_change() need not diff whole sets
// on the common path.
//
// Each EntrySet carries a serial, unique and increasing per package object; a copy remembers the
// serial it was derived from. Each entry carries the serial of the PUBLISH that last changed it:
// when two live publications hold the same key, the most recently changed value is current.
//
// Plain values owned by the publication (EntrySet) or the subscription (DeltaWatcher); no
// synchronisation; used on the presence core's thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "pinana/presence/event_package.h"
#include "pinana/presence/packages/common/eid.h"

namespace pinana::presence::packages::common {

template <typename Key, typename Value>
class EntrySet final : public Document {
 public:
  std::unique_ptr<Document> clone() const override { return std::make_unique<EntrySet>(*this); }
  struct Slot {
    Value value;
    uint64_t serial = 0;  // the PUBLISH that last changed this entry
  };
  // The latest `refresh` request this publication carried.
  struct RefreshMark {
    Eid eid;
    uint64_t serial = 0;
  };

  // A document for one PUBLISH: a copy of `previous`'s entries (if any), stamped `serial`.
  EntrySet(const EntrySet* previous, uint64_t serial) : serial_(serial) {
    if (previous != nullptr) {
      entries_ = previous->entries_;
      refresh_ = previous->refresh_;
      base_serial_ = previous->serial_;
    }
  }

  // Sets `key` to `value`. Re-publishing an unchanged value is not a change: the entry keeps its
  // serial and watchers hear nothing.
  void put(const Key& key, Value value) {
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.value == value) return;
    entries_.insert_or_assign(key, Slot{std::move(value), serial_});
    if (std::find(changed_.begin(), changed_.end(), key) == changed_.end()) changed_.push_back(key);
  }

  void mark_refresh(const Eid& eid) { refresh_ = RefreshMark{eid, serial_}; }

  const std::map<Key, Slot>& entries() const { return entries_; }
  uint64_t serial() const { return serial_; }
  uint64_t base_serial() const { return base_serial_; }         // 0: not derived from another
  const std::vector<Key>& changed() const { return changed_; }  // relative to the base
  const std::optional<RefreshMark>& refresh() const { return refresh_; }

 private:
  std::map<Key, Slot> entries_;
  std::vector<Key> changed_;
  std::optional<RefreshMark> refresh_;
  uint64_t serial_ = 0;
  uint64_t base_serial_ = 0;
};

// What one subscription has not yet been told.
template <typename Key>
struct DeltaWatcher final : WatcherState {
  std::set<Key> changed;  // keys whose current value (or absence) is to be sent
  std::set<Eid> refresh;  // EIDs whose refresh requests are to be passed on
  uint64_t seq = 0;       // the "seq" of the next NOTIFY body
};

// Records in `watcher` what `change` changed.
template <typename Key, typename Value>
void record_change(const PublicationChange& change, DeltaWatcher<Key>& watcher) {
  using Set = EntrySet<Key, Value>;
  const auto* before = dynamic_cast<const Set*>(change.before);
  const auto* after = dynamic_cast<const Set*>(change.after);
  if (after != nullptr && after->refresh() &&
      (before == nullptr || !before->refresh() ||
       before->refresh()->serial != after->refresh()->serial)) {
    watcher.refresh.insert(after->refresh()->eid);
  }
  if (before == nullptr && after == nullptr) return;
  if (before == nullptr || after == nullptr) {  // added or removed: every key it holds
    for (const auto& [key, slot] : (before != nullptr ? before : after)->entries())
      watcher.changed.insert(key);
    return;
  }
  if (after->base_serial() == before->serial()) {  // one PUBLISH on top of `before`
    watcher.changed.insert(after->changed().begin(), after->changed().end());
    return;
  }
  // Unrelated documents: compare the two sorted maps.
  auto b = before->entries().begin();
  auto a = after->entries().begin();
  while (b != before->entries().end() || a != after->entries().end()) {
    if (a == after->entries().end() || (b != before->entries().end() && b->first < a->first)) {
      watcher.changed.insert(b->first);
      ++b;
    } else if (b == before->entries().end() || a->first < b->first) {
      watcher.changed.insert(a->first);
      ++a;
    } else {
      if (!(a->second.value == b->second.value)) watcher.changed.insert(a->first);
      ++a;
      ++b;
    }
  }
}

// The current entry for `key` over all live publications (the most recently changed), or null.
template <typename Key, typename Value>
const typename EntrySet<Key, Value>::Slot* find_current(const ResourceView& resource,
                                                        const Key& key) {
  const typename EntrySet<Key, Value>::Slot* best = nullptr;
  for (const PublicationView& p : resource.publications) {
    const auto* set = dynamic_cast<const EntrySet<Key, Value>*>(&p.document);
    if (set == nullptr) continue;
    auto it = set->entries().find(key);
    if (it != set->entries().end() && (best == nullptr || it->second.serial >= best->serial))
      best = &it->second;
  }
  return best;
}

// Every current entry over all live publications, sorted by key.
template <typename Key, typename Value>
std::map<Key, const typename EntrySet<Key, Value>::Slot*> all_current(
    const ResourceView& resource) {
  std::map<Key, const typename EntrySet<Key, Value>::Slot*> out;
  for (const PublicationView& p : resource.publications) {
    const auto* set = dynamic_cast<const EntrySet<Key, Value>*>(&p.document);
    if (set == nullptr) continue;
    for (const auto& [key, slot] : set->entries()) {
      auto [it, inserted] = out.emplace(key, &slot);
      if (!inserted && slot.serial >= it->second->serial) it->second = &slot;
    }
  }
  return out;
}

}  // namespace pinana::presence::packages::common
