// Identifiers and keys of the presence core: which publication, which subscription, which
// resource, which dialog. Each is its own type so that a publication id can never be passed where
// a subscription id is expected, and no key is ever a concatenated string (STYLE.md rule 9).
//
// Plain values; any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace pinana::presence {

// Names one subscription for its life; never reused within one PresenceService. The owner echoes
// it back with the outcome of each NOTIFY it was given.
struct SubscriptionId {
  uint64_t value = 0;
  friend auto operator<=>(const SubscriptionId&, const SubscriptionId&) = default;
};

// Names one publication for its life (the entity-tag changes on every refresh; this does not).
struct PublicationId {
  uint64_t value = 0;
  friend auto operator<=>(const PublicationId&, const PublicationId&) = default;
};

// One resource as seen by one event package: publications and subscriptions of
// "sip:alice@example.com" for "presence" and for "dialog" are separate state. `package` views the
// package's own name(), which lives as long as the PackageRegistry.
struct ResourceKey {
  std::string uri;  // canonical presentity, "sip:user@host" (host lower-cased, no port/params)
  std::string_view package;
  friend bool operator==(const ResourceKey&, const ResourceKey&) = default;
};

// An RFC 3261 §12 dialog as seen from the hub (the UAS of the SUBSCRIBE).
struct DialogId {
  std::string call_id;
  std::string local_tag;   // the To-tag the hub chose
  std::string remote_tag;  // the subscriber's From-tag
  friend bool operator==(const DialogId&, const DialogId&) = default;
};

// RFC 6665 §4.1.2: a subscription is the dialog plus the Event type plus its id parameter.
// The same identity as views, for look-ups straight from a request's fields (no copy) and as
// what a subscription, which keeps its text in one block, hands out.
struct SubscriptionKeyView {
  std::string_view call_id;
  std::string_view local_tag;
  std::string_view remote_tag;
  std::string_view event_type;
  std::string_view event_id;
  friend bool operator==(const SubscriptionKeyView&, const SubscriptionKeyView&) = default;
};

struct SubscriptionKey {
  DialogId dialog;
  std::string event_type;
  std::string event_id;  // "" when the Event header carries no id
  friend bool operator==(const SubscriptionKey&, const SubscriptionKey&) = default;
  SubscriptionKeyView view() const {
    return {dialog.call_id, dialog.local_tag, dialog.remote_tag, event_type, event_id};
  }
};

namespace detail {
inline size_t hash_mix(size_t seed, size_t h) {
  return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}
}  // namespace detail

}  // namespace pinana::presence

template <>
struct std::hash<pinana::presence::SubscriptionId> {
  size_t operator()(const pinana::presence::SubscriptionId& id) const noexcept {
    return std::hash<uint64_t>()(id.value);
  }
};

template <>
struct std::hash<pinana::presence::PublicationId> {
  size_t operator()(const pinana::presence::PublicationId& id) const noexcept {
    return std::hash<uint64_t>()(id.value);
  }
};

template <>
struct std::hash<pinana::presence::ResourceKey> {
  size_t operator()(const pinana::presence::ResourceKey& k) const noexcept {
    std::hash<std::string_view> h;
    return pinana::presence::detail::hash_mix(h(k.uri), h(k.package));
  }
};

template <>
struct std::hash<pinana::presence::SubscriptionKeyView> {
  size_t operator()(const pinana::presence::SubscriptionKeyView& k) const noexcept {
    std::hash<std::string_view> h;
    size_t s = h(k.call_id);
    s = pinana::presence::detail::hash_mix(s, h(k.local_tag));
    s = pinana::presence::detail::hash_mix(s, h(k.remote_tag));
    s = pinana::presence::detail::hash_mix(s, h(k.event_type));
    return pinana::presence::detail::hash_mix(s, h(k.event_id));
  }
};

template <>
struct std::hash<pinana::presence::SubscriptionKey> {
  size_t operator()(const pinana::presence::SubscriptionKey& k) const noexcept {
    return std::hash<pinana::presence::SubscriptionKeyView>()(k.view());
  }
};
