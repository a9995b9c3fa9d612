// make_all_packages / register_all: the five event packages the hub serves (presence, dialog,
// message-summary, asterisk-devicestate, asterisk-mwi). The only place that names every concrete
// package type.
//
// The PackageRegistry does not own packages, so the caller keeps the returned objects alive for as
// long as the registry (and the presence core) use them. Start-up only; one thread.
#pragma once

#include <memory>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/presence/event_package.h"
#include "pinana/presence/package_registry.h"

namespace pinana::presence::packages {

// A fresh object of each package, in the order above.
std::vector<std::unique_ptr<EventPackage>> make_all_packages();

// make_all_packages(), each added to `registry`; the error of the first add() that fails (a
// package of the same name already registered).
Result<std::vector<std::unique_ptr<EventPackage>>> register_all(PackageRegistry& registry);

}  // namespace pinana::presence::packages
