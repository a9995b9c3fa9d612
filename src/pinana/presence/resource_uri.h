// Which resources this hub serves, and the canonical text of a resource URI.
//
// A Request-URI names a resource of the hub when it is a sip: or sips: URI with a user part whose
// host is one of the configured domains or the hub's own addresses (case-insensitive, port
// ignored). The canonical form "sip:user@host" (sips folded to sip, host lower-cased, no port,
// parameters or headers) is what the stores key on and what packages see as the presentity. The
// user part is kept as written: differently escaped spellings of one user are different
// resources. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>

#include "pinana/presence/presence_config.h"
#include "pinana/sip/uri.h"

namespace pinana::presence {

// The canonical resource URI, or nullopt when the hub does not serve `uri` (answer 404).
std::optional<std::string> served_resource(const sip::Uri& uri, const PresenceConfig& config);

}  // namespace pinana::presence
