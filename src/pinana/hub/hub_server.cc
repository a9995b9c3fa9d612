#include "pinana/hub/hub_server.h"

#include <malloc.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>

#include "pinana/hub/access.h"
#include "pinana/presence/packages/register_all.h"
#include "pinana/sip/request_checks.h"
#include "pinana/sip/transport/inbound.h"
#include "pinana/sip/transport/response_routing.h"
#include "pinana/sip/writer.h"

namespace pinana::hub {

namespace tx = sip::transaction;
namespace tp = sip::transport;
using sip::HeaderId;
using sip::Method;

namespace {

constexpr std::string_view kAllow = "OPTIONS, PUBLISH, SUBSCRIBE";

presence::Flow to_flow(const tp::IncomingMessage& in) {
  presence::Flow f;
  f.transport = in.transport == tp::TransportKind::kUdp   ? presence::Transport::kUdp
                : in.transport == tp::TransportKind::kTcp ? presence::Transport::kTcp
                                                          : presence::Transport::kTls;
  f.address = in.remote.address_text();
  f.port = in.remote.port;
  if (in.connection) f.connection = in.connection->value;
  return f;
}

tp::Destination to_destination(const presence::Flow& f) {
  tp::Destination d;
  d.transport = f.transport == presence::Transport::kUdp   ? tp::TransportKind::kUdp
                : f.transport == presence::Transport::kTcp ? tp::TransportKind::kTcp
                                                           : tp::TransportKind::kTls;
  d.host = f.address;
  d.port = f.port;
  if (f.connection) d.connection = tp::ConnectionId{*f.connection};
  return d;
}

// RFC 4320's late 100 Trying is for a UAS that has not answered by T2. The hub answers every
// request before the call that delivered it returns (no step is asynchronous), so that moment
// never comes; not preparing a 100 per request (and not arming its timer) saves both.
tx::TimerConfig hub_timer_config() {
  tx::TimerConfig c;
  c.late_trying = false;
  return c;
}

int status_of(std::string_view response) {
  // "SIP/2.0 NNN ..." as built by make_response.
  int code = 0;
  if (response.size() >= 11) std::from_chars(response.data() + 8, response.data() + 11, code);
  return code;
}

std::string joined_accept(const presence::PackageRegistry& registry) {
  std::string out;
  for (const auto* p : registry.packages()) {
    for (auto t : p->publish_types()) {
      if (out.find(t) != std::string::npos) continue;
      if (!out.empty()) out += ", ";
      out.append(t);
    }
  }
  return out;
}

// The presence core's settings. `port` is the first listener's bound port, which the hub's
// Contact and NOTIFY Via carry (a configured port 0 is only known after binding).
presence::PresenceConfig presence_config(const HubConfig& config,
                                         const presence::PackageRegistry& registry, uint16_t port) {
  presence::PresenceConfig pc;
  pc.domains = config.domains;
  for (const auto& l : config.listen) {
    if (std::find(pc.local_addresses.begin(), pc.local_addresses.end(), l.address) ==
        pc.local_addresses.end())
      pc.local_addresses.push_back(l.address);
  }
  const ListenSpec& first = config.listen.front();
  const std::string host =
      first.address.find(':') != std::string::npos ? "[" + first.address + "]" : first.address;
  pc.contact_uri = "sip:hub@" + host + ":" + std::to_string(port);
  // A TCP-only hub says so, or subscribers would send their refreshes over UDP (§19.1.4).
  if (first.transport == sip::transport::TransportKind::kTcp) pc.contact_uri += ";transport=tcp";
  pc.via_sent_by = host + ":" + std::to_string(port);
  for (const auto* p : registry.packages()) {
    presence::ExpiryOverride o;
    o.min_s = config.min_expires;
    o.max_s = config.max_expires;
    if (auto it = config.package_expiry.find(p->name()); it != config.package_expiry.end()) {
      if (it->second.min_s) o.min_s = it->second.min_s;
      if (it->second.max_s) o.max_s = it->second.max_s;
    }
    pc.publication_expiry[std::string(p->name())] = o;
    pc.subscription_expiry[std::string(p->name())] = o;
  }
  pc.max_subscriptions_per_source = config.max_subscriptions_per_source;
  pc.retry_after_s = config.retry_after_s;
  return pc;
}

}  // namespace

HubServer::HubServer(boost::asio::io_context& io, const Clock& clock, HubConfig config, Logger* log)
    : io_(io),
      clock_(clock),
      log_(log),
      config_(std::move(config)),
      table_(clock_, hub_timer_config()),
      rate_(clock_, config_.max_requests_per_second_per_source),
      timer_(io) {
  auto made = presence::packages::register_all(registry_);
  if (made.ok()) packages_ = std::move(made.value());

  presence_ = std::make_unique<presence::PresenceService>(
      clock_, registry_, presence_config(config_, registry_, config_.listen.front().port));
  // A NOTIFY's buffer goes from the presence core to its client transaction, which hands it back
  // once the 2xx has come: the next NOTIFY is built in it.
  presence_->build_notifies_from(&buffers_);
  table_.recycle_requests_into(&buffers_);

  if (!config_.users.empty()) {
    sip::auth::DigestServerOptions o;
    o.realm = config_.realm;
    auto d = sip::auth::DigestServer::create(std::move(o), clock_);
    if (d.ok()) digest_.emplace(std::move(d.value()));
  }
  unsigned char r[6];
  RAND_bytes(r, sizeof r);
  for (unsigned char c : r) tag_prefix_ += "0123456789abcdef"[c & 15];
}

HubServer::~HubServer() {
  timer_.cancel();
  for (auto& u : udp_) u->close();
  if (tcp_) tcp_->close();
}

Status HubServer::start() {
  clock_.refresh();
  if (packages_.empty()) return Error{500, "event packages failed to register"};
  if (!config_.users.empty() && !digest_)
    return Error{500, "digest authentication failed to start"};
  bound_.clear();
  for (const auto& l : config_.listen) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(l.address, ec);
    if (ec) return Error{0, "bad listen address " + l.address};
    tp::Endpoint ep{addr, l.port};
    if (l.transport == tp::TransportKind::kUdp) {
      // A NOTIFY goes out as UDP whatever its size: the subscriber chose the flow (RFC 3261
      // §18.1.1 would move large requests to TCP, which a UDP-only phone cannot take).
      auto u = std::make_unique<tp::UdpTransport>(io_, *this, tp::UdpOptions{false});
      if (auto s = u->open(ep); !s)
        return Error{0, "udp:" + ep.to_string() + ": " + s.error().reason};
      bound_.push_back(u->local_endpoint());
      udp_.push_back(std::move(u));
    } else if (l.transport == tp::TransportKind::kTcp) {
      if (!tcp_) tcp_ = std::make_unique<tp::TcpTransport>(io_, *this);
      const size_t index = static_cast<size_t>(std::count_if(
          config_.listen.begin(), config_.listen.begin() + (&l - config_.listen.data()),
          [](const ListenSpec& s) { return s.transport == tp::TransportKind::kTcp; }));
      if (auto s = tcp_->listen(ep); !s)
        return Error{0, "tcp:" + ep.to_string() + ": " + s.error().reason};
      bound_.push_back(tcp_->listen_endpoint(index));
    } else {
      return Error{0, "TLS listeners are not supported yet"};
    }
  }
  if (bound_.front().port != config_.listen.front().port) {
    // Port 0 was configured: rebuild the (still empty) presence core with the bound port.
    presence_ = std::make_unique<presence::PresenceService>(
        clock_, registry_, presence_config(config_, registry_, bound_.front().port));
    presence_->build_notifies_from(&buffers_);
  }
  return Status::Ok();
}

