// Invariant checks of hub_request_fuzz on the messages the hub's request path emits: each
// response must answer the request it was built for, and each NOTIFY must be a well-formed
// request of the subscription it names. A broken invariant aborts (FUZZ_CHECK).
//
// Stateless functions; the caller keeps every argument alive during the call. Any thread.
#pragma once

#include <string_view>

#include "pinana/presence/package_registry.h"
#include "pinana/presence/server_subscription.h"
#include "pinana/sip/message.h"

namespace pinana::fuzz {

// `text` is a response to `request`: it parses as one stream-framed message, is a response with a
// status in 100..699, echoes the request's Call-ID, CSeq, From tag and top Via branch, and (above
// 100) carries a To tag, the request's own when it had one. Returns the parsed response.
sip::Message check_response(std::string_view text, const sip::Message& request);

// `text` is a NOTIFY of `subscription`: it parses as one stream-framed request with method and
// CSeq method NOTIFY, an RFC 3261 branch, the dialog's Call-ID and tags, an Event header naming a
// registered package and the subscription's type and id, a Subscription-State that parses (active
// with 0 <= expires <= `max_expires`, or terminated with a reason), and a Content-Length equal to
// the body's size (a body also needs a Content-Type). Returns the parsed NOTIFY.
sip::Message check_notify(std::string_view text, const presence::ServerSubscription& subscription,
                          const presence::PackageRegistry& registry, int64_t max_expires);

}  // namespace pinana::fuzz
