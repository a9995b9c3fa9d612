// SubscriptionManager: every subscription of the hub, indexed by id, by RFC 6665 identity
// (dialog + Event type + id), by watched resource, by source address and by expiry.
//
// A subscription is "live" from creation until it starts terminating; then it leaves the identity,
// resource and expiry indexes (an in-dialog SUBSCRIBE finds nothing: 481; changes no longer reach
// it) but stays reachable by id, and counted against its source, until its final NOTIFY's outcome
// arrives and remove() is called. Owned by the PresenceService; its thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/ids.h"
#include "pinana/presence/server_subscription.h"

namespace pinana::presence {

class SubscriptionManager {
 public:
  SubscriptionId next_id() { return SubscriptionId{next_id_++}; }

  ServerSubscription& add(std::unique_ptr<ServerSubscription> subscription);

  ServerSubscription* find(SubscriptionId id) const;
  // Live subscriptions only.
  ServerSubscription* find(const SubscriptionKey& key) const;

  // Applies ServerSubscription::refresh and moves the subscription in the expiry index.
  void refresh(ServerSubscription& s, TimePoint expires_at, Flow flow, uint32_t remote_cseq,
               std::optional<std::string> remote_target);

  // Starts the termination of a live subscription: it leaves the live indexes.
  void retire(ServerSubscription& s, TerminationReason reason);

  // Forgets the subscription entirely. Returns it, so the caller can clean up after it.
  std::unique_ptr<ServerSubscription> remove(SubscriptionId id);

  // The live subscriptions to `resource`, oldest first (empty set when none).
  const std::set<SubscriptionId>& watchers(const ResourceKey& resource) const;
  bool watched(const ResourceKey& resource) const { return by_resource_.count(resource) != 0; }

  // Live subscriptions whose expiry is at or before `now`, soonest first.
  std::vector<SubscriptionId> expired(TimePoint now) const;
  std::optional<TimePoint> next_expiry() const;

  size_t count_for_source(const std::string& address) const;
  std::vector<SubscriptionId> all_ids() const;
  size_t size() const { return by_id_.size(); }

 private:
  // The identity index holds pointers and hashes the subscription's own key (looked up by a
  // SubscriptionKey without building a subscription): no second copy of the key per subscription.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const SubscriptionKey& k) const { return std::hash<SubscriptionKey>()(k); }
    size_t operator()(const ServerSubscription* s) const { return (*this)(s->key()); }
  };
  struct KeyEq {
    using is_transparent = void;
    static const SubscriptionKey& of(const SubscriptionKey& k) { return k; }
    static const SubscriptionKey& of(const ServerSubscription* s) { return s->key(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return of(a) == of(b);
    }
  };

  std::unordered_map<SubscriptionId, std::unique_ptr<ServerSubscription>> by_id_;
  std::unordered_set<ServerSubscription*, KeyHash, KeyEq> by_key_;
  std::unordered_map<ResourceKey, std::set<SubscriptionId>> by_resource_;
  std::unordered_map<std::string, size_t> by_source_;
  std::set<std::pair<TimePoint, SubscriptionId>> by_expiry_;
  const std::set<SubscriptionId> none_{};  // what watchers() returns for an unwatched resource
  uint64_t next_id_ = 1;
};

}  // namespace pinana::presence
