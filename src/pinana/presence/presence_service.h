// PresenceService: the presence core of the hub, a pure state machine with no I/O. It is the
// Event State Compositor for PUBLISH (RFC 3903, through PublishHandler and PublicationStore) and
// the notifier for SUBSCRIBE/NOTIFY (RFC 6665, through SubscriptionManager), for every event
// package in its PackageRegistry.
//
// The owner (one hub shard) feeds it requests that are already parsed, already passed the RFC 3261
// §8.2 checks, and already authenticated, plus timer fires and the outcome of each NOTIFY it asked
// for; every call returns Actions: the response text, the NOTIFYs to send (each tagged with its
// SubscriptionId) and the next deadline. Owned by one thread; every method must be called from it.
//
// SUBSCRIBE, in order of the checks:
//   shutting down -> 503 + Retry-After; Event missing or unknown -> 489 + Allow-Events.
//   In a dialog (To-tag): no live subscription with that dialog, Event type and id -> 481;
//     CSeq below the last one -> 500; Expires as below; 200 with Expires and Contact, then an
//     immediate full NOTIFY (active) or, for Expires 0, the final NOTIFY terminated;reason=timeout.
//   Initial: Request-URI not served -> 404; no or several Contacts, or Contact "*" -> 400;
//     Record-Route entry unparseable -> 400; Accept matching none of the package's notify types
//     -> 406 (no Accept: the first type); Expires absent -> default, > 0 and below the minimum ->
//     423 + Min-Expires, above the maximum -> shortened; source over its subscription limit -> 503
//     + Retry-After. Then a dialog (new To-tag, remote target = Contact, route set = Record-Route,
//     remote CSeq), 200 with Expires and Contact, and at once a NOTIFY with the full state and
//     `Subscription-State: active;expires=N`. Expires 0 (a fetch): 200 and one NOTIFY
//     terminated;reason=timeout carrying the state.
//
// NOTIFY: at most one outstanding per subscription; later changes are merged into one follow-up
// sent when the outcome arrives (see ServerSubscription). Outcome 481, 408/timeout or transport
// failure (status 0): the watcher is removed without another NOTIFY. Another error status: the
// watcher is kept (its next refresh repairs it; RFC 6665 lets the notifier choose) and its next
// NOTIFY carries the full state, since it may have missed one; nothing is resent at once, so a
// watcher that keeps failing costs no NOTIFY storm. Bodies of packages that are not per-watcher
// are rendered once per (resource version, type, full) and shared (RenderCache).
//
// Shutdown sends `terminated;reason=deactivated` (no body) to every watcher: the resources still
// exist and the subscriber should subscribe again (to this hub once it is back, or another);
// noresource would tell phones never to resubscribe, leaving their lamps dark after a restart.
// After shutdown() every new PUBLISH and SUBSCRIBE gets 503; drained() turns true once every
// final NOTIFY has had its outcome.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/buffer_pool.h"
#include "pinana/base/clock.h"
#include "pinana/presence/actions.h"
#include "pinana/presence/package_registry.h"
#include "pinana/presence/presence_config.h"
#include "pinana/presence/publication_store.h"
#include "pinana/presence/publish_handler.h"
#include "pinana/presence/random_tokens.h"
#include "pinana/presence/render_cache.h"
#include "pinana/presence/request_context.h"
#include "pinana/presence/subscription_manager.h"
#include "pinana/sip/message.h"

namespace pinana::presence {

// Status to report to on_notify_result() when no response came: the transaction timed out (Timer
// F; the transaction layer's synthesized 408 is equivalent) or the transport failed.
inline constexpr int kNotifyNoResponse = 0;

struct PresenceCounters {
  uint64_t publications = 0;        // live
  uint64_t resources = 0;           // resources with publications or watchers
  uint64_t subscriptions = 0;       // live or terminating
  uint64_t publishes_accepted = 0;  // 2xx to PUBLISH
  uint64_t publishes_rejected = 0;
  uint64_t subscribes_accepted = 0;
  uint64_t subscribes_rejected = 0;
  uint64_t notifies_sent = 0;
  uint64_t notifies_failed = 0;   // any non-2xx outcome, or no response
  uint64_t watchers_dropped = 0;  // removed because a NOTIFY got 481 or no response
  uint64_t renders = 0;           // EventPackage::render calls
};

class PresenceService {
 public:
  // `clock` and `registry` (and the packages in it) must outlive the service.
  PresenceService(const Clock& clock, const PackageRegistry& registry, PresenceConfig config);

