#include "pinana/node/native_link.h"

#include "pinana/node/native_codec.h"
#include "pinana/node/node_metrics.h"

namespace pinana::node {
namespace {

constexpr char kDeviceEvent[] = "asterisk-devicestate";
constexpr char kMwiEvent[] = "asterisk-mwi";

std::string resource(std::string_view user, std::string_view domain) {
  std::string u = "sip:";
  u += user;
  u += '@';
  u += domain;
  return u;
}

}  // namespace

NativeLink::NativeLink(LinkContext context) : ctx_(std::move(context)) {}

void NativeLink::log(LogLevel level, std::string_view text) {
  if (ctx_.log) ctx_.log->log(level, text);
}

void NativeLink::start() {
  transports::sip::PublicationSpec dev;
  dev.request_uri = resource("devicestate", ctx_.domain);
  dev.event = kDeviceEvent;
  dev.content_type = "application/json";
  dev.expires = ctx_.publish_expires;
  dev.full_state = [this] { return local_device_bodies(); };
  device_pub_ = ctx_.agent.add_publication(std::move(dev));

  transports::sip::PublicationSpec mwi;
  mwi.request_uri = resource("mwi", ctx_.domain);
  mwi.event = kMwiEvent;
  mwi.content_type = "application/json";
  mwi.expires = ctx_.publish_expires;
  mwi.full_state = [this] { return local_mailbox_bodies(); };
  mwi_pub_ = ctx_.agent.add_publication(std::move(mwi));

  // Ask the other nodes to re-send their states (Asterisk does this when it loads).
  const state::Eid& self = ctx_.cluster.self();
  ctx_.agent.publish(device_pub_, "", encode_refresh(self));
  ctx_.agent.publish(mwi_pub_, "", encode_refresh(self));

  transports::sip::SubscriptionSpec sub;
  sub.request_uri = resource("devicestate", ctx_.domain);
  sub.event = kDeviceEvent;
  sub.accept = {"application/json"};
  sub.expires = ctx_.subscribe_expires;
  ctx_.agent.add_subscription(
      sub, [this](const transports::sip::NotifyView& n) { on_devicestate_notify(n); });
  sub.request_uri = resource("mwi", ctx_.domain);
  sub.event = kMwiEvent;
  ctx_.agent.add_subscription(sub,
                              [this](const transports::sip::NotifyView& n) { on_mwi_notify(n); });
}

void NativeLink::local_device_changed(const state::LocalDeviceChanged& e) {
  ctx_.agent.publish(device_pub_, e.device,
                     encode_devicestate(e.device, e.state, e.cachable, ctx_.cluster.self()));
}

void NativeLink::local_mwi_changed(const state::LocalMwiChanged& e) {
  ctx_.agent.publish(
      mwi_pub_, e.mailbox,
      encode_mailboxstate(e.mailbox, e.new_messages, e.old_messages, ctx_.cluster.self()));
}

std::vector<std::pair<std::string, std::string>> NativeLink::local_device_bodies() const {
  std::vector<std::pair<std::string, std::string>> out;
  const state::Eid& self = ctx_.cluster.self();
  for (const std::string& device : ctx_.cluster.local_devices()) {
    for (const auto& e : ctx_.cluster.entries(device)) {
      if (e.eid == self) {
        out.emplace_back(device, encode_devicestate(device, e.state, e.cachable, self));
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> NativeLink::local_mailbox_bodies() const {
  std::vector<std::pair<std::string, std::string>> out;
  const state::Eid& self = ctx_.cluster.self();
  for (const auto& m : ctx_.cluster.mailboxes()) {
    for (const auto& [eid, counts] : m.per_eid) {
      if (eid == self) {
        out.emplace_back(m.mailbox,
                         encode_mailboxstate(m.mailbox, counts.first, counts.second, self));
      }
    }
  }
  return out;
}

void NativeLink::on_refresh_requested(const std::vector<state::Eid>& eids) {
  bool other = false;
  for (const auto& eid : eids) other = other || eid != ctx_.cluster.self();
  if (!other) return;
  ++refresh_requests_;
  for (auto& [key, body] : local_device_bodies()) ctx_.agent.publish(device_pub_, key, body);
  for (auto& [key, body] : local_mailbox_bodies()) ctx_.agent.publish(mwi_pub_, key, body);
}

void NativeLink::on_devicestate_notify(const transports::sip::NotifyView& notify) {
  if (notify.body.empty()) return;  // pending, or terminated without state
  auto doc = decode_devicestate_set(notify.body);
  if (!doc) {
    ++notify_errors_;
    log(LogLevel::kWarn, "asterisk-devicestate NOTIFY ignored: " + doc.error().reason);
    return;
  }
  ++notifies_applied_;
  const TimePoint now = ctx_.clock.now();
  if (doc->full) {
    std::vector<state::ClusterState::RemoteEntry> all;
    all.reserve(doc->entries.size());
    for (auto& e : doc->entries) all.push_back({std::move(e.device), e.eid, e.state, e.cachable});
    ctx_.apply(ctx_.cluster.replace_remote(all, now));
  } else {
    for (const auto& e : doc->entries) {
      ctx_.apply(ctx_.cluster.apply_remote(e.device, e.eid, e.state, e.cachable, now));
    }
    for (const auto& w : doc->withdrawn) ctx_.apply(ctx_.cluster.withdraw_remote(w.device, w.eid));
  }
  on_refresh_requested(doc->refresh);
}

void NativeLink::on_mwi_notify(const transports::sip::NotifyView& notify) {
  if (notify.body.empty()) return;
  auto doc = decode_mailboxstate_set(notify.body);
  if (!doc) {
    ++notify_errors_;
    log(LogLevel::kWarn, "asterisk-mwi NOTIFY ignored: " + doc.error().reason);
    return;
  }
  ++notifies_applied_;
  const TimePoint now = ctx_.clock.now();
  if (doc->full) {
    std::vector<state::ClusterState::RemoteMwi> all;
    for (auto& e : doc->entries) {
      all.push_back({std::move(e.uniqueid), e.eid, e.new_messages, e.old_messages});
    }
    ctx_.apply(ctx_.cluster.replace_remote_mwi(all, now));
  } else {
    for (const auto& e : doc->entries) {
      ctx_.apply(
          ctx_.cluster.apply_remote_mwi(e.uniqueid, e.eid, e.new_messages, e.old_messages, now));
    }
    for (const auto& w : doc->withdrawn) {
      ctx_.apply(ctx_.cluster.withdraw_remote_mwi(w.uniqueid, w.eid));
    }
  }
  on_refresh_requested(doc->refresh);
}

void NativeLink::append_metrics(std::string& out) const {
  append_metric(out, "pinana_node_notifies_applied_total", "counter", "Hub NOTIFY bodies applied",
                notifies_applied_);
  append_metric(out, "pinana_node_notify_errors_total", "counter",
                "Hub NOTIFY bodies refused as malformed", notify_errors_);
  append_metric(out, "pinana_node_refresh_requests_total", "counter",
                "Refresh requests from other nodes answered", refresh_requests_);
}

}  // namespace pinana::node
