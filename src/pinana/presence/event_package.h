// EventPackage: the plug-in interface through which the presence core (publication store and
// subscription manager) handles one SIP event package (RFC 6665 §7; presence, dialog,
// message-summary, asterisk-devicestate, asterisk-mwi) without knowing its document format.
//
// The core includes only this header. A package parses PUBLISH bodies into Documents, and renders
// NOTIFY bodies from the live publications of one resource. Packages are stateless and const:
// per-watcher state (dialog-info versions, the keys changed since the last NOTIFY) lives in a
// WatcherState the core owns for each subscription and passes back in. A package object is shared
// by all resources and is called only from the thread that owns the presence core.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pinana/base/result.h"

namespace pinana::presence {

// A package's parsed publication state. Owned by the publication that carries it.
class Document {
 public:
  virtual ~Document() = default;
  // An equal copy in fresh memory. The store moves its documents with it after a burst
  // (PublicationStore::compact), so that long-lived state made during the burst does not stay
  // scattered between the freed pages of its transient allocations.
  virtual std::unique_ptr<Document> clone() const = 0;
};

// A package's per-subscription state. Owned by the subscription.
class WatcherState {
 public:
  virtual ~WatcherState() = default;
};

struct ExpiryBounds {
  uint32_t default_s = 3600;
  uint32_t min_s = 5;
  uint32_t max_s = 3600;
};

// One live publication of a resource. `id` is stable for the publication's life (the entity-tag
// changes on every refresh; the id does not).
struct PublicationView {
  std::string_view id;
  const Document& document;
};

// The state a NOTIFY describes: every live publication of one resource, oldest first.
struct ResourceView {
  std::string_view uri;  // the presentity, "sip:user@domain"
  std::span<const PublicationView> publications;
  uint64_t version = 0;  // increases on every change of the resource's publications
};

enum class ChangeKind : uint8_t { kAdded, kModified, kRemoved };  // kRemoved covers expiry

struct PublicationChange {
  ChangeKind kind;
  std::string_view publication_id;
  const Document* before;  // null for kAdded
  const Document* after;   // null for kRemoved
};

struct Body {
  std::string content_type;  // empty: a NOTIFY without a body
  std::string text;
};

class EventPackage {
 public:
  virtual ~EventPackage() = default;

  // The Event header value, e.g. "presence".
  virtual std::string_view name() const = 0;

  // MIME types accepted in PUBLISH bodies (415 with Accept otherwise). Empty: the package cannot
  // be published to (489).
  virtual std::span<const std::string_view> publish_types() const = 0;

  // MIME types NOTIFY bodies can take, preferred first. A SUBSCRIBE whose Accept matches none of
  // them gets 406; with no Accept, the first is used.
  virtual std::span<const std::string_view> notify_types() const = 0;

  virtual ExpiryBounds publication_expiry() const { return {}; }
  virtual ExpiryBounds subscription_expiry() const { return {}; }

  // Parses a PUBLISH body (initial or modify). `previous` is the publication's current document on
  // a modify, null on an initial PUBLISH; packages whose publications accumulate state across
  // PUBLISHes (asterisk-devicestate: one entry per device) merge into a copy of it. An invalid
  // body is an Error with status 400 and a reason.
  virtual Result<std::unique_ptr<Document>> parse(std::string_view content_type,
                                                  std::string_view body,
                                                  const Document* previous) const = 0;

  // A new subscription's state; null if the package keeps none.
  virtual std::unique_ptr<WatcherState> new_watcher_state() const { return nullptr; }

  // Called for every subscription to the resource when one of its publications changes, before
  // the next render(); packages that send only what changed record it in the watcher's state.
  virtual void note_change(const PublicationChange& /*change*/, WatcherState* /*watcher*/) const {}

  // The body of the next NOTIFY to one watcher, in MIME type `type` (one of notify_types()).
  // `full` is set for the first NOTIFY of a subscription and after each refresh; otherwise a
  // package may send only what changed since its last render for this watcher, and returns
  // nullopt when there is nothing to send.
  virtual std::optional<Body> render(const ResourceView& resource, std::string_view type,
                                     WatcherState* watcher, bool full) const = 0;

  // False when render() ignores `watcher`: the core then renders once per (resource version,
  // type, full) and shares the body among all watchers.
  virtual bool per_watcher() const { return false; }
};

}  // namespace pinana::presence