  PresenceService(const PresenceService&) = delete;
  PresenceService& operator=(const PresenceService&) = delete;

  Actions on_publish(const sip::Message& request, const RequestContext& context);
  Actions on_subscribe(const sip::Message& request, const RequestContext& context);

  // The final outcome of a NOTIFY this service emitted: its response status, or
  // kNotifyNoResponse. Provisional statuses are ignored. Unknown ids are ignored (the watcher is
  // already gone).
  Actions on_notify_result(SubscriptionId subscription, int status);

  // Processes every publication and subscription expiry due at clock.now().
  Actions on_timer();
  std::optional<TimePoint> next_deadline() const;

  // Terminates every subscription (reason=deactivated) and refuses new requests.
  Actions shutdown();
  bool shutting_down() const { return shutting_down_; }
  // True once no subscription is left (every final NOTIFY answered or failed).
  bool drained() const { return subscriptions_.size() == 0; }

  PresenceCounters counters() const;

  // Moves the long-lived state made during a burst (publications, their documents, rendered
  // bodies) into fresh memory, so that the burst's freed pages can be handed back. Changes nothing
  // observable; the owner calls it between requests, after the burst's transactions are gone.
  void compact();

  // NOTIFY texts are built into buffers taken from `pool` (null: fresh ones). The pool must
  // outlive the service; the owner gives the buffers back when it is done with them.
  void build_notifies_from(BufferPool* pool) { pool_ = pool; }

  // Read-only views for tests, metrics and diagnostics.
  const PublicationStore& publications() const { return store_; }
  const SubscriptionManager& subscriptions() const { return subscriptions_; }
  const PresenceConfig& config() const { return config_; }

 private:
  Actions reject(const sip::Message& request, int status, std::string_view reason = {},
                 std::string_view header = {}, std::string_view value = {});
  Actions initial_subscribe(const sip::Message& request, const RequestContext& context,
                            const EventPackage& package);
  Actions refresh_subscribe(const sip::Message& request, const RequestContext& context,
                            const EventPackage& package);
  ExpiryBounds subscription_bounds(const EventPackage& package) const;

  // Tells every watcher of the change's resource (note_change) and marks it for a NOTIFY.
  void publish_change(const StoreChange& change);
  // Sends what each touched subscription owes, then clears the list.
  void flush(Actions& out);
  void touch(SubscriptionId id) { touched_.push_back(id); }
  // Sends the next NOTIFY of `s` if none is outstanding and it owes one.
  void pump(ServerSubscription& s, Actions& out);
  void send_notify(ServerSubscription& s, const std::optional<Body>& body, bool final,
                   Actions& out);
  void drop(SubscriptionId id);
  // Forgets a resource's bookkeeping once it has neither publications nor watchers.
  void release_if_idle(const ResourceKey& resource);
  Actions finish(Actions out) const;

  const Clock& clock_;
  const PackageRegistry& registry_;
  const PresenceConfig config_;
  RandomTokens tokens_;
  PublicationStore store_;
  PublishHandler publish_;
  SubscriptionManager subscriptions_;
  RenderCache renders_;
  std::vector<SubscriptionId> touched_;
  BufferPool* pool_ = nullptr;
  std::string state_scratch_;  // the Subscription-State value of the NOTIFY being built
  bool shutting_down_ = false;

  uint64_t subscribes_accepted_ = 0;
  uint64_t subscribes_rejected_ = 0;
  uint64_t notifies_sent_ = 0;
  uint64_t notifies_failed_ = 0;
  uint64_t watchers_dropped_ = 0;
  uint64_t renders_count_ = 0;
};

}  // namespace pinana::presence
