// EntrySetPackage: the part of the asterisk-devicestate and asterisk-mwi packages that does not
// depend on what an entry is: accumulating documents, per-watcher deltas, and the NOTIFY body
// (docs/formats/asterisk-devicestate.md §NOTIFY, asterisk-mwi.md §NOTIFY).
//
// `Traits` supplies:
//   using Key, Value;                               the entry key and value (EntrySet)
//   static constexpr std::string_view kSetType;     the "type" of a NOTIFY body
//   static nlohmann::ordered_json entry_json(const Key&, const Value&);
//   static nlohmann::ordered_json key_json(const Key&);     a withdrawn entry
// The concrete package adds name() and parse(), building documents with derive().
//
// Stateless apart from the serial counter, which is atomic so that the one package object could
// be shared by several presence-core threads. Otherwise called from the core's thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pinana/presence/event_package.h"
#include "pinana/presence/packages/common/entry_set.h"

namespace pinana::presence::packages::common {

inline constexpr std::array<std::string_view, 1> kJsonTypes{"application/json"};

template <typename Traits>
class EntrySetPackage : public EventPackage {
 public:
  using Key = typename Traits::Key;
  using Value = typename Traits::Value;
  using Set = EntrySet<Key, Value>;
  using Watcher = DeltaWatcher<Key>;

  std::span<const std::string_view> publish_types() const override { return kJsonTypes; }
  std::span<const std::string_view> notify_types() const override { return kJsonTypes; }

  std::unique_ptr<WatcherState> new_watcher_state() const override {
    return std::make_unique<Watcher>();
  }

  void note_change(const PublicationChange& change, WatcherState* watcher) const override {
    if (auto* w = dynamic_cast<Watcher*>(watcher)) record_change<Key, Value>(change, *w);
  }

  // Full: every current entry. Otherwise: the entries changed since this watcher's last NOTIFY,
  // those that no longer exist as "withdrawn"; nullopt when nothing changed. Without a watcher
  // state (which the core always supplies) every body is full.
  std::optional<Body> render(const ResourceView& resource, std::string_view /*type*/,
                             WatcherState* watcher, bool full) const override {
    auto* w = dynamic_cast<Watcher*>(watcher);
    const bool send_full = full || w == nullptr;
    if (!send_full && w->changed.empty() && w->refresh.empty()) return std::nullopt;

    nlohmann::ordered_json entries = nlohmann::ordered_json::array();
    nlohmann::ordered_json withdrawn = nlohmann::ordered_json::array();
    nlohmann::ordered_json refresh = nlohmann::ordered_json::array();
    if (send_full) {
      for (const auto& [key, slot] : all_current<Key, Value>(resource))
        entries.push_back(Traits::entry_json(key, slot->value));
    } else {
      for (const Key& key : w->changed) {
        if (const auto* slot = find_current<Key, Value>(resource, key)) {
          entries.push_back(Traits::entry_json(key, slot->value));
        } else {
          withdrawn.push_back(Traits::key_json(key));
        }
      }
    }
    if (w != nullptr) {
      for (const Eid& eid : w->refresh) refresh.push_back(eid.to_string());
    }

    nlohmann::ordered_json body;
    body["type"] = Traits::kSetType;
    body["seq"] = w != nullptr ? w->seq : 0;
    body["full"] = send_full;
    body["entries"] = std::move(entries);
    body["withdrawn"] = std::move(withdrawn);
    body["refresh"] = std::move(refresh);
    if (w != nullptr) {
      w->changed.clear();
      w->refresh.clear();
      ++w->seq;
    }
    return Body{std::string(kJsonTypes[0]),
                body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
  }

  bool per_watcher() const override { return true; }

 protected:
  // A new document for one PUBLISH: a copy of `previous` (null on an initial PUBLISH).
  Result<std::unique_ptr<Set>> derive(const Document* previous) const {
    const auto* prev = dynamic_cast<const Set*>(previous);
    if (previous != nullptr && prev == nullptr)
      return Error{500, "previous document belongs to another package"};
    return std::make_unique<Set>(prev, next_serial_.fetch_add(1, std::memory_order_relaxed));
  }

 private:
  mutable std::atomic<uint64_t> next_serial_{1};
};

}  // namespace pinana::presence::packages::common
