// PackageRegistry: the event packages the hub serves, by Event name, registered at start-up.
//
// The registry does not own the packages (they are built by the wiring and outlive it); it maps a
// name to `const EventPackage&` and keeps the Allow-Events value (RFC 6665 §8.2.2) ready for 489
// responses. Filled before the presence core starts, then read-only; one thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/presence/event_package.h"

namespace pinana::presence {

class PackageRegistry {
 public:
  // Adds `package`, which must outlive the registry. A second package with the same name is an
  // error (a start-up configuration mistake).
  Status add(const EventPackage& package);

  // The package whose name() is exactly `event_type` (event types compare case-sensitively), or
  // null.
  const EventPackage* find(std::string_view event_type) const;

  // "presence, dialog, message-summary": every registered package, in registration order.
  std::string_view allow_events() const { return allow_events_; }

  const std::vector<const EventPackage*>& packages() const { return packages_; }

 private:
  std::vector<const EventPackage*> packages_;
  std::string allow_events_;
};

}  // namespace pinana::presence