// ---- receiving --------------------------------------------------------------------------------

void HubServer::on_message(tp::IncomingMessage in) {
  clock_.refresh();
  if (in.message.is_request()) {
    on_request(in);
  } else {
    on_response(in.message);
  }
  // Notes a burst's peak, and when traffic goes on after it, hands its memory back once the
  // table has let its completed transactions go (a few size reads otherwise).
  release_memory();
  if (!armed_) rearm();  // the tick for completed transactions, if nothing else is due
}

void HubServer::on_transport_error(const tp::TransportError& e) {
  clock_.refresh();
  metrics_.transport_error();
  if (log_ && log_->enabled(LogLevel::kDebug)) {
    std::string line = std::string(tp::to_string(e.transport)) + " " + e.remote.to_string() + ": " +
                       e.error.reason;
    if (e.error.status) line += " (answered " + std::to_string(e.error.status) + ")";
    debug(line);
  }
}

void HubServer::debug(std::string_view what) {
  if (log_) log_->log(LogLevel::kDebug, what);
}

void HubServer::on_request(tp::IncomingMessage& in) {
  const sip::Message& req = in.message;
  metrics_.request(req.method_id(), req.method());
  const auto reliability =
      tp::is_reliable(in.transport) ? tx::Reliability::kReliable : tx::Reliability::kUnreliable;
  auto outcome = table_.on_request(req, reliability);
  if (!outcome.ok()) {  // no Via or CSeq: the parser lets such requests through; answer statelessly
    if (auto reply = tp::stateless_response(req.serialize(), outcome.error(), in.remote)) {
      send(tp::Destination{in.transport, in.remote.address_text(), in.remote.port, in.connection},
           *reply);
    }
    return;
  }
  const tx::TransactionId id = outcome->id;
  // A new transaction keeps where its responses go. A retransmission that a Completed
  // transaction answers has no context left: its own top Via, the original's, routes the
  // response again (RFC 3261 §18.2.2).
  const bool fresh = outcome->actions.has(tx::ActionKind::kDeliverRequest) ||
                     outcome->actions.has(tx::ActionKind::kAnswerLoopDetected);
  std::optional<tp::Destination> reply_to;
  if (id.valid() &&
      (fresh || (outcome->actions.has(tx::ActionKind::kSend) && !servers_.find(id)))) {
    auto dest = tp::route_response(req, in.connection);
    reply_to = dest.ok() ? dest.value()
                         : tp::Destination{in.transport, in.remote.address_text(), in.remote.port,
                                           in.connection};
    reply_to->transport = in.transport;
    if (tp::is_reliable(in.transport)) reply_to->connection = in.connection;
    if (fresh) servers_.set(id, ServerCtx{*reply_to});
  }
  bool delivered = false;
  for (const auto& a : outcome->actions) {
    switch (a.kind) {
      case tx::ActionKind::kDeliverRequest:
        delivered = true;
        break;
      case tx::ActionKind::kAnswerLoopDetected:
        delivered = true;
        respond(id, req, 482);
        break;
      case tx::ActionKind::kStatelessRequest:
        delivered = true;
        if (req.method_id() != Method::kAck) {
          // INVITE: this server has no INVITE machinery; answer it once, statelessly.
          const std::pair<std::string_view, std::string_view> allow[] = {{"Allow", kAllow}};
          send(tp::Destination{in.transport, in.remote.address_text(), in.remote.port,
                               in.connection},
               sip::make_response(req, 405, {}, to_tag(), allow));
          metrics_.response(req.method_id(), req.method(), 405);
        }
        break;
      default:
        break;
    }
  }
  if (!delivered) metrics_.retransmission();
  execute(outcome.value(), reply_to ? &*reply_to : nullptr);
  if (outcome->actions.find(tx::ActionKind::kDeliverRequest)) handle_new_request(id, req, in);
}

