#include "pinana/node/node.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "pinana/node/exten_bodies.h"
#include "pinana/node/native_link.h"
#include "pinana/node/standard_link.h"

namespace pinana::node {
namespace {

using state::DeviceState;
using state::ExtensionState;

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
  LinkContext ctx{agent_,
                  cluster_,
                  clock_,
                  options_.domain,
                  options_.publish_expires,
                  options_.subscribe_expires,
                  [this](const state::Events& events) { handle(events); },
                  log_};
  if (options_.profile == "standard") {
    link_ = make_standard_link(std::move(ctx));
  } else {
    link_ = std::make_unique<NativeLink>(std::move(ctx));
  }
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
  if (!link_) return Error{0, "profile " + options_.profile + " is not available"};
  if (auto s = agent_.start(); !s) return s;
  if (options_.api) {
    api_ = std::make_unique<api::ApiServer>(io_, *this, log_);
    if (auto s = api_->listen(*options_.api); !s) {
      return Error{s.error().status, "api " + s.error().reason};
    }
  }

  link_->start();
  for (const std::string& device : options_.watch_devices) link_->watch_device(device);
  for (const std::string& mailbox : options_.watch_mailboxes) link_->watch_mailbox(mailbox);
  const TimePoint now = clock_.now();
  for (const auto& [device, st] : options_.devices) {
    handle(cluster_.set_local_device(device, st, true, now));
  }

  for (auto& hint : options_.hints) {
    const std::string exten = hint.exten;
    for (const std::string& device : hint.devices) link_->watch_device(device);
    handle(cluster_.add_hint(std::move(hint)));
    ExtenPublications pubs;
    pubs.dialog = add_exten_publication(
        exten, "dialog", "application/dialog-info+xml", "d",
        [this](const ExtenBodyInput& in) { return render_dialog_info(in, ++dialog_version_); });
    pubs.presence = add_exten_publication(exten, "presence", "application/pidf+xml", "p",
                                          [](const ExtenBodyInput& in) { return render_pidf(in); });
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

transports::sip::PublicationId Node::add_exten_publication(
    const std::string& exten, const char* event, const char* content_type, const char* key,
    std::function<std::string(const ExtenBodyInput&)> render) {
  transports::sip::PublicationSpec spec;
  spec.request_uri = uri(exten);
  spec.event = event;
  spec.content_type = content_type;
  spec.expires = options_.publish_expires;
  // Kamailio loses a publication's body on a body-less refresh and answers 500 to an unknown
  // SIP-If-Match (docs/kamailio.md): the standard profile works around both.
  spec.refresh_with_body = options_.profile == "standard";
  spec.treat_500_as_412 = spec.refresh_with_body;
  spec.full_state = [this, exten, key, render = std::move(render)] {
    const ExtenBodyInput in =
        body_input(exten, cluster_.extension_state(exten), exten_callers_[exten]);
    return std::vector<std::pair<std::string, std::string>>{{key, render(in)}};
  };
  return agent_.add_publication(std::move(spec));
}

ExtenBodyInput Node::body_input(std::string_view exten, state::ExtensionState st,
                                const std::optional<state::CallerId>& caller) const {
  const state::Hint* h = cluster_.hint(exten);
  return ExtenBodyInput{exten, options_.domain, st, caller,
                        h ? std::string_view(h->display_name) : std::string_view()};
}

void Node::shutdown(Duration grace, std::function<void()> done) {
  if (api_) api_->close();
  const TimePoint start = clock_.now();
  shutdown_step_ = std::make_shared<std::function<void()>>(
      [this, grace, start, done = std::move(done)]() mutable {
        const Duration left = std::max(Duration(0), grace - (clock_.now() - start));
        agent_.shutdown(left, std::move(done));
      });
  // Whichever comes first, the link's report or half the grace, runs the step; later, nothing.
  std::weak_ptr<std::function<void()>> step = shutdown_step_;
  auto run = [step] {
    auto s = step.lock();
    if (!s || !*s) return;
    auto next = std::exchange(*s, nullptr);
    next();
  };
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, grace / 2);
  timer->async_wait([timer, run](const boost::system::error_code&) { run(); });
  // The link may report from inside an agent callback: the agent is shut down from the loop.
  link_->prepare_shutdown([this, run, timer] {
    timer->cancel();
    boost::asio::post(io_, run);
  });
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
  const ExtenBodyInput in = body_input(exten, st, caller);
  // Kamailio skips every modify of a `dialog` publication whose stored dialog is terminated: it
  // answers 200 and notifies nobody (docs/kamailio.md, fault 7). The standard profile therefore
  // removes an idle extension's publication and starts a new one when the extension leaves idle.
  const bool terminated = wording(st).dialog_state == "terminated";
  if (options_.profile == "standard" && it->second.dialog_terminated && !terminated) {
    agent_.start_over(it->second.dialog);
  }
  it->second.dialog_terminated = terminated;
  agent_.publish(it->second.dialog, "d", render_dialog_info(in, ++dialog_version_));
  agent_.publish(it->second.presence, "p", render_pidf(in));
}

void Node::handle(const state::Events& events) {
  for (const auto& ev : events) {
    if (const auto* e = std::get_if<state::LocalDeviceChanged>(&ev)) {
      ++metrics_.local_device_changes;
      link_->local_device_changed(*e);
    } else if (const auto* e = std::get_if<state::LocalMwiChanged>(&ev)) {
      link_->local_mwi_changed(*e);
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
  link_->watch_device(name);  // the standard profile learns a device once someone asks
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

std::optional<api::MailboxView> Node::mailbox(std::string_view name) const {
  link_->watch_mailbox(name);  // the standard profile learns a mailbox once someone asks
  auto m = cluster_.mwi(name);
  if (!m) return std::nullopt;
  return api::MailboxView{m->mailbox, m->new_messages, m->old_messages};
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
  append_metric(out, "pinana_node_notifies_out_of_order_total", "counter",
                "NOTIFY requests refused with 500: CSeq lower than one already seen",
                s.notifies_out_of_order);
  link_->append_metrics(out);
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
