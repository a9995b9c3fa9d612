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
// Memory: a hub holds 100,000s of idle subscriptions, so the text of one (dialog id, Event,
// parties, remote target, flow address) is kept in one block from the manager's pool, and the
// accessors hand out views of it. Only the rare route set keeps strings of its own.
//
// Owned by the SubscriptionManager; mutated by the PresenceService. The presence core's thread
// only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <memory_resource>
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

// The dialog state of the hub as UAS of the SUBSCRIBE (RFC 3261 §12.1.1), as given when the
// subscription is created. The dialog's id is part of the subscription's key.
struct SubscriptionDialog {
  std::string local_party;    // From of each NOTIFY: the SUBSCRIBE's To with the hub's tag added
  std::string remote_party;   // To of each NOTIFY: the SUBSCRIBE's From, tag included
  std::string remote_target;  // Request-URI of each NOTIFY: the URI of the last Contact
  std::vector<std::string> route_set;  // the SUBSCRIBE's Record-Route entries, in order
  uint32_t remote_cseq = 0;
  uint32_t local_cseq = 0;  // CSeq of the last NOTIFY sent; 0 before the first
};

// The dialog state as a subscription hands it out: views of its text, valid until the next
// refresh() of that subscription.
struct SubscriptionDialogView {
  std::string_view local_party;
  std::string_view remote_party;
  std::string_view remote_target;
  const std::vector<std::string>& route_set;
  uint32_t remote_cseq = 0;
  uint32_t local_cseq = 0;
};

class ServerSubscription {
 public:
  // `memory` (the manager's pool) holds the subscription's text and must outlive it; so must
  // `resource` (the manager keeps one per watched resource).
  ServerSubscription(SubscriptionId id, const SubscriptionKey& key, const ResourceKey& resource,
                     const EventPackage& package, std::string_view notify_type,
                     SubscriptionDialog dialog, const Flow& flow, TimePoint expires_at,
                     std::unique_ptr<WatcherState> watcher, std::pmr::memory_resource* memory);
  ~ServerSubscription();
  ServerSubscription(const ServerSubscription&) = delete;
  ServerSubscription& operator=(const ServerSubscription&) = delete;

  SubscriptionId id() const { return id_; }
  SubscriptionKeyView key() const {
    return {field(kCallId), field(kLocalTag), field(kRemoteTag), field(kEventType),
            field(kEventId)};
  }
  const ResourceKey& resource() const { return *resource_; }
  const EventPackage& package() const { return package_; }
  std::string_view notify_type() const { return notify_type_; }
  SubscriptionDialogView dialog() const {
    return {field(kLocalParty), field(kRemoteParty), field(kRemoteTarget),
            route_set_,         remote_cseq_,        local_cseq_};
  }
  // Where NOTIFYs go: the flow the last SUBSCRIBE of this subscription arrived on.
  Flow flow() const {
    return Flow{transport_, std::string(field(kFlowAddress)), port_, connection_};
  }
  // The source address that created it, for the per-source limit.
  std::string_view source_address() const { return field(kSourceAddress); }
  TimePoint expires_at() const { return expires_at_; }
  WatcherState* watcher_state() const { return watcher_.get(); }

  // A refresh (in-dialog SUBSCRIBE) accepted: new expiry, flow, remote CSeq and, when the request
  // carried a Contact, remote target (SUBSCRIBE is a target-refresh request). It owes a full
  // NOTIFY.
  void refresh(TimePoint expires_at, const Flow& flow, uint32_t remote_cseq,
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
  enum Field : uint8_t {
    kCallId,
    kLocalTag,
    kRemoteTag,
    kEventType,
    kEventId,
    kLocalParty,
    kRemoteParty,
    kRemoteTarget,
    kFlowAddress,
    kSourceAddress,
    kFieldCount
  };
  using Fields = std::array<std::string_view, kFieldCount>;
  std::string_view field(Field f) const {
    const uint32_t begin = f == 0 ? 0 : end_[f - 1];
    return {text_ + begin, end_[f] - begin};
  }
  // Copies `fields` into a new block (they may view the old one), then frees the old one.
  void set_text(const Fields& fields);

  std::pmr::memory_resource* memory_;
  char* text_ = nullptr;  // kFieldCount fields back to back; field f ends at end_[f]
  std::array<uint32_t, kFieldCount> end_{};
  SubscriptionId id_;
  const ResourceKey* resource_;
  const EventPackage& package_;
  std::string_view notify_type_;  // one of package_.notify_types(), which outlive it
  std::vector<std::string> route_set_;
  std::unique_ptr<WatcherState> watcher_;
  TimePoint expires_at_;
  std::optional<uint64_t> connection_;
  uint32_t remote_cseq_ = 0;
  uint32_t local_cseq_ = 0;
  uint16_t port_ = 0;
  Transport transport_ = Transport::kUdp;
  std::optional<TerminationReason> termination_;
  bool in_flight_ = false;
  bool dirty_ = true;  // a new subscription owes its first, full NOTIFY
  bool full_ = true;
  bool final_sent_ = false;
};

}  // namespace pinana::presence
