#include "pinana/presence/packages/register_all.h"

#include "pinana/presence/packages/asterisk_devicestate/devicestate_package.h"
#include "pinana/presence/packages/asterisk_mwi/mwi_package.h"
#include "pinana/presence/packages/dialog/dialog_package.h"
#include "pinana/presence/packages/message_summary/message_summary_package.h"
#include "pinana/presence/packages/presence/presence_package.h"

namespace pinana::presence::packages {

std::vector<std::unique_ptr<EventPackage>> make_all_packages() {
  std::vector<std::unique_ptr<EventPackage>> all;
  all.push_back(std::make_unique<presence::PresencePackage>());
  all.push_back(std::make_unique<dialog::DialogPackage>());
  all.push_back(std::make_unique<message_summary::MessageSummaryPackage>());
  all.push_back(std::make_unique<asterisk_devicestate::DevicestatePackage>());
  all.push_back(std::make_unique<asterisk_mwi::MwiPackage>());
  return all;
}

Result<std::vector<std::unique_ptr<EventPackage>>> register_all(PackageRegistry& registry) {
  auto all = make_all_packages();
  for (const auto& package : all)
    if (Status s = registry.add(*package); !s) return s.error();
  return all;
}

}  // namespace pinana::presence::packages
