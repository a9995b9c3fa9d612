#include "pinana/node/node.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "pinana/node/exten_bodies.h"
#include "pinana/node/native_codec.h"

namespace pinana::node {
namespace {

using state::DeviceState;
using state::ExtensionState;

constexpr char kDeviceEvent[] = "asterisk-devicestate";
constexpr char kMwiEvent[] = "asterisk-mwi";

std::string node_user(const state::Eid& eid) {
  std::string user = "node-";
  for (uint8_t b : eid.bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    user += kHex[b >> 4];
    user += kHex[b & 15];
  }
  return user;
}

std::string event_json(nlohmann::json j) {
  return j.dump();
}

}  // namespace

Node::Node(boost::asio::io_context& io, const Clock& clock, NodeOptions options, Logger* log)
    : io_(io),
      clock_(clock),
      options_(std::move(options)),
      log_(log),
      cluster_(options_.eid),
      agent_(io, clock,
             transports::sip::AgentConfig{
                 .listen = options_.listen,
                 .hub = options_.hub,
                 .user = node_user(options_.eid),
                 .domain = options_.domain,
                 .credentials = options_.credentials,
             },
             log) {
  if (!options_.unix_ms) {
    options_.unix_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  const int64_t now_unix = options_.unix_ms();
  unix_offset_ms_ = now_unix - std::chrono::duration_cast<std::chrono::milliseconds>(
                                   clock_.now().time_since_epoch())
                                   .count();
  // dialog-info versions stay monotonic across restarts: they start from the wall clock.
  dialog_version_ = static_cast<uint64_t>(now_unix) * 1000;
}

Node::~Node() = default;

std::string Node::uri(std::string_view user) const {
  std::string u = "sip:";
  u += user;
  u += '@';
  u += options_.domain;
  return u;
}

int64_t Node::unix_ms_of(TimePoint t) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() +
         unix_offset_ms_;
}

void Node::log(LogLevel level, std::string_view text) {
  if (log_) log_->log(level, text);
}

Status Node::start() {
  if (auto s = agent_.start(); !s) return s;
  if (options_.api) {
    api_ = std::make_unique<api::ApiServer>(io_, *this, log_);
    if (auto s = api_->listen(*options_.api); !s) {
      return Error{s.error().status, "api " + s.error().reason};
    }
  }

  transports::sip::PublicationSpec dev;
  dev.request_uri = uri("devicestate");
  dev.event = kDeviceEvent;
  dev.content_type = "application/json";
  dev.expires = options_.publish_expires;
  dev.full_state = [this] { return local_device_bodies(); };
  device_pub_ = agent_.add_publication(std::move(dev));

  transports::sip::PublicationSpec mwi;
  mwi.request_uri = uri("mwi");
  mwi.event = kMwiEvent;
  mwi.content_type = "application/json";
  mwi.expires = options_.publish_expires;
  mwi.full_state = [this] { return local_mailbox_bodies(); };
  mwi_pub_ = agent_.add_publication(std::move(mwi));

  // Ask the other nodes to re-send their states (Asterisk does this at load), then our own.
  agent_.publish(device_pub_, "", encode_refresh(options_.eid));
  agent_.publish(mwi_pub_, "", encode_refresh(options_.eid));
  const TimePoint now = clock_.now();
  for (const auto& [device, st] : options_.devices) {
    handle(cluster_.set_local_device(device, st, true, now));
  }

  transports::sip::SubscriptionSpec sub;
  sub.request_uri = uri("devicestate");
  sub.event = kDeviceEvent;
  sub.accept = {"application/json"};
  sub.expires = options_.subscribe_expires;
  agent_.add_subscription(
      sub, [this](const transports::sip::NotifyView& n) { on_devicestate_notify(n); });
  sub.request_uri = uri("mwi");
  sub.event = kMwiEvent;
  agent_.add_subscription(sub, [this](const transports::sip::NotifyView& n) { on_mwi_notify(n); });

  for (auto& hint : options_.hints) {
    const std::string exten = hint.exten;
    handle(cluster_.add_hint(std::move(hint)));
    ExtenPublications pubs;
    transports::sip::PublicationSpec d;
    d.request_uri = uri(exten);
    d.event = "dialog";
    d.content_type = "application/dialog-info+xml";
    d.expires = options_.publish_expires;
    d.full_state = [this, exten] {
      const state::Hint* h = cluster_.hint(exten);
      ExtenBodyInput in{exten, options_.domain, cluster_.extension_state(exten),
                        exten_callers_[exten], h ? std::string_view(h->display_name) : ""};
      return std::vector<std::pair<std::string, std::string>>{
          {"d", render_dialog_info(in, ++dialog_version_)}};
    };
    pubs.dialog = agent_.add_publication(std::move(d));
    transports::sip::PublicationSpec p;
    p.request_uri = uri(exten);
    p.event = "presence";
    p.content_type = "application/pidf+xml";
    p.expires = options_.publish_expires;
    p.full_state = [this, exten] {
      const state::Hint* h = cluster_.hint(exten);
      ExtenBodyInput in{exten, options_.domain, cluster_.extension_state(exten),
                        exten_callers_[exten], h ? std::string_view(h->display_name) : ""};
      return std::vector<std::pair<std::string, std::string>>{{"p", render_pidf(in)}};
    };
    pubs.presence = agent_.add_publication(std::move(p));
    exten_pubs_[exten] = pubs;
  }
  options_.hints.clear();
  // Every hint is published at start-up, whatever its state (Asterisk waits for a change).
  for (const state::Hint* h : cluster_.hints()) {
    publish_extension(h->exten, cluster_.extension_state(h->exten), std::nullopt);
  }
  log(LogLevel::kInfo, "node " + options_.eid.to_string() + " on " + agent_.local().to_string() +
                           ", hub " + options_.hub.to_string());
  return Status();
}

void Node::shutdown(Duration grace, std::function<void()> done) {
  if (api_) api_->close();
  agent_.shutdown(grace, std::move(done));
}

sip::transport::Endpoint Node::sip_endpoint() const {
  return agent_.local();
}

std::optional<boost::asio::ip::tcp::endpoint> Node::api_endpoint() const {
  if (!api_) return std::nullopt;
  return api_->local();
}

void Node::publish_extension(std::string_view exten, ExtensionState st,
                             const std::optional<state::CallerId>& caller) {
  auto it = exten_pubs_.find(exten);
  if (it == exten_pubs_.end()) return;
  exten_callers_[std::string(exten)] = caller;
  const state::Hint* h = cluster_.hint(exten);
  ExtenBodyInput in{exten, options_.domain, st, caller, h ? std::string_view(h->display_name) : ""};
  agent_.publish(it->second.dialog, "d", render_dialog_info(in, ++dialog_version_));
  agent_.publish(it->second.presence, "p", render_pidf(in));
}

void Node::handle(const state::Events& events) {
  for (const auto& ev : events) {
    if (const auto* e = std::get_if<state::LocalDeviceChanged>(&ev)) {
      ++metrics_.local_device_changes;
      agent_.publish(device_pub_, e->device,
                     encode_devicestate(e->device, e->state, e->cachable, options_.eid));
    } else if (const auto* e = std::get_if<state::LocalMwiChanged>(&ev)) {
      agent_.publish(
          mwi_pub_, e->mailbox,
          encode_mailboxstate(e->mailbox, e->new_messages, e->old_messages, options_.eid));
    } else if (const auto* e = std::get_if<state::DeviceChanged>(&ev)) {
      ++metrics_.device_aggregate_changes;
      if (api_) {
        api_->publish_event(event_json({{"type", "device"},
                                        {"name", e->device},
                                        {"state", state::to_string(e->after)},
                                        {"previous", state::to_string(e->before)}}));
      }
    } else if (const auto* e = std::get_if<state::ExtensionChanged>(&ev)) {
      ++metrics_.extension_changes;
      if (e->after != ExtensionState::kDeactivated && e->after != ExtensionState::kRemoved) {
        publish_extension(e->exten, e->after, e->caller);
      }
      if (api_) {
        nlohmann::json j = {{"type", "extension"},
                            {"exten", e->exten},
                            {"state", state::to_text(e->after)},
                            {"previous", state::to_text(e->before)},
                            {"repeat", e->repeat}};
        if (e->caller) j["caller"] = {{"name", e->caller->name}, {"number", e->caller->number}};
        api_->publish_event(event_json(std::move(j)));
      }
    } else if (const auto* e = std::get_if<state::MwiChanged>(&ev)) {
      ++metrics_.mailbox_changes;
      if (api_) {
        api_->publish_event(event_json({{"type", "mailbox"},
                                        {"mailbox", e->mailbox},
                                        {"new", e->new_messages},
                                        {"old", e->old_messages}}));
      }
    }
  }
}

std::vector<std::pair<std::string, std::string>> Node::local_device_bodies() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& device : cluster_.local_devices()) {
    for (const auto& e : cluster_.entries(device)) {
      if (e.eid == options_.eid) {
        out.emplace_back(device, encode_devicestate(device, e.state, e.cachable, options_.eid));
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Node::local_mailbox_bodies() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : cluster_.mailboxes()) {
    for (const auto& [eid, counts] : m.per_eid) {
      if (eid == options_.eid) {
        out.emplace_back(m.mailbox,
                         encode_mailboxstate(m.mailbox, counts.first, counts.second, options_.eid));
      }
    }
  }
  return out;
}

void Node::on_refresh_requested(const std::vector<state::Eid>& eids) {
  bool other = false;
  for (const auto& eid : eids) other = other || eid != options_.eid;
  if (!other) return;
  ++metrics_.refresh_requests;
  for (auto& [key, body] : local_device_bodies()) agent_.publish(device_pub_, key, body);
  for (auto& [key, body] : local_mailbox_bodies()) agent_.publish(mwi_pub_, key, body);
}

void Node::on_devicestate_notify(const transports::sip::NotifyView& notify) {
  if (notify.body.empty()) return;  // pending / terminated without state
  auto doc = decode_devicestate_set(notify.body);
  if (!doc) {
    ++metrics_.notify_errors;
    log(LogLevel::kWarn, "asterisk-devicestate NOTIFY ignored: " + doc.error().reason);
    return;
  }
  ++metrics_.notifies_applied;
  const TimePoint now = clock_.now();
  if (doc->full) {
    std::vector<state::ClusterState::RemoteEntry> all;
    all.reserve(doc->entries.size());
    for (auto& e : doc->entries) all.push_back({std::move(e.device), e.eid, e.state, e.cachable});
    handle(cluster_.replace_remote(all, now));
  } else {
    for (const auto& e : doc->entries) {
      handle(cluster_.apply_remote(e.device, e.eid, e.state, e.cachable, now));
    }
    for (const auto& w : doc->withdrawn) handle(cluster_.withdraw_remote(w.device, w.eid));
  }
  on_refresh_requested(doc->refresh);
}

void Node::on_mwi_notify(const transports::sip::NotifyView& notify) {
  if (notify.body.empty()) return;
  auto doc = decode_mailboxstate_set(notify.body);
  if (!doc) {
    ++metrics_.notify_errors;
    log(LogLevel::kWarn, "asterisk-mwi NOTIFY ignored: " + doc.error().reason);
    return;
  }
  ++metrics_.notifies_applied;
  const TimePoint now = clock_.now();
  if (doc->full) {
    std::vector<state::ClusterState::RemoteMwi> all;
    for (auto& e : doc->entries) {
      all.push_back({std::move(e.uniqueid), e.eid, e.new_messages, e.old_messages});
    }
    handle(cluster_.replace_remote_mwi(all, now));
  } else {
    for (const auto& e : doc->entries) {
      handle(cluster_.apply_remote_mwi(e.uniqueid, e.eid, e.new_messages, e.old_messages, now));
    }
    for (const auto& w : doc->withdrawn) handle(cluster_.withdraw_remote_mwi(w.uniqueid, w.eid));
  }
  on_refresh_requested(doc->refresh);
}

Status Node::set_local_device(std::string_view name, std::string_view st,
                              std::optional<api::CallerView> caller) {
  if (name.empty() || name.size() > 256) return Error{400, "device name must be 1-256 bytes"};
  auto parsed = state::parse_device_state(st);
  if (!parsed) {
    return Error{400, "invalid device state '" + std::string(st) +
                          "' (one of NOT_INUSE INUSE BUSY INVALID UNAVAILABLE RINGING "
                          "RINGINUSE ONHOLD UNKNOWN)"};
  }
  std::optional<state::CallerId> c;
  if (caller) c = state::CallerId{caller->name, caller->number};
  handle(cluster_.set_local_device(name, *parsed, true, clock_.now(), std::move(c)));
  return Status();
}

Status Node::set_device(std::string_view name, std::string_view st,
                        std::optional<api::CallerView> caller) {
  return set_local_device(name, st, std::move(caller));
}

std::optional<api::DeviceView> Node::device(std::string_view name) const {
  auto entries = cluster_.entries(name);
  if (entries.empty()) return std::nullopt;
  api::DeviceView v;
  v.name = std::string(name);
  v.state = std::string(state::to_string(cluster_.aggregate(name)));
  for (const auto& e : entries) {
    v.nodes.emplace_back(e.eid.to_string(), std::string(state::to_string(e.state)));
  }
  return v;
}

std::vector<api::DeviceView> Node::devices() const {
  std::vector<api::DeviceView> out;
  for (const std::string& d : cluster_.devices()) {
    if (auto v = device(d)) out.push_back(std::move(*v));
  }
  return out;
}

std::optional<api::ExtensionView> Node::extension(std::string_view exten) const {
  const state::Hint* h = cluster_.hint(exten);
  if (!h) return std::nullopt;
  return api::ExtensionView{h->exten, h->text,
                            std::string(state::to_text(cluster_.extension_state(exten))),
                            h->presence, h->display_name};
}

std::vector<api::ExtensionView> Node::extensions() const {
  std::vector<api::ExtensionView> out;
  for (const state::Hint* h : cluster_.hints()) {
    if (auto v = extension(h->exten)) out.push_back(std::move(*v));
  }
  return out;
}

Status Node::set_mailbox(std::string_view mailbox, int new_messages, int old_messages) {
  const auto at = mailbox.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == mailbox.size() || mailbox.size() > 256) {
    return Error{400, "mailbox must be MAILBOX@CONTEXT"};
  }
  if (new_messages < 0 || old_messages < 0) return Error{400, "counts must be >= 0"};
  handle(cluster_.set_local_mwi(mailbox, new_messages, old_messages, clock_.now()));
  return Status();
}

