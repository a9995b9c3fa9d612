#include "pinana/presence/server_subscription.h"

#include <utility>

namespace pinana::presence {

std::string_view to_string(TerminationReason reason) {
  switch (reason) {
    case TerminationReason::kTimeout:
      return "timeout";
    case TerminationReason::kDeactivated:
      return "deactivated";
    case TerminationReason::kNoresource:
      return "noresource";
  }
  return "timeout";
}

ServerSubscription::ServerSubscription(SubscriptionId id, SubscriptionKey key, ResourceKey resource,
                                       const EventPackage& package, std::string_view notify_type,
                                       SubscriptionDialog dialog, Flow flow, TimePoint expires_at,
                                       std::unique_ptr<WatcherState> watcher)
    : id_(id),
      key_(std::move(key)),
      resource_(std::move(resource)),
      package_(package),
      notify_type_(notify_type),
      dialog_(std::move(dialog)),
      flow_(std::move(flow)),
      source_address_(flow_.address),
      expires_at_(expires_at),
      watcher_(std::move(watcher)) {}

void ServerSubscription::refresh(TimePoint expires_at, Flow flow, uint32_t remote_cseq,
                                 std::optional<std::string> remote_target) {
  expires_at_ = expires_at;
  flow_ = std::move(flow);
  dialog_.remote_cseq = remote_cseq;
  if (remote_target) dialog_.remote_target = std::move(*remote_target);
  mark_full();
}

void ServerSubscription::terminate(TerminationReason reason) {
  if (!termination_) termination_ = reason;
}

uint32_t ServerSubscription::begin_notify(bool final) {
  in_flight_ = true;
  dirty_ = full_ = false;
  final_sent_ = final_sent_ || final;
  return ++dialog_.local_cseq;
}

void ServerSubscription::end_notify(bool delivered) {
  in_flight_ = false;
  if (!delivered) full_ = true;
}

}  // namespace pinana::presence
