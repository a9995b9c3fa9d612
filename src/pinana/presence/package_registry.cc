#include "pinana/presence/package_registry.h"

namespace pinana::presence {

Status PackageRegistry::add(const EventPackage& package) {
  if (package.name().empty()) return Error{500, "event package without a name"};
  if (find(package.name()) != nullptr)
    return Error{500, "event package registered twice: " + std::string(package.name())};
  packages_.push_back(&package);
  if (!allow_events_.empty()) allow_events_.append(", ");
  allow_events_.append(package.name());
  return Status::Ok();
}

const EventPackage* PackageRegistry::find(std::string_view event_type) const {
  for (const EventPackage* p : packages_)
    if (p->name() == event_type) return p;
  return nullptr;
}

}  // namespace pinana::presence
