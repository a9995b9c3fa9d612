// Access rules of the hub: which configured user may publish or watch which presentity and
// package. Pure functions over the configuration; any thread.
#pragma once

#include <string_view>
#include <vector>

#include "pinana/hub/hub_config.h"
#include "pinana/sip/uri.h"

namespace pinana::hub {

const HubUser* find_user(const std::vector<HubUser>& users, std::string_view name);

// True when `rule` lets its user act on presentity `uri` in event package `package`. Patterns:
// "*" (anything), "sip:*@domain" (any user of a domain), or an exact "sip:user@domain"; the
// scheme sips matches sip, hosts compare case-insensitively, users exactly.
bool permits(const AccessRule& rule, const sip::Uri& uri, std::string_view package);

}  // namespace pinana::hub
