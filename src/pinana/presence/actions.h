// Actions: what the presence core asks its owner to do after each event it was fed.
//
// The owner sends `response` (if not empty) on the server transaction of the request it fed, starts
// one client transaction per NOTIFY towards its destination, reports each NOTIFY's final outcome
// back with PresenceService::on_notify_result(subscription, status), and arms one timer for
// `next_deadline`. Plain values, moved to the owner; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/ids.h"
#include "pinana/presence/request_context.h"

namespace pinana::presence {

// A NOTIFY to send. `request` is the complete request text (Request-URI, top Via with a fresh
// branch, Route set, From/To/Call-ID/CSeq of the subscription's dialog, Event, Subscription-State,
// body). `destination` is the flow the subscription's last SUBSCRIBE arrived on.
struct OutgoingNotify {
  SubscriptionId subscription;
  Flow destination;
  std::string request;
  // What follows the magic cookie in the request's top Via branch: 88 random bits, 15 characters
  // (short enough to be stored without an allocation), fresh for every NOTIFY.
  std::string branch_id;
};

struct Actions {
  std::string response;                    // "" after on_timer / on_notify_result / shutdown
  std::vector<OutgoingNotify> notifies;    // in the order they were generated
  std::optional<TimePoint> next_deadline;  // when to call on_timer() next; nullopt: nothing due
};

}  // namespace pinana::presence