std::vector<api::MailboxView> Node::mailboxes() const {
  std::vector<api::MailboxView> out;
  for (const auto& m : cluster_.mailboxes()) {
    out.push_back({m.mailbox, m.new_messages, m.old_messages});
  }
  return out;
}

api::ClusterView Node::cluster() const {
  api::ClusterView v;
  v.eid = options_.eid.to_string();
  for (const auto& m : cluster_.members()) {
    const bool never = m.last_update == TimePoint{};
    v.members.push_back(
        {m.eid.to_string(), m.devices, never ? 0 : unix_ms_of(m.last_update), m.self});
  }
  return v;
}

std::string Node::metrics_text() const {
  std::string out;
  const auto s = agent_.stats();
  append_metric(out, "pinana_node_local_device_changes_total", "counter",
                "Local device state changes sent to the cluster", metrics_.local_device_changes);
  append_metric(out, "pinana_node_device_aggregate_changes_total", "counter",
                "Cluster aggregate device state changes", metrics_.device_aggregate_changes);
  append_metric(out, "pinana_node_extension_changes_total", "counter",
                "Extension state changes (including RINGING repeats)", metrics_.extension_changes);
  append_metric(out, "pinana_node_mailbox_changes_total", "counter",
                "Cluster mailbox count changes", metrics_.mailbox_changes);
  append_metric(out, "pinana_node_notifies_applied_total", "counter", "Hub NOTIFY bodies applied",
                metrics_.notifies_applied);
  append_metric(out, "pinana_node_notify_errors_total", "counter",
                "Hub NOTIFY bodies refused as malformed", metrics_.notify_errors);
  append_metric(out, "pinana_node_refresh_requests_total", "counter",
                "Refresh requests from other nodes answered", metrics_.refresh_requests);
  append_metric(out, "pinana_node_publishes_sent_total", "counter", "PUBLISH requests sent",
                s.publishes_sent);
  append_metric(out, "pinana_node_publish_2xx_total", "counter", "PUBLISH 2xx responses",
                s.publish_2xx);
  append_metric(out, "pinana_node_publish_412_total", "counter", "PUBLISH 412 responses",
                s.publish_412);
  append_metric(out, "pinana_node_publish_errors_total", "counter", "PUBLISH failures",
                s.publish_errors);
  append_metric(out, "pinana_node_publish_retries_total", "counter", "PUBLISH retries",
                s.publish_retries);
  append_metric(out, "pinana_node_subscribes_sent_total", "counter", "SUBSCRIBE requests sent",
                s.subscribes_sent);
  append_metric(out, "pinana_node_notifies_received_total", "counter", "NOTIFY requests received",
                s.notifies_received);
  append_metric(out, "pinana_node_devices", "gauge", "Devices known cluster-wide",
                cluster_.devices().size());
  append_metric(out, "pinana_node_hints", "gauge", "Hints of this node", cluster_.hints().size());
  append_metric(out, "pinana_node_cluster_members", "gauge", "EIDs known, ours included",
                cluster_.members().size());
  return out;
}

void append_metric(std::string& out, const char* name, const char* type, const char* help,
                   uint64_t value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

}  // namespace pinana::node
