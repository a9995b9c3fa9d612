// build_notify: the text of one NOTIFY request within a subscription's dialog (RFC 6665 §4.2.2,
// RFC 3261 §12.2.1.1).
//
// Request-URI and Route follow the dialog's route set: with no route set, or a loose router
// (";lr") first, the Request-URI is the remote target and Route is the route set; with a strict
// router first, the Request-URI is that router's URI and the remote target ends the Route list.
// From is the hub's side of the dialog (the SUBSCRIBE's To plus the hub's tag), To the
// subscriber's; the Event header repeats the subscription's type and id. Pure function; any
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pinana/presence/event_package.h"
#include "pinana/presence/server_subscription.h"

namespace pinana::presence {

struct NotifyParams {
  std::string_view contact_uri;  // the hub's Contact
  std::string_view via_sent_by;  // "host[:port]"
  std::string_view branch;       // unique per NOTIFY; the magic cookie is prepended here
  uint32_t cseq = 0;
  std::string_view subscription_state;  // "active;expires=3599", "terminated;reason=timeout"
  const Body* body = nullptr;           // null or empty content type: no body
};

// `out` is the buffer to build into (cleared first; a recycled one keeps its capacity).
std::string build_notify(const ServerSubscription& subscription, const NotifyParams& params,
                         std::string out = {});

// The Event header value of a subscription: "presence" or "presence;id=abc".
std::string event_header_value(const SubscriptionKeyView& key);

}  // namespace pinana::presence
