// StandardLink: the standard profile (DESIGN §4.1; issue 5), for any RFC 3856 presence server
// such as Kamailio: each device is a presentity sip:<device-token>@DOMAIN whose PIDF carries one
// tuple per node (tuple id = EID) with the exact device state in a pinana extension element;
// nodes SUBSCRIBE per device on demand; MWI travels as message-summary per mailbox.
#pragma once

#include <memory>

#include "pinana/node/cluster_link.h"

namespace pinana::node {

// Null until the standard profile is built (the config refuses profile = "standard" until then).
std::unique_ptr<ClusterLink> make_standard_link(LinkContext context);

}  // namespace pinana::node