void HubServer::handle_new_request(TxnId id, const sip::Message& req,
                                   const tp::IncomingMessage& in) {
  if (!rate_.allow(in.remote.address_text())) {
    const std::string retry = std::to_string(config_.retry_after_s);
    const std::pair<std::string_view, std::string_view> h[] = {{"Retry-After", retry}};
    respond(id, req, 503, "Rate Limit Exceeded", h);
    return;
  }
  static constexpr std::string_view kNoOptions[] = {"eventlist"};  // none required of us
  if (auto rej = sip::check_request(req, sip::UasPolicy{std::span(kNoOptions, 0), false})) {
    std::vector<std::pair<std::string_view, std::string_view>> h;
    for (const auto& [n, v] : rej->headers) h.emplace_back(n, v);
    respond(id, req, rej->status, rej->reason, h);
    return;
  }
  switch (req.method_id()) {
    case Method::kOptions: {
      const std::string accept = joined_accept(registry_);
      const std::pair<std::string_view, std::string_view> h[] = {
          {"Allow", kAllow}, {"Allow-Events", registry_.allow_events()}, {"Accept", accept}};
      respond(id, req, 200, {}, h);
      return;
    }
    case Method::kPublish:
    case Method::kSubscribe:
      handle_presence(id, req, in);
      return;
    case Method::kCancel:  // nothing here can be cancelled (RFC 3261 §9.2: no match -> 481)
      respond(id, req, 481);
      return;
    case Method::kUnknown: {
      const std::pair<std::string_view, std::string_view> h[] = {{"Allow", kAllow}};
      respond(id, req, 501, {}, h);
      return;
    }
    default: {
      const std::pair<std::string_view, std::string_view> h[] = {{"Allow", kAllow}};
      respond(id, req, 405, {}, h);
      return;
    }
  }
}

