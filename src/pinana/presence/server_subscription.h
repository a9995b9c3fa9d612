// ServerSubscription: one watcher's subscription to one resource, on the notifier side (RFC 6665
// §4.2.2): the dialog the hub shares with the subscriber as its UAS (RFC 3261 §12.1.1), the
// chosen NOTIFY body type, the expiry, the package's per-watcher state, and the NOTIFY
// sequencing state.
//
// NOTIFY sequencing: at most one NOTIFY is outstanding per subscription. While one is, changes
// only mark the subscription dirty (and a refresh marks it as owing a full state); when the
// outcome arrives, one NOTIFY carries everything that accumulated. A termination (unsubscribe,
// expiry, shutdown) waits the same way and is sent as the final NOTIFY, after which the
// subscription only waits for that NOTIFY's outcome to be removed.
//
// Owned by the SubscriptionManager; mutated by the PresenceService. The presence core's thread
// only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/event_package.h"
#include "pinana/presence/ids.h"
#include "pinana/presence/request_context.h"

namespace pinana::presence {

// RFC 6665 §4.2.2 / §8.2.3 reasons the hub uses in `Subscription-State: terminated`.
enum class TerminationReason : uint8_t {
  kTimeout,      // expired without refresh, unsubscribed (Expires: 0) or fetched
  kDeactivated,  // the hub is shutting down: resubscribe (to this hub once back, or another)
  kNoresource,   // the resource no longer exists
};
std::string_view to_string(TerminationReason reason);

// The dialog state of the hub as UAS of the SUBSCRIBE (RFC 3261 §12.1.1). The dialog's id is
// part of the subscription's key (ServerSubscription::key().dialog), kept once.
struct SubscriptionDialog {
  std::string local_party;    // From of each NOTIFY: the SUBSCRIBE's To with the hub's tag added
  std::string remote_party;   // To of each NOTIFY: the SUBSCRIBE's From, tag included
  std::string remote_target;  // Request-URI of each NOTIFY: the URI of the last Contact
  std::vector<std::string> route_set;  // the SUBSCRIBE's Record-Route entries, in order
  uint32_t remote_cseq = 0;
  uint32_t local_cseq = 0;  // CSeq of the last NOTIFY sent; 0 before the first
};

class ServerSubscription {
 public:
  ServerSubscription(SubscriptionId id, SubscriptionKey key, ResourceKey resource,
                     const EventPackage& package, std::string_view notify_type,
                     SubscriptionDialog dialog, Flow flow, TimePoint expires_at,
                     std::unique_ptr<WatcherState> watcher);

  SubscriptionId id() const { return id_; }
  const SubscriptionKey& key() const { return key_; }
  const ResourceKey& resource() const { return resource_; }
  const EventPackage& package() const { return package_; }
  std::string_view notify_type() const { return notify_type_; }
  const SubscriptionDialog& dialog() const { return dialog_; }
  // Where NOTIFYs go: the flow the last SUBSCRIBE of this subscription arrived on.
  const Flow& flow() const { return flow_; }
  // The source address that created it, for the per-source limit.
  const std::string& source_address() const { return source_address_; }
  TimePoint expires_at() const { return expires_at_; }
  WatcherState* watcher_state() const { return watcher_.get(); }

  // A refresh (in-dialog SUBSCRIBE) accepted: new expiry, flow, remote CSeq and, when the request
  // carried a Contact, remote target (SUBSCRIBE is a target-refresh request). It owes a full
  // NOTIFY.
  void refresh(TimePoint expires_at, Flow flow, uint32_t remote_cseq,
               std::optional<std::string> remote_target);

  // --- NOTIFY sequencing --------------------------------------------------------------------
  void mark_changed() { dirty_ = true; }
  void mark_full() { dirty_ = full_ = true; }
  // Ends the subscription with `reason` (the first reason given wins).
  void terminate(TerminationReason reason);

  bool notify_in_flight() const { return in_flight_; }
  bool dirty() const { return dirty_; }
  bool owes_full() const { return full_; }
  bool terminating() const { return termination_.has_value(); }
  std::optional<TerminationReason> termination() const { return termination_; }
  bool final_sent() const { return final_sent_; }

  // Records that a NOTIFY was built (returns its CSeq) and is now outstanding.
  uint32_t begin_notify(bool final);
  // Records that nothing needs sending after all (a partial render had nothing new).
  void clear_dirty() { dirty_ = false; }
  // The outcome of the outstanding NOTIFY arrived. `delivered` false: the watcher may have
  // missed state (it answered with an error), so the next NOTIFY carries the full state.
  void end_notify(bool delivered);

 private:
  SubscriptionId id_;
  SubscriptionKey key_;
  ResourceKey resource_;
  const EventPackage& package_;
  std::string_view notify_type_;  // one of package_.notify_types(), which outlive it
  SubscriptionDialog dialog_;
  Flow flow_;
  std::string source_address_;
  TimePoint expires_at_;
  std::unique_ptr<WatcherState> watcher_;
  std::optional<TerminationReason> termination_;
  bool in_flight_ = false;
  bool dirty_ = true;  // a new subscription owes its first, full NOTIFY
  bool full_ = true;
  bool final_sent_ = false;
};

}  // namespace pinana::presence
