// MessageSummaryPackage: the `message-summary` event package (RFC 3842) with
// application/simple-message-summary bodies.
//
// PUBLISH bodies are validated by parse_summary(). Composition policy: a mailbox has one summary,
// and counts from different publishers cannot be added up meaningfully (they may describe the
// same messages), so a NOTIFY carries the summary of the most recently published live
// publication, re-printed in canonical form; with none, "Messages-Waiting: no". "Most recently
// published" is the order in which parse() accepted the documents (a serial it stamps on them),
// so a body-less refresh does not make an older summary current. Same body for every watcher:
// per_watcher() is false. Expiry bounds: the defaults (3600 s).
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

#include "pinana/presence/event_package.h"

namespace pinana::presence::packages::message_summary {

class MessageSummaryPackage final : public EventPackage {
 public:
  std::string_view name() const override { return "message-summary"; }
  std::span<const std::string_view> publish_types() const override { return kTypes; }
  std::span<const std::string_view> notify_types() const override { return kTypes; }

  Result<std::unique_ptr<Document>> parse(std::string_view content_type, std::string_view body,
                                          const Document* previous) const override;
  std::optional<Body> render(const ResourceView& resource, std::string_view type,
                             WatcherState* watcher, bool full) const override;

 private:
  static constexpr std::array<std::string_view, 1> kTypes{"application/simple-message-summary"};
  mutable std::atomic<uint64_t> next_serial_{1};
};

}  // namespace pinana::presence::packages::message_summary
