// SubscriptionManager: every subscription of the hub, indexed by id, by RFC 6665 identity
// (dialog + Event type + id), by watched resource, by source address and by expiry.
//
// A subscription is "live" from creation until it starts terminating; then it leaves the identity,
// resource and expiry indexes (an in-dialog SUBSCRIBE finds nothing: 481; changes no longer reach
// it) but stays reachable by id, and counted against its source, until its final NOTIFY's outcome
// arrives and remove() is called.
//
// Memory: every long-lived allocation of a subscription (the object, its text block, the index
// nodes) comes from one pool owned here, apart from the short-lived allocations of requests and
// transactions. A burst of SUBSCRIBEs leaves 32 s of server transactions behind (Timer J); mixed
// into the same heap pages as the subscriptions, their memory could never be given back once they
// end. Owned by the PresenceService; its thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <memory_resource>
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
  // Gives a removed subscription's memory back to the pool it came from.
  struct Release {
    SubscriptionManager* owner = nullptr;
    void operator()(ServerSubscription* s) const;
  };
  using Handle = std::unique_ptr<ServerSubscription, Release>;

  SubscriptionManager();
  ~SubscriptionManager();
  SubscriptionManager(const SubscriptionManager&) = delete;
  SubscriptionManager& operator=(const SubscriptionManager&) = delete;

  SubscriptionId next_id() { return SubscriptionId{next_id_++}; }

  // Creates a subscription (ServerSubscription's constructor arguments, its pool left out) and
  // indexes it; a terminating one (a fetch) only by id.
  ServerSubscription& add(SubscriptionId id, const SubscriptionKey& key, ResourceKey resource,
                          const EventPackage& package, std::string_view notify_type,
                          SubscriptionDialog dialog, const Flow& flow, TimePoint expires_at,
                          std::unique_ptr<WatcherState> watcher, bool terminating);

  ServerSubscription* find(SubscriptionId id) const;
  // Live subscriptions only.
  ServerSubscription* find(const SubscriptionKeyView& key) const;
  ServerSubscription* find(const SubscriptionKey& key) const { return find(key.view()); }

  // Applies ServerSubscription::refresh and moves the subscription in the expiry index.
  void refresh(ServerSubscription& s, TimePoint expires_at, const Flow& flow, uint32_t remote_cseq,
               std::optional<std::string> remote_target);

  // Starts the termination of a live subscription: it leaves the live indexes.
  void retire(ServerSubscription& s, TerminationReason reason);

  // Forgets the subscription entirely. Returns it, so the caller can clean up after it.
  Handle remove(SubscriptionId id);

  // The live subscriptions to `resource`, oldest first (empty set when none).
  const std::pmr::set<SubscriptionId>& watchers(const ResourceKey& resource) const;
  bool watched(const ResourceKey& resource) const;

  // Live subscriptions whose expiry is at or before `now`, soonest first.
  std::vector<SubscriptionId> expired(TimePoint now) const;
  std::optional<TimePoint> next_expiry() const;

  size_t count_for_source(std::string_view address) const;
  std::vector<SubscriptionId> all_ids() const;
  size_t size() const { return by_id_.size(); }

 private:
  // The identity index holds pointers and hashes the subscription's own key (looked up by a
  // SubscriptionKey without building a subscription): no second copy of the key per subscription.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const SubscriptionKeyView& k) const {
      return std::hash<SubscriptionKeyView>()(k);
    }
    size_t operator()(const ServerSubscription* s) const { return (*this)(s->key()); }
  };
  struct KeyEq {
    using is_transparent = void;
    static SubscriptionKeyView of(const SubscriptionKeyView& k) { return k; }
    static SubscriptionKeyView of(const ServerSubscription* s) { return s->key(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return of(a) == of(b);
    }
  };
  struct SourceHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  void unindex(ServerSubscription& s);
  void destroy(ServerSubscription* s);  // and its resource entry once nothing refers to it

  // Declared first: the containers below allocate from it and go before it.
  std::pmr::unsynchronized_pool_resource pool_;
  std::pmr::unordered_map<SubscriptionId, ServerSubscription*> by_id_{&pool_};  // owning
  std::pmr::unordered_set<ServerSubscription*, KeyHash, KeyEq> by_key_{&pool_};
  // One entry per resource that any subscription (live or terminating) refers to: its key is the
  // subscriptions' resource() (one copy of the URI per resource, not per subscription).
  struct ResourceEntry {
    std::pmr::set<SubscriptionId> live;
    size_t refs = 0;  // subscriptions pointing at the key, live or not
    using allocator_type = std::pmr::polymorphic_allocator<>;
    explicit ResourceEntry(const allocator_type& a) : live(a) {}
    ResourceEntry(ResourceEntry&& o, const allocator_type& a)
        : live(std::move(o.live), a), refs(o.refs) {}
  };
  std::pmr::unordered_map<ResourceKey, ResourceEntry> by_resource_{&pool_};
  std::unordered_map<std::string, size_t, SourceHash, std::equal_to<>> by_source_;
  std::pmr::set<std::pair<TimePoint, SubscriptionId>> by_expiry_{&pool_};
  const std::pmr::set<SubscriptionId> none_{};  // what watchers() returns for an unwatched resource
  uint64_t next_id_ = 1;
};

}  // namespace pinana::presence
