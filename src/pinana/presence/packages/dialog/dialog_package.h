// DialogPackage: the `dialog` event package (RFC 4235) with application/dialog-info+xml bodies.
//
// PUBLISH bodies are validated by parse_dialog_info(). Every NOTIFY is the full composed document
// (compose_dialog_info()) with a `version` private to the watcher: 0 in its first NOTIFY, one more
// in each following one (RFC 4235 §4.1), kept in a DialogWatcher. The version makes bodies differ
// between watchers, so per_watcher() is true. Expiry bounds: the defaults (3600 s).
//
// Const and stateless; one object serves every resource; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "pinana/presence/event_package.h"

namespace pinana::presence::packages::dialog {

// Per-subscription state: the version of the next NOTIFY body.
struct DialogWatcher final : WatcherState {
  uint64_t next_version = 0;
};

class DialogPackage final : public EventPackage {
 public:
  std::string_view name() const override { return "dialog"; }
  std::span<const std::string_view> publish_types() const override { return kTypes; }
  std::span<const std::string_view> notify_types() const override { return kTypes; }

  Result<std::unique_ptr<Document>> parse(std::string_view content_type, std::string_view body,
                                          const Document* previous) const override;

  std::unique_ptr<WatcherState> new_watcher_state() const override {
    return std::make_unique<DialogWatcher>();
  }

  // Always a body (full state). Without a watcher state, which the core always supplies, the
  // version is the resource version.
  std::optional<Body> render(const ResourceView& resource, std::string_view type,
                             WatcherState* watcher, bool full) const override;

  bool per_watcher() const override { return true; }

 private:
  static constexpr std::array<std::string_view, 1> kTypes{"application/dialog-info+xml"};
};

}  // namespace pinana::presence::packages::dialog
