#include "pinana/node/standard_link.h"

#include <chrono>
#include <vector>

#include "pinana/node/device_pidf.h"
#include "pinana/node/device_token.h"
#include "pinana/node/mwi_summary.h"
#include "pinana/node/node_metrics.h"

namespace pinana::node {
namespace {

constexpr char kPresence[] = "presence";
constexpr char kPidf[] = "application/pidf+xml";
constexpr char kSummaryEvent[] = "message-summary";
constexpr char kSummaryType[] = "application/simple-message-summary";

// A NOTIFY that carries no state to apply: the subscription is pending, or ended (the agent
// starts a new one, whose first NOTIFY is the full state again).
bool stateless(const transports::sip::NotifyView& n) {
  return n.state == "pending" || n.state == "terminated";
}

}  // namespace

StandardLink::StandardLink(LinkContext context, uint64_t version_seed)
    : ctx_(std::move(context)), version_(version_seed) {}

void StandardLink::log(LogLevel level, std::string_view text) {
  if (ctx_.log) ctx_.log->log(level, text);
}

std::string StandardLink::uri(std::string_view user) const {
  std::string u = "sip:";
  u += user;
  u += '@';
  u += ctx_.domain;
  return u;
}

void StandardLink::start() {
  started_ = true;
  transports::sip::PublicationSpec roster;
  roster.request_uri = uri(kRosterUser);
  roster.event = kPresence;
  roster.content_type = kPidf;
  roster.expires = ctx_.publish_expires;
  roster.refresh_with_body = true;
  roster.treat_500_as_412 = true;
  roster.full_state = [this] {
    return std::vector<std::pair<std::string, std::string>>{{"m", roster_body()}};
  };
  roster_pub_ = ctx_.agent.add_publication(std::move(roster));
  ctx_.agent.publish(roster_pub_, "m", roster_body());

  transports::sip::SubscriptionSpec sub;
  sub.request_uri = uri(kRosterUser);
  sub.event = kPresence;
  sub.accept = {kPidf};
  sub.expires = ctx_.subscribe_expires;
  ctx_.agent.add_subscription(
      std::move(sub), [this](const transports::sip::NotifyView& n) { on_roster_notify(n); });

  // Devices watched before start (none from the node today, but the order is not ours to rely on).
  for (const std::string& device : watched_) subscribe_device(device);
}

std::string StandardLink::roster_body() const {
  return render_member_pidf(uri(kRosterUser), ctx_.cluster.self(), own_mailboxes_);
}

std::string StandardLink::device_body(std::string_view device) {
  const state::Eid& self = ctx_.cluster.self();
  // A 412 during shutdown re-publishes the tombstone, not the state it replaced.
  if (withdrawing_) return render_device_tombstone(uri(device_user(device)), self, ++version_);
  for (const auto& e : ctx_.cluster.entries(device)) {
    if (e.eid == self) {
      return render_device_pidf(uri(device_user(device)), self, e.state, e.cachable, ++version_);
    }
  }
  return {};
}

void StandardLink::local_device_changed(const state::LocalDeviceChanged& e) {
  auto it = device_pubs_.find(e.device);
  if (it == device_pubs_.end()) {
    transports::sip::PublicationSpec spec;
    spec.request_uri = uri(device_user(e.device));
    spec.event = kPresence;
    spec.content_type = kPidf;
    spec.expires = ctx_.publish_expires;
    spec.refresh_with_body = true;  // Kamailio's memory cache loses the body otherwise
    spec.treat_500_as_412 = true;   // Kamailio's answer to an unknown SIP-If-Match
    spec.full_state = [this, device = e.device] {
      std::vector<std::pair<std::string, std::string>> out;
      if (std::string body = device_body(device); !body.empty()) out.emplace_back("s", body);
      return out;
    };
    it = device_pubs_.emplace(e.device, ctx_.agent.add_publication(std::move(spec))).first;
  }
  ctx_.agent.publish(it->second, "s",
                     render_device_pidf(uri(device_user(e.device)), ctx_.cluster.self(), e.state,
                                        e.cachable, ++version_));
  // Our own devices are watched too, so that our view of them includes the other nodes'.
  watch_device(e.device);
}

void StandardLink::watch_device(std::string_view device) {
  if (device.empty() || device.size() > 256) return;
  if (watched_.contains(device)) return;
  if (watched_.size() >= kMaxWatchedDevices) {
    ++stats_.watch_refused;
    return;
  }
  const std::string& name = *watched_.emplace(device).first;
  if (started_) subscribe_device(name);
}

void StandardLink::subscribe_device(const std::string& device) {
  transports::sip::SubscriptionSpec sub;
  sub.request_uri = uri(device_user(device));
  sub.event = kPresence;
  sub.accept = {kPidf};
  sub.expires = ctx_.subscribe_expires;
  ctx_.agent.add_subscription(std::move(sub), [this, device](const transports::sip::NotifyView& n) {
    on_device_notify(device, n);
  });
}

void StandardLink::prepare_shutdown(std::function<void()> ready) {
  withdrawing_ = true;
  ready_ = std::move(ready);
  const state::Eid& self = ctx_.cluster.self();
  for (const auto& [device, pub] : device_pubs_) {
    // Our own subscription to the device (if it was not refused) shows when the tombstone is in.
    if (watched_.contains(device)) tombstones_pending_.insert(device);
    ctx_.agent.publish(pub, "s",
                       render_device_tombstone(uri(device_user(device)), self, ++version_));
  }
  if (tombstones_pending_.empty() && ready_) std::exchange(ready_, nullptr)();
}

void StandardLink::tombstone_seen(const std::string& device) {
  if (tombstones_pending_.erase(device) && tombstones_pending_.empty() && ready_) {
    std::exchange(ready_, nullptr)();
  }
}

void StandardLink::on_device_notify(const std::string& device,
                                    const transports::sip::NotifyView& notify) {
  if (stateless(notify)) return;
  DevicePidf doc;
  if (!notify.body.empty()) {
    auto parsed = parse_device_pidf(notify.body);
    if (!parsed) {
      ++stats_.notify_errors;
      log(LogLevel::kWarn, "presence NOTIFY of " + device + " ignored: " + parsed.error().reason);
      return;
    }
    doc = std::move(*parsed);
  }
  // An active NOTIFY without a body: the presentity has no live publication at all.
  ++stats_.notifies_applied;
  stats_.malformed_elements += doc.malformed;
  stats_.offline_tuples += doc.offline;
  stats_.withdrawn_tuples += doc.withdrawn.size();
  const state::Eid& self = ctx_.cluster.self();
  const TimePoint now = ctx_.clock.now();
  if (withdrawing_) {
    bool ours_live = false;
    for (const DeviceTuple& t : doc.tuples) ours_live = ours_live || t.eid == self;
    if (!ours_live) tombstone_seen(device);
  }
  for (const auto& e : ctx_.cluster.entries(device)) {
    if (e.eid == self) continue;
    bool present = false;
    for (const DeviceTuple& t : doc.tuples) present = present || t.eid == e.eid;
    if (!present) ctx_.apply(ctx_.cluster.withdraw_remote(device, e.eid));
  }
  for (const DeviceTuple& t : doc.tuples) {
    if (t.eid == self) continue;
    ctx_.apply(ctx_.cluster.apply_remote(device, t.eid, t.state, t.cachable, now));
    add_member(t.eid);
  }
}

void StandardLink::on_roster_notify(const transports::sip::NotifyView& notify) {
  if (stateless(notify) || notify.body.empty()) return;
  auto parsed = parse_device_pidf(notify.body);
  if (!parsed) {
    ++stats_.notify_errors;
    log(LogLevel::kWarn, "roster NOTIFY ignored: " + parsed.error().reason);
    return;
  }
  ++stats_.notifies_applied;
  stats_.malformed_elements += parsed->malformed;
  stats_.roster_mailboxes_excess_read += parsed->excess_mailboxes;
  for (const state::Eid& eid : parsed->members) add_member(eid);
  for (const std::string& mailbox : parsed->mailboxes) watch_mailbox(mailbox);
}

void StandardLink::add_member(const state::Eid& eid) {
  if (eid == ctx_.cluster.self() || !members_.insert(eid).second) return;
  for (const std::string& mailbox : mailboxes_) subscribe_mailbox(mailbox, eid);
}

std::string StandardLink::mailbox_body(std::string_view mailbox) const {
  const state::Eid& self = ctx_.cluster.self();
  if (auto m = ctx_.cluster.mwi(mailbox)) {
    for (const auto& [eid, counts] : m->per_eid) {
      if (eid == self) {
        return render_summary(counts.first, counts.second, uri(mailbox_user(mailbox, self)));
      }
    }
  }
  return {};
}

void StandardLink::local_mwi_changed(const state::LocalMwiChanged& e) {
  const state::Eid& self = ctx_.cluster.self();
  auto it = mailbox_pubs_.find(e.mailbox);
  if (it == mailbox_pubs_.end()) {
    transports::sip::PublicationSpec spec;
    spec.request_uri = uri(mailbox_user(e.mailbox, self));
    spec.event = kSummaryEvent;
    spec.content_type = kSummaryType;
    spec.expires = ctx_.publish_expires;
    spec.refresh_with_body = true;
    spec.treat_500_as_412 = true;
    spec.full_state = [this, mailbox = e.mailbox] {
      std::vector<std::pair<std::string, std::string>> out;
      if (std::string body = mailbox_body(mailbox); !body.empty()) out.emplace_back("s", body);
      return out;
    };
    it = mailbox_pubs_.emplace(e.mailbox, ctx_.agent.add_publication(std::move(spec))).first;
    // A new mailbox: the roster lists it (so that every node watches it), within the bound.
    if (!listable_mailbox_name(e.mailbox)) {
      log(LogLevel::kWarn, "mailbox " + e.mailbox +
                               " is not listed in the roster (not printable ASCII): other nodes "
                               "learn it only when asked or configured");
    } else if (own_mailboxes_.size() < kMaxMemberMailboxes) {
      own_mailboxes_.push_back(e.mailbox);
      ctx_.agent.publish(roster_pub_, "m", roster_body());  // coalesced by the agent
    } else if (stats_.roster_mailboxes_over_limit++ == 0) {
      log(LogLevel::kWarn, "mailbox " + e.mailbox +
                               " and later ones are not listed in the roster (" +
                               std::to_string(kMaxMemberMailboxes) +
                               " per node): other nodes learn them only when asked or configured");
    }
  }
  ctx_.agent.publish(
      it->second, "s",
      render_summary(e.new_messages, e.old_messages, uri(mailbox_user(e.mailbox, self))));
  watch_mailbox(e.mailbox);
}

void StandardLink::watch_mailbox(std::string_view mailbox) {
  if (!valid_mailbox_name(mailbox) || mailboxes_.contains(mailbox)) return;
  if (mailboxes_.size() >= kMaxWatchedMailboxes) {
    ++stats_.mailbox_watch_refused;
    return;
  }
  const std::string& name = *mailboxes_.emplace(mailbox).first;
  for (const state::Eid& eid : members_) subscribe_mailbox(name, eid);
}

void StandardLink::subscribe_mailbox(const std::string& mailbox, const state::Eid& eid) {
  if (!mailbox_subs_.emplace(mailbox, eid).second) return;
  transports::sip::SubscriptionSpec sub;
  sub.request_uri = uri(mailbox_user(mailbox, eid));
  sub.event = kSummaryEvent;
  sub.accept = {kSummaryType};
  sub.expires = ctx_.subscribe_expires;
  ctx_.agent.add_subscription(std::move(sub),
                              [this, mailbox, eid](const transports::sip::NotifyView& n) {
                                on_mailbox_notify(mailbox, eid, n);
                              });
}

void StandardLink::on_mailbox_notify(const std::string& mailbox, const state::Eid& eid,
                                     const transports::sip::NotifyView& notify) {
  if (stateless(notify)) return;
  auto counts = parse_summary_counts(notify.body);
  if (!counts) {
    ++stats_.notify_errors;
    log(LogLevel::kWarn, "message-summary NOTIFY of " + mailbox + " from " + eid.to_string() +
                             " ignored: " + counts.error().reason);
    return;
  }
  ++stats_.notifies_applied;
  if (*counts) {
    ctx_.apply(ctx_.cluster.apply_remote_mwi(mailbox, eid, (*counts)->first, (*counts)->second,
                                             ctx_.clock.now()));
  } else {
    ctx_.apply(ctx_.cluster.withdraw_remote_mwi(mailbox, eid));
  }
}

StandardLink::Stats StandardLink::stats() const {
  Stats s = stats_;
  s.watched_devices = watched_.size();
  s.members = members_.size();
  s.mailbox_subscriptions = mailbox_subs_.size();
  s.watched_mailboxes = mailboxes_.size();
  return s;
}

void StandardLink::append_metrics(std::string& out) const {
  const Stats s = stats();
  append_metric(out, "pinana_node_notifies_applied_total", "counter",
                "Presence server NOTIFY bodies applied", s.notifies_applied);
  append_metric(out, "pinana_node_notify_errors_total", "counter",
                "Presence server NOTIFY bodies refused as malformed", s.notify_errors);
  append_metric(out, "pinana_node_malformed_elements_total", "counter",
                "pinana PIDF elements skipped as malformed", s.malformed_elements);
  append_metric(out, "pinana_node_offline_tuples_total", "counter",
                "Tuples read as gone: closed by the server after an unpublish", s.offline_tuples);
  append_metric(out, "pinana_node_watch_refused_total", "counter",
                "Device watches refused (limit reached)", s.watch_refused);
  append_metric(out, "pinana_node_watched_devices", "gauge", "Devices subscribed to",
                s.watched_devices);
  append_metric(out, "pinana_node_members_seen", "gauge", "Other EIDs seen", s.members);
  append_metric(out, "pinana_node_mailbox_subscriptions", "gauge",
                "message-summary subscriptions (mailbox, EID)", s.mailbox_subscriptions);
  append_metric(out, "pinana_node_watched_mailboxes", "gauge", "Mailboxes watched",
                s.watched_mailboxes);
  append_metric(out, "pinana_node_mailbox_watch_refused_total", "counter",
                "Mailbox watches refused (limit reached)", s.mailbox_watch_refused);
  append_metric(out, "pinana_node_withdrawn_tuples_total", "counter",
                "Tombstone tuples read: a node withdrew its state", s.withdrawn_tuples);
  append_metric(out, "pinana_node_roster_mailboxes_over_limit_total", "counter",
                "Own mailboxes left out of the roster (per-node limit reached)",
                s.roster_mailboxes_over_limit);
  append_metric(out, "pinana_node_roster_mailboxes_excess_read_total", "counter",
                "Roster mailbox entries ignored past the per-member limit",
                s.roster_mailboxes_excess_read);
}

std::unique_ptr<ClusterLink> make_standard_link(LinkContext context) {
  // Versions grow across restarts: they start from the wall clock (µs), one per rendering.
  const auto seed = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  return std::make_unique<StandardLink>(std::move(context), static_cast<uint64_t>(seed));
}

}  // namespace pinana::node