void HubServer::handle_presence(TxnId id, const sip::Message& req, const tp::IncomingMessage& in) {
  std::string user;
  if (!authorize(id, req, in, user)) return;
  presence::RequestContext ctx{to_flow(in), std::move(user)};
  presence::Actions actions = req.method_id() == Method::kPublish
                                  ? presence_->on_publish(req, ctx)
                                  : presence_->on_subscribe(req, ctx);
  if (!actions.response.empty()) {
    metrics_.response(req.method_id(), req.method(), status_of(actions.response));
    respond_text(id, std::move(actions.response));
  }
  actions.response.clear();
  run_presence(std::move(actions));
}

bool HubServer::authorize(TxnId id, const sip::Message& req, const tp::IncomingMessage& in,
                          std::string& user) {
  if (config_.users.empty()) {
    // Without credentials configured the hub serves this machine only.
    if (in.remote.address.is_loopback()) return true;
    respond(id, req, 403, "Forbidden (no users configured: loopback sources only)");
    return false;
  }
  sip::auth::AuthOutcome auth = digest_->verify(req, *this);
  if (!auth.accepted()) {
    if (auth.verdict == sip::auth::AuthVerdict::kChallenge) {
      std::vector<std::pair<std::string_view, std::string_view>> h;
      const std::string_view name = sip::canonical_name(auth.challenge_header);
      for (const auto& c : auth.challenges) h.emplace_back(name, c);
      respond(id, req, auth.status, {}, h);
    } else {
      respond(id, req, auth.status ? auth.status : 403, auth.detail);
    }
    return false;
  }
  const HubUser* u = find_user(config_.users, auth.username);
  const bool publish = req.method_id() == Method::kPublish;
  const std::string_view package = req.event() ? req.event()->type : std::string_view();
  // An in-dialog SUBSCRIBE (refresh, unsubscribe) is addressed to the hub's Contact, not to the
  // presentity (RFC 6665 §4.1.2.1): check the rule against the resource its subscription watches.
  // For a dialog the hub does not know the presence core answers 481 and nothing changes.
  const sip::Uri* presentity = &req.request_uri();
  sip::Uri watched;
  bool unknown_dialog = false;
  if (!publish && req.to() && req.from() && req.event() && !req.to()->tag().empty()) {
    const presence::SubscriptionKeyView key{req.call_id(), req.to()->tag(), req.from()->tag(),
                                            req.event()->type, req.event()->id()};
    if (const auto* s = presence_->subscriptions().find(key); s == nullptr) {
      unknown_dialog = true;
    } else if (sip::parse_uri_into(s->resource().uri, watched)) {
      presentity = &watched;
    }
  }
  if (u == nullptr ||
      (!unknown_dialog && !permits(publish ? u->publish : u->subscribe, *presentity, package))) {
    respond(id, req, 403,
            publish ? "Forbidden (not allowed to publish this)"
                    : "Forbidden (not allowed to watch this)");
    return false;
  }
  user = auth.username;
  return true;
}

std::optional<sip::auth::DigestSecret> HubServer::lookup(std::string_view username,
                                                         std::string_view,
                                                         sip::auth::DigestAlgorithm) const {
  const HubUser* u = find_user(config_.users, username);
  if (u == nullptr) return std::nullopt;
  return sip::auth::DigestSecret{sip::auth::DigestSecret::Kind::kPassword, u->password};
}

void HubServer::on_response(const sip::Message& response) {
  auto outcome = table_.on_response(response);
  const tx::TransactionId id = outcome.id;
  const bool deliver = outcome.actions.find(tx::ActionKind::kDeliverResponse) != nullptr;
  // Report the final status before executing the outcome: over TCP (Timer K = 0) the same outcome
  // terminates the transaction, and termination of an unreported NOTIFY counts as no response.
  if (deliver && response.status_code() >= 200) notify_outcome(id, response.status_code());
  execute(outcome);
}

