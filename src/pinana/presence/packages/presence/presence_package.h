// PresencePackage: the `presence` event package (RFC 3856) with application/pidf+xml bodies
// (RFC 3863), RPID (RFC 4480) and data-model (RFC 4479) elements passed through.
//
// PUBLISH bodies are validated by parse_pidf(); every NOTIFY carries the full composed document of
// the presentity (compose_pidf(): tuples of all live publications, later publication wins on a
// duplicate tuple id). The body is the same for every watcher, so per_watcher() is false and the
// core renders once per resource version. Expiry bounds: the defaults (RFC 3856 §6.4: 3600 s).
//
// Const and stateless; one object serves every resource; any thread.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "pinana/presence/event_package.h"

namespace pinana::presence::packages::presence {

class PresencePackage final : public EventPackage {
 public:
  std::string_view name() const override { return "presence"; }
  std::span<const std::string_view> publish_types() const override { return kTypes; }
  std::span<const std::string_view> notify_types() const override { return kTypes; }

  Result<std::unique_ptr<Document>> parse(std::string_view content_type, std::string_view body,
                                          const Document* previous) const override;
  std::optional<Body> render(const ResourceView& resource, std::string_view type,
                             WatcherState* watcher, bool full) const override;

 private:
  static constexpr std::array<std::string_view, 1> kTypes{"application/pidf+xml"};
};

}  // namespace pinana::presence::packages::presence
