#include "pinana/presence/presence_service.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <utility>

#include "pinana/presence/expiry_policy.h"
#include "pinana/presence/media_types.h"
#include "pinana/presence/notify_builder.h"
#include "pinana/presence/resource_uri.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/writer.h"

namespace pinana::presence {

namespace {

using Extra = std::pair<std::string_view, std::string_view>;

std::string response(const sip::Message& request, int status, std::string_view reason,
                     std::string_view to_tag, sip::HeaderList extra = {}) {
  return sip::make_response(request, status, reason, to_tag, extra);
}

// The single Contact of a SUBSCRIBE (RFC 6665 §4.1.2.1: exactly one SIP URI; "*" is a REGISTER
// form). nullopt and `present` false when there is none.
struct ContactParse {
  bool present = false;
  bool valid = false;
  std::string target;
};

ContactParse parse_contact(const sip::Message& request) {
  ContactParse out;
  size_t n = 0;
  bool valid = true;
  request.for_each_value(sip::HeaderId::kContact, [&](std::string_view e) {
    ++n;
    if (e == "*") {
      valid = false;
      return;
    }
    auto na = sip::parse_name_addr(e);
    if (!na.ok() || !na->uri.is_sip()) {  // the remote target must be a SIP or SIPS URI
      valid = false;
      return;
    }
    // URI headers (RFC 3261 §19.1.5) never belong in a Request-URI: the NOTIFYs go to the rest.
    std::string_view target = na->uri.text;
    if (!na->uri.headers.empty())
      target = target.substr(0, target.size() - na->uri.headers.size() - 1);
    out.target = std::string(target);
  });
  out.present = n > 0;
  out.valid = valid && n == 1;
  return out;
}

}  // namespace

PresenceService::PresenceService(const Clock& clock, const PackageRegistry& registry,
                                 PresenceConfig config)
    : clock_(clock),
      registry_(registry),
      config_(std::move(config)),
      publish_(clock_, registry_, config_, store_, tokens_) {}

Actions PresenceService::finish(Actions out) const {
  out.next_deadline = next_deadline();
  return out;
}

std::optional<TimePoint> PresenceService::next_deadline() const {
  auto a = store_.next_expiry();
  auto b = subscriptions_.next_expiry();
  if (a && b) return std::min(*a, *b);
  return a ? a : b;
}

Actions PresenceService::reject(const sip::Message& request, int status, std::string_view reason,
                                std::string_view header, std::string_view value) {
  Actions out;
  Extra extra[1] = {{header, value}};
  out.response = response(request, status, reason, tokens_.next(8),
                          header.empty() ? sip::HeaderList() : sip::HeaderList(extra));
  return finish(std::move(out));
}

ExpiryBounds PresenceService::subscription_bounds(const EventPackage& package) const {
  return effective_bounds(package.subscription_expiry(),
                          find_override(config_.subscription_expiry, package.name()));
}

// --- PUBLISH -----------------------------------------------------------------------------------

Actions PresenceService::on_publish(const sip::Message& request, const RequestContext& context) {
  if (shutting_down_)
    return reject(request, 503, {}, "Retry-After", std::to_string(config_.retry_after_s));
  PublishResult r = publish_.handle(request, context);
  Actions out;
  out.response = std::move(r.response);
  for (const StoreChange& c : r.changes) publish_change(c);
  flush(out);
  return finish(std::move(out));
}

void PresenceService::publish_change(const StoreChange& change) {
  const PublicationChange view = change.view();
  for (SubscriptionId id : subscriptions_.watchers(change.resource)) {
    ServerSubscription* s = subscriptions_.find(id);
    s->package().note_change(view, s->watcher_state());
    s->mark_changed();
    touch(id);
  }
  release_if_idle(change.resource);
}

void PresenceService::release_if_idle(const ResourceKey& resource) {
  if (subscriptions_.watched(resource)) return;
  store_.forget_if_empty(resource);
  if (store_.version(resource) == 0) renders_.forget(resource);
}

// --- SUBSCRIBE ---------------------------------------------------------------------------------

Actions PresenceService::on_subscribe(const sip::Message& request, const RequestContext& context) {
  if (shutting_down_) {
    ++subscribes_rejected_;
    return reject(request, 503, {}, "Retry-After", std::to_string(config_.retry_after_s));
  }
  const sip::Event* event = request.event();
  const EventPackage* package = event ? registry_.find(event->type) : nullptr;
  if (package == nullptr || package->notify_types().empty()) {
    ++subscribes_rejected_;
    return reject(request, 489, {}, "Allow-Events", registry_.allow_events());
  }
  if (request.cseq() == nullptr || request.from() == nullptr || request.to() == nullptr ||
      request.call_id().empty()) {
    ++subscribes_rejected_;
    return reject(request, 400, "Missing dialog header fields");
  }
  if (!request.to()->tag().empty()) return refresh_subscribe(request, context, *package);
  return initial_subscribe(request, context, *package);
}

Actions PresenceService::initial_subscribe(const sip::Message& request,
                                           const RequestContext& context,
                                           const EventPackage& package) {
  auto fail = [&](int status, std::string_view reason = {}, std::string_view header = {},
                  std::string_view value = {}) {
    ++subscribes_rejected_;
    return reject(request, status, reason, header, value);
  };

  std::optional<std::string> uri = served_resource(request.request_uri(), config_);
  if (!uri) return fail(404);

  ContactParse contact = parse_contact(request);
  if (!contact.valid) return fail(400, "SUBSCRIBE needs exactly one Contact URI");

  std::vector<std::string> route_set;
  bool routes_ok = true;
  request.for_each_value(sip::HeaderId::kRecordRoute, [&](std::string_view e) {
    if (!sip::parse_name_addr(e).ok()) routes_ok = false;
    route_set.emplace_back(e);
  });
  if (!routes_ok) return fail(400, "Malformed Record-Route");

  std::vector<std::string_view> accept;
  for (const sip::HeaderField& h : request.headers())
    if (h.id == sip::HeaderId::kAccept) accept.push_back(h.value);
  std::optional<std::string_view> type = negotiate_type(accept, package.notify_types());
  if (!type) return fail(406);

  const ExpiryBounds bounds = subscription_bounds(package);
  const ExpiryDecision expiry = decide_expiry(request.expires(), bounds);
  if (expiry.too_brief) return fail(423, {}, "Min-Expires", std::to_string(bounds.min_s));

  if (config_.max_subscriptions_per_source != 0 &&
      subscriptions_.count_for_source(context.source.address) >=
          config_.max_subscriptions_per_source)
    return fail(503, "Too many subscriptions from this source", "Retry-After",
                std::to_string(config_.retry_after_s));

  // Accepted: create the dialog (RFC 3261 §12.1.1) and the subscription.
  DialogId dialog_id{std::string(request.call_id()), tokens_.next(8),
                     std::string(request.from()->tag())};
  SubscriptionDialog dialog;
  dialog.local_party = std::string(request.value(sip::HeaderId::kTo));
  dialog.local_party.append(";tag=").append(dialog_id.local_tag);
  dialog.remote_party = std::string(request.value(sip::HeaderId::kFrom));
  dialog.remote_target = std::move(contact.target);
  dialog.route_set = std::move(route_set);
  dialog.remote_cseq = request.cseq()->sequence;

  const std::string local_tag = dialog_id.local_tag;
  SubscriptionKey key{std::move(dialog_id), std::string(request.event()->type),
                      std::string(request.event()->id())};
  ServerSubscription& s = subscriptions_.add(
      subscriptions_.next_id(), key, ResourceKey{std::move(*uri), package.name()}, package, *type,
      std::move(dialog), context.source, clock_.now() + std::chrono::seconds(expiry.granted_s),
      package.new_watcher_state(), /*terminating=*/expiry.granted_s == 0);  // 0: a fetch
  ++subscribes_accepted_;

  Actions out;
  const std::string expires = std::to_string(expiry.granted_s);
  const std::string contact_value = "<" + config_.contact_uri + ">";
  Extra extra[] = {{"Expires", expires}, {"Contact", contact_value}};
  out.response = response(request, 200, {}, local_tag, extra);
  touch(s.id());
  flush(out);
  return finish(std::move(out));
}

Actions PresenceService::refresh_subscribe(const sip::Message& request,
                                           const RequestContext& context,
                                           const EventPackage& package) {
  auto fail = [&](int status, std::string_view reason = {}, std::string_view header = {},
                  std::string_view value = {}) {
    ++subscribes_rejected_;
    return reject(request, status, reason, header, value);
  };

  const SubscriptionKeyView key{request.call_id(), request.to()->tag(), request.from()->tag(),
                                request.event()->type, request.event()->id()};
  ServerSubscription* s = subscriptions_.find(key);
  if (s == nullptr) return fail(481);

  const uint32_t cseq = request.cseq()->sequence;
  if (cseq < s->dialog().remote_cseq) return fail(500, "CSeq out of order");

  const ExpiryBounds bounds = subscription_bounds(package);
  const ExpiryDecision expiry = decide_expiry(request.expires(), bounds);
  if (expiry.too_brief) return fail(423, {}, "Min-Expires", std::to_string(bounds.min_s));

  ContactParse contact = parse_contact(request);
  if (contact.present && !contact.valid)
    return fail(400, "SUBSCRIBE needs exactly one Contact URI");
  std::optional<std::string> target;
  if (contact.present) target = std::move(contact.target);

  subscriptions_.refresh(*s, clock_.now() + std::chrono::seconds(expiry.granted_s), context.source,
                         cseq, std::move(target));
  if (expiry.granted_s == 0) {
    subscriptions_.retire(*s, TerminationReason::kTimeout);  // unsubscribe
    release_if_idle(s->resource());
  }
  ++subscribes_accepted_;

  Actions out;
  const std::string expires = std::to_string(expiry.granted_s);
  const std::string contact_value = "<" + config_.contact_uri + ">";
  Extra extra[] = {{"Expires", expires}, {"Contact", contact_value}};
  out.response = response(request, 200, {}, {}, extra);
  touch(s->id());
  flush(out);
  return finish(std::move(out));
}

// --- NOTIFY ------------------------------------------------------------------------------------

void PresenceService::flush(Actions& out) {
  std::vector<SubscriptionId> ids;
  ids.swap(touched_);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (SubscriptionId id : ids)
    if (ServerSubscription* s = subscriptions_.find(id)) pump(*s, out);
}

void PresenceService::pump(ServerSubscription& s, Actions& out) {
  if (s.notify_in_flight() || s.final_sent()) return;
  const bool final = s.terminating();
  if (!final && !s.dirty()) return;
  // A final NOTIFY after a timeout (expiry, unsubscribe, fetch) carries the state; one for
  // deactivated or noresource has nothing useful to say.
  const bool with_body = !final || s.termination() == TerminationReason::kTimeout;
  const bool full = final || s.owes_full();

  std::optional<Body> own;
  const Body* body = nullptr;
  if (with_body) {
    const ResourceView view = store_.view(s.resource());
    if (s.package().per_watcher()) {
      ++renders_count_;
      own = s.package().render(view, s.notify_type(), s.watcher_state(), full);
      if (own) body = &*own;
    } else {
      const std::optional<Body>& shared =
          renders_.get(s.resource(), view, s.package(), s.notify_type(), full);
      if (shared) body = &*shared;
    }
    if (body == nullptr && !full) {  // nothing new for this watcher
      s.clear_dirty();
      return;
    }
  }

  std::string& state = state_scratch_;
  if (final) {
    state = "terminated;reason=";
    state.append(to_string(*s.termination()));
  } else {
    const auto left = std::chrono::ceil<std::chrono::seconds>(s.expires_at() - clock_.now());
    char digits[24];
    const auto end =
        std::to_chars(digits, digits + sizeof digits, std::max<int64_t>(left.count(), 0)).ptr;
    state = "active;expires=";
    state.append(digits, end);
  }
  NotifyParams p;
  p.contact_uri = config_.contact_uri;
  p.via_sent_by = config_.via_sent_by;
  std::string branch = tokens_.next(11);
  p.branch = branch;
  p.cseq = s.begin_notify(final);
  p.subscription_state = state;
  p.body = body;
  out.notifies.push_back(OutgoingNotify{s.id(), s.flow(),
                                        build_notify(s, p, pool_ ? pool_->take() : std::string()),
                                        std::move(branch)});
  ++notifies_sent_;
}

Actions PresenceService::on_notify_result(SubscriptionId id, int status) {
  Actions out;
  ServerSubscription* s = subscriptions_.find(id);
  if ((status >= 100 && status < 200) || s == nullptr || !s->notify_in_flight())
    return finish(std::move(out));
  const bool delivered = status >= 200 && status < 300;
  if (!delivered) ++notifies_failed_;
  if (s->final_sent()) {
    drop(id);
    return finish(std::move(out));
  }
  // RFC 6665 §4.2.2: 481 means the subscription is gone at the subscriber (MUST remove); a
  // transaction timeout means it is unreachable (SHOULD remove).
  if (status == 481 || status == 408 || status == kNotifyNoResponse) {
    ++watchers_dropped_;
    drop(id);
    return finish(std::move(out));
  }
  s->end_notify(delivered);
  pump(*s, out);
  return finish(std::move(out));
}

void PresenceService::drop(SubscriptionId id) {
  SubscriptionManager::Handle s = subscriptions_.remove(id);
  if (s) release_if_idle(s->resource());
}

// --- timers and shutdown -----------------------------------------------------------------------

Actions PresenceService::on_timer() {
  Actions out;
  const TimePoint now = clock_.now();
  for (const StoreChange& c : store_.expire(now)) publish_change(c);
  for (SubscriptionId id : subscriptions_.expired(now)) {
    ServerSubscription* s = subscriptions_.find(id);
    subscriptions_.retire(*s, TerminationReason::kTimeout);
    touch(id);
  }
  flush(out);
  return finish(std::move(out));
}

Actions PresenceService::shutdown() {
  Actions out;
  shutting_down_ = true;
  for (SubscriptionId id : subscriptions_.all_ids()) {
    ServerSubscription* s = subscriptions_.find(id);
    if (s->terminating()) continue;
    subscriptions_.retire(*s, TerminationReason::kDeactivated);
    touch(id);
  }
  flush(out);
  return finish(std::move(out));
}

void PresenceService::compact() {
  store_.compact();
  renders_.compact();
}

PresenceCounters PresenceService::counters() const {
  PresenceCounters c;
  c.publications = store_.size();
  c.resources = store_.resource_count();
  c.subscriptions = subscriptions_.size();
  c.publishes_accepted = publish_.accepted();
  c.publishes_rejected = publish_.rejected();
  c.subscribes_accepted = subscribes_accepted_;
  c.subscribes_rejected = subscribes_rejected_;
  c.notifies_sent = notifies_sent_;
  c.notifies_failed = notifies_failed_;
  c.watchers_dropped = watchers_dropped_;
  c.renders = renders_count_ + renders_.renders();
  return c;
}

}  // namespace pinana::presence