// ---- sending ----------------------------------------------------------------------------------

void HubServer::respond(TxnId id, const sip::Message& req, int status, std::string_view reason,
                        sip::HeaderList extra) {
  metrics_.response(req.method_id(), req.method(), status);
  if (status >= 300 && log_ && log_->enabled(LogLevel::kDebug))
    debug(std::string(req.method()) + " " + std::string(req.request_uri().text) + " -> " +
          std::to_string(status) + (reason.empty() ? "" : " " + std::string(reason)));
  respond_text(id, sip::make_response(req, status, reason, status > 100 ? to_tag() : "", extra));
}

void HubServer::respond_text(TxnId id, std::string text) {
  const int status = status_of(text);
  auto out = table_.send_response(id, status, std::move(text));
  if (out.ok()) execute(out.value());
}

void HubServer::run_presence(presence::Actions actions) {
  for (auto& n : actions.notifies) send_notify(std::move(n));
  presence_deadline_ = presence_->next_deadline();
  rearm();
  if (on_drained_ && presence_->drained()) {
    auto done = std::move(on_drained_);
    on_drained_ = nullptr;
    done();
  }
}

void HubServer::send_notify(presence::OutgoingNotify n) {
  tp::Destination to = to_destination(n.destination);
  const auto reliability =
      tp::is_reliable(to.transport) ? tx::Reliability::kReliable : tx::Reliability::kUnreliable;
  // The core built the request and names its branch: no need to parse it back for the key.
  auto out = table_.start_client_with_fresh_branch("NOTIFY", n.branch_id, reliability,
                                                   std::move(n.request));
  if (!out.ok()) {  // a bug in the core, but never leave the watcher hanging
    run_presence(presence_->on_notify_result(n.subscription, presence::kNotifyNoResponse));
    return;
  }
  clients_.set(out->id, ClientCtx{n.subscription, std::move(to), false});
  execute(out.value());
}

void HubServer::notify_outcome(TxnId id, int status) {
  ClientCtx* c = clients_.find(id);
  if (c == nullptr || c->reported) return;
  c->reported = true;
  metrics_.notify_result(status);
  run_presence(presence_->on_notify_result(c->subscription, status));
}

void HubServer::execute(const tx::Outcome& outcome, const tp::Destination* reply_to) {
  const TxnId id = outcome.id;
  for (const auto& a : outcome.actions) {
    switch (a.kind) {
      case tx::ActionKind::kSend: {
        if (const ServerCtx* s = servers_.find(id)) {
          send(s->reply_to, a.bytes);
        } else if (const ClientCtx* c = clients_.find(id)) {
          send(c->to, a.bytes);
        } else if (reply_to != nullptr) {
          send(*reply_to, a.bytes);
        }
        break;
      }
      case tx::ActionKind::kStartTimer:
        schedule(a.delay, id, a.timer);
        break;
      case tx::ActionKind::kTimeout:
      case tx::ActionKind::kTransportError:
        notify_outcome(id, presence::kNotifyNoResponse);
        break;
      case tx::ActionKind::kTerminated:
        servers_.erase(id);
        if (const ClientCtx* c = clients_.find(id)) {
          if (!c->reported) notify_outcome(id, presence::kNotifyNoResponse);
          clients_.erase(id);
        }
        break;
      default:
        break;
    }
  }
}

void HubServer::send(const tp::Destination& to, std::string_view bytes) {
  Status s = Status::Ok();
  if (to.transport == tp::TransportKind::kUdp) {
    tp::UdpTransport* chosen = udp_.empty() ? nullptr : udp_.front().get();
    if (udp_.size() > 1) {  // the listener of the destination's family
      boost::system::error_code ec;
      auto addr = boost::asio::ip::make_address(to.host, ec);
      for (auto& u : udp_) {
        if (!ec && u->local_endpoint().address.is_v6() == addr.is_v6()) {
          chosen = u.get();
          break;
        }
      }
    }
    s = chosen ? chosen->send_view(to, bytes) : Status(Error{0, "no UDP listener"});
  } else if (to.transport == tp::TransportKind::kTcp && tcp_) {
    s = tcp_->send(to, std::string(bytes));
  } else {
    s = Error{0, "no transport for " + to.to_string()};
  }
  if (!s) metrics_.transport_error();
}

// ---- timers -----------------------------------------------------------------------------------

void HubServer::schedule(Duration delay, TxnId id, tx::TimerId timer) {
  timers_.push(clock_.now(), delay, id, timer);
  rearm();
}

void HubServer::rearm() {
  std::optional<TimePoint> next = timers_.next();
  if (presence_deadline_ && (!next || *presence_deadline_ < *next)) next = presence_deadline_;
  // Completed transactions leave at the table's next call; if none comes, a tick at most once a
  // second lets them go (and a burst's memory with them).
  if (std::optional<TimePoint> expiry = table_.next_expiry()) {
    const TimePoint tick = std::chrono::ceil<std::chrono::seconds>(*expiry);
    if (!next || tick < *next) next = tick;
  }
  if (!next) {
    if (armed_) timer_.cancel();
    armed_.reset();
    return;
  }
  if (armed_ && *armed_ == *next) return;
  armed_ = next;
  const auto delay = std::max(Duration(0), *next - clock_.now());
  timer_.expires_after(delay);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    on_timer_fired();
  });
}

void HubServer::on_timer_fired() {
  clock_.refresh();
  armed_.reset();
  const TimePoint now = clock_.now();
  while (auto due = timers_.pop_due(now)) {
    auto out = table_.on_timer(due->id, due->timer);
    execute(out);
  }
  if (presence_deadline_ && *presence_deadline_ <= now) {
    presence_deadline_.reset();
    run_presence(presence_->on_timer());
  }
  table_.expire();
  release_memory();
  rearm();
}

void HubServer::release_memory() {
  // Only after a real burst (100,000 SUBSCRIBEs leave as many server transactions for Timer J's
  // 32 s), and each time the table is down to a quarter of its last peak, until it is nearly
  // empty: a handful of releases per burst, so the scan of the heap that malloc_trim makes and
  // the copy of the presence state stay rare.
  constexpr size_t kBurst = 4096;
  constexpr size_t kQuiet = kBurst / 64;
  const size_t live = table_.size() + table_.completed_servers() + table_.completed_clients();
  if (live > txn_peak_) {
    txn_peak_ = live;
    if (live >= kBurst) after_burst_ = true;
    return;
  }
  if (!after_burst_ || live > txn_peak_ / 4) return;
  table_.compact();
  buffers_.release();
  servers_.compact();
  clients_.compact();
  timers_.compact();
  // The publications of the burst were made between its transactions; moved, they no longer pin
  // the pages the transactions freed.
  presence_->compact();
  malloc_trim(0);
  ++memory_releases_;
  debug("memory released after a burst of " + std::to_string(txn_peak_) + " transactions");
  txn_peak_ = live;
  if (live <= kQuiet) after_burst_ = false;
}

// ---- shutdown, metrics, tags ------------------------------------------------------------------

void HubServer::shutdown(Duration grace, std::function<void()> done) {
  clock_.refresh();
  // Only on_drained_ owns the callback; the grace timer watches it through a weak reference, so a
  // timer that fires after the callback ran or after the server was destroyed (the io_context
  // outlives the server) touches nothing.
  auto pending = std::make_shared<std::function<void()>>(std::move(done));
  on_drained_ = [pending] {
    if (*pending) (*pending)();
  };
  std::weak_ptr<std::function<void()>> watch = pending;
  pending.reset();
  run_presence(presence_->shutdown());
  if (!on_drained_) return;  // already drained
  auto t = std::make_shared<boost::asio::steady_timer>(io_, grace);
  t->async_wait([this, t, watch](const boost::system::error_code&) {
    if (watch.expired()) return;
    if (on_drained_) {
      auto d = std::move(on_drained_);
      on_drained_ = nullptr;
      d();
    }
  });
}

std::string HubServer::metrics_text() const {
  return metrics_.render(
      presence_->counters(),
      TransactionGauges{table_.size(), table_.completed_servers() + table_.completed_clients(),
                        memory_releases_});
}

std::string HubServer::to_tag() {
  return tag_prefix_ + std::to_string(++tag_counter_);
}

}  // namespace pinana::hub
