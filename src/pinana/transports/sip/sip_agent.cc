#include "pinana/transports/sip/sip_agent.h"

#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "pinana/sip/header_values.h"
#include "pinana/sip/transport/inbound.h"
#include "pinana/sip/transport/response_routing.h"
#include "pinana/sip/writer.h"

namespace pinana::transports::sip {

namespace psip = pinana::sip;
namespace tx = pinana::sip::transaction;
namespace tp = pinana::sip::transport;
namespace pc = pinana::presence::client;
using psip::HeaderId;
using psip::Method;

namespace {

constexpr std::string_view kAllow = "NOTIFY, OPTIONS";
constexpr std::string_view kUserAgent = "pinana/0.1";

// Leading delta-seconds of a header value ("120 (busy);duration=60" -> 120).
std::optional<uint32_t> leading_seconds(std::string_view v) {
  if (v.empty()) return std::nullopt;
  uint32_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p == v.data()) return std::nullopt;
  return n;
}

std::optional<uint32_t> header_seconds(const psip::Message& m, HeaderId id) {
  const psip::HeaderField* h = m.find(id);
  return h ? leading_seconds(h->value) : std::nullopt;
}

// The URI of the first Contact, as written ("" when absent or unparsable).
std::string_view contact_uri(const psip::Message& m) {
  std::string_view first;
  m.for_each_value(HeaderId::kContact, [&](std::string_view e) {
    if (first.empty()) first = e;
  });
  if (first.empty()) return {};
  auto na = psip::parse_name_addr(first);
  return na.ok() ? na->uri.text : std::string_view();
}

std::string host_text(const tp::Endpoint& ep) {
  const std::string a = ep.address.to_string();
  return ep.address.is_v6() ? "[" + a + "]" : a;
}

}  // namespace

struct SipAgent::Publication {
  PublicationSpec spec;
  pc::ClientPublication machine;
  std::string call_id;
  std::string from_tag;
  uint32_t cseq = 0;
};

struct SipAgent::Subscription {
  SubscriptionSpec spec;
  pc::ClientSubscription machine;
  std::function<void(const NotifyView&)> on_notify;
  std::function<void(bool)> on_state;
};

SipAgent::SipAgent(boost::asio::io_context& io, const Clock& clock, AgentConfig config, Logger* log)
    : io_(io),
      clock_(clock),
      config_(std::move(config)),
      log_(log),
      table_(clock, config_.timers),
      timer_(io) {
  hub_ = tp::Destination{tp::TransportKind::kUdp, config_.hub.address.to_string(), config_.hub.port,
                         std::nullopt};
  if (config_.credentials) digest_.emplace(config_.credentials->first, config_.credentials->second);
}

SipAgent::~SipAgent() {
  timer_.cancel();
  if (udp_) udp_->close();
}

Status SipAgent::start() {
  if (started_) return Status::Ok();
  // Requests go out as UDP whatever their size, as the hub's NOTIFYs do: the agent has no TCP
  // flow, and a body over RFC 3261 §18.1.1's 1300 bytes (the standard profile's roster tuple
  // listing a node's mailboxes) would otherwise never be sent.
  udp_ = std::make_unique<tp::UdpTransport>(io_, *this, tp::UdpOptions{false});
  if (auto s = udp_->open(config_.listen); !s)
    return Error{0, "udp:" + config_.listen.to_string() + ": " + s.error().reason};
  local_ = udp_->local_endpoint();
  host_port_ = host_text(local_) + ":" + std::to_string(local_.port);
  started_ = true;
  pump();
  return Status::Ok();
}

tp::Endpoint SipAgent::local() const {
  return local_;
}

// ---- publications and subscriptions ------------------------------------------------------------

PublicationId SipAgent::add_publication(PublicationSpec spec) {
  const PublicationId id = next_id_++;
  pc::PublicationConfig c;
  c.expires = spec.expires;
  c.refresh_with_body = spec.refresh_with_body;
  c.treat_500_as_412 = spec.treat_500_as_412;
  c.full_state = spec.full_state;
  c.on_error = [this, uri = spec.request_uri, event = spec.event](int status,
                                                                  std::string_view key) {
    log(LogLevel::kWarn, "publication " + uri + " (" + event + ") refused with " +
                             std::to_string(status) +
                             (key.empty() ? std::string() : " for " + std::string(key)));
  };
  auto p = std::make_unique<Publication>(
      Publication{std::move(spec), pc::ClientPublication(std::move(c)), token(12), token(6), 0});
  publications_.emplace(id, std::move(p));
  return id;
}

void SipAgent::publish(PublicationId id, std::string key, std::string body) {
  auto it = publications_.find(id);
  if (it == publications_.end()) return;
  it->second->machine.enqueue(std::move(key), std::move(body));
  pump();
}

void SipAgent::start_over(PublicationId id) {
  auto it = publications_.find(id);
  if (it == publications_.end()) return;
  it->second->machine.start_over();
  pump();
}

SubscriptionId SipAgent::add_subscription(SubscriptionSpec spec,
                                          std::function<void(const NotifyView&)> on_notify,
                                          std::function<void(bool established)> on_state) {
  const SubscriptionId id = next_id_++;
  pc::SubscriptionConfig c;
  c.event = spec.event;
  c.expires = spec.expires;
  c.new_token = [this] { return token(8); };
  c.timer_n = config_.timers.timer_f();
  c.on_state = [this, id](bool e) {
    auto it = subscriptions_.find(id);
    if (it != subscriptions_.end() && it->second->on_state) it->second->on_state(e);
  };
  c.on_lost = [this, uri = spec.request_uri](int status, std::string_view reason) {
    log(LogLevel::kWarn, "subscription " + uri +
                             " lost: " + (status ? std::to_string(status) + " " : std::string()) +
                             std::string(reason));
  };
  auto s = std::make_unique<Subscription>(Subscription{std::move(spec),
                                                       pc::ClientSubscription(std::move(c)),
                                                       std::move(on_notify), std::move(on_state)});
  subscriptions_.emplace(id, std::move(s));
  pump();
  return id;
}

bool SipAgent::publication_established(PublicationId id) const {
  auto it = publications_.find(id);
  return it != publications_.end() && it->second->machine.established();
}

bool SipAgent::subscription_established(SubscriptionId id) const {
  auto it = subscriptions_.find(id);
  return it != subscriptions_.end() && it->second->machine.established();
}

SipAgent::Stats SipAgent::stats() const {
  Stats s = stats_;
  for (const auto& [id, p] : publications_) {
    const auto& c = p->machine.counters();
    s.publishes_sent += c.sent;
    s.publish_2xx += c.ok;
    s.publish_412 += c.c412;
    s.publish_errors += c.errors;
    s.publish_retries += c.retries;
  }
  return s;
}

// ---- building and sending requests --------------------------------------------------------------

std::string SipAgent::token(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    std::random_device rd;
    for (char& c : raw) c = static_cast<char>(rd());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string SipAgent::via() {
  return "SIP/2.0/UDP " + host_port_ + ";rport;branch=z9hG4bK" + token(10);
}

void SipAgent::send_publish(PublicationId id, Publication& p, const pc::PublishRequest& r,
                            int challenges) {
  std::string text;
  psip::MessageWriter w(text);
  w.request_line("PUBLISH", p.spec.request_uri);
  w.header("Via", via());
  w.header("Max-Forwards", 70);
  w.header("From", "<sip:" + config_.user + "@" + config_.domain + ">;tag=" + p.from_tag);
  w.header("To", "<" + p.spec.request_uri + ">");
  w.header("Call-ID", p.call_id);
  w.header("CSeq", std::to_string(++p.cseq) + " PUBLISH");
  w.header("Event", p.spec.event);
  w.header("Expires", r.expires);
  if (r.etag) w.header("SIP-If-Match", *r.etag);
  w.header("User-Agent", kUserAgent);
  if (r.body) {
    w.finish(p.spec.content_type, *r.body);
  } else {
    w.finish();
  }
  ClientCtx ctx;
  ctx.publication = true;
  ctx.owner = id;
  ctx.publish = r;
  ctx.challenges = challenges;
  if (!start_client(std::move(text), std::move(ctx))) {
    p.machine.on_failure(clock_.now());
  }
}

void SipAgent::send_subscribe(SubscriptionId id, Subscription& s, const pc::SubscribeRequest& r,
                              int challenges) {
  std::string text;
  psip::MessageWriter w(text);
  const std::string& target = r.remote_target.empty() ? s.spec.request_uri : r.remote_target;
  w.request_line("SUBSCRIBE", target);
  w.header("Via", via());
  w.header("Max-Forwards", 70);
  w.header("From", "<sip:" + config_.user + "@" + config_.domain + ">;tag=" + r.from_tag);
  w.header("To", "<" + s.spec.request_uri + ">" + (r.to_tag.empty() ? "" : ";tag=" + r.to_tag));
  w.header("Call-ID", r.call_id);
  w.header("CSeq", std::to_string(r.cseq) + " SUBSCRIBE");
  w.header("Contact", "<sip:" + config_.user + "@" + host_port_ + ">");
  w.header("Event", s.spec.event);
  w.header("Expires", r.expires);
  if (!s.spec.accept.empty()) {
    std::string accept;
    for (const auto& a : s.spec.accept) accept += (accept.empty() ? "" : ", ") + a;
    w.header("Accept", accept);
  }
  w.header("User-Agent", kUserAgent);
  w.finish();
  ++stats_.subscribes_sent;
  ClientCtx ctx;
  ctx.publication = false;
  ctx.owner = id;
  ctx.subscribe = r;
  ctx.challenges = challenges;
  if (!start_client(std::move(text), std::move(ctx))) {
    s.machine.on_failure(r.call_id, r.cseq, clock_.now());
  }
}

bool SipAgent::start_client(std::string text, ClientCtx ctx) {
  auto msg = psip::Message::from_bytes(text, psip::Framing::kStream);
  if (!msg.ok()) {
    log(LogLevel::kError, "built an unparsable request: " + msg.error().reason);
    return false;
  }
  if (digest_ && digest_primed_) {
    // Pre-authorize with what earlier challenges taught.
    if (digest_->authorize(msg.value())) {
      text = msg->serialize();
      ctx.carried_credentials = msg->find(HeaderId::kAuthorization) != nullptr ||
                                msg->find(HeaderId::kProxyAuthorization) != nullptr;
    }
  }
  auto out = table_.start_client(msg.value(), tx::Reliability::kUnreliable, std::move(text));
  if (!out.ok()) {
    log(LogLevel::kError, "client transaction refused: " + out.error().reason);
    return false;
  }
  clients_[out->id] = std::move(ctx);
  execute(out.value());
  return true;
}

// ---- receiving --------------------------------------------------------------------------------

void SipAgent::on_message(tp::IncomingMessage in) {
  if (in.message.is_request()) {
    on_request(in);
  } else {
    on_response(in.message);
  }
  pump();
}

void SipAgent::on_transport_error(const tp::TransportError& e) {
  if (log_ && log_->enabled(LogLevel::kDebug))
    log(LogLevel::kDebug, "udp " + e.remote.to_string() + ": " + e.error.reason);
}

void SipAgent::on_request(tp::IncomingMessage& in) {
  const psip::Message& req = in.message;
  auto outcome = table_.on_request(req, tx::Reliability::kUnreliable);
  const tp::Destination source{tp::TransportKind::kUdp, in.remote.address_text(), in.remote.port,
                               std::nullopt};
  if (!outcome.ok()) {
    if (auto reply = tp::stateless_response(req.serialize(), outcome.error(), in.remote))
      send(source, *reply);
    return;
  }
  const TxnId id = outcome->id;
  // A new transaction keeps where its responses go; a retransmission that a Completed one
  // answers is routed by its own top Via, the original's (RFC 3261 §18.2.2).
  const bool fresh = outcome->actions.has(tx::ActionKind::kDeliverRequest) ||
                     outcome->actions.has(tx::ActionKind::kAnswerLoopDetected);
  std::optional<tp::Destination> reply_to;
  if (id.valid() &&
      (fresh || (outcome->actions.has(tx::ActionKind::kSend) && !servers_.count(id)))) {
    auto dest = tp::route_response(req);
    reply_to = dest.ok() ? dest.value() : source;
    reply_to->transport = tp::TransportKind::kUdp;
    if (fresh) servers_[id] = *reply_to;
  }
  for (const auto& a : outcome->actions) {
    if (a.kind == tx::ActionKind::kAnswerLoopDetected) respond(id, req, 482);
    if (a.kind == tx::ActionKind::kStatelessRequest && req.method_id() != Method::kAck) {
      const std::pair<std::string_view, std::string_view> allow[] = {{"Allow", kAllow}};
      send(source, psip::make_response(req, 405, {}, token(6), allow));
    }
  }
  execute(outcome.value(), reply_to ? &*reply_to : nullptr);
  if (outcome->actions.has(tx::ActionKind::kDeliverRequest)) handle_request(id, req);
}

void SipAgent::handle_request(TxnId id, const psip::Message& req) {
  switch (req.method_id()) {
    case Method::kNotify:
      handle_notify(id, req);
      return;
    case Method::kOptions: {
      const std::pair<std::string_view, std::string_view> h[] = {{"Allow", kAllow}};
      respond(id, req, 200, h);
      return;
    }
    default: {
      if (req.to() && !req.to()->tag().empty() && req.method_id() != Method::kUnknown) {
        respond(id, req, 481);  // no dialog of ours takes other requests
        return;
      }
      const std::pair<std::string_view, std::string_view> h[] = {{"Allow", kAllow}};
      respond(id, req, req.method_id() == Method::kUnknown ? 501 : 405, h);
      return;
    }
  }
}

void SipAgent::handle_notify(TxnId id, const psip::Message& req) {
  ++stats_.notifies_received;
  if (!req.event()) {
    respond(id, req, 489);
    return;
  }
  auto ss = psip::parse_subscription_state(req.value(HeaderId::kSubscriptionState));
  if (!req.find(HeaderId::kSubscriptionState) || !ss.ok() || !req.from() || !req.to()) {
    respond(id, req, 400);
    return;
  }
  pc::NotifyInfo n;
  n.call_id = req.call_id();
  n.from_tag = req.from()->tag();
  n.to_tag = req.to()->tag();
  n.event_type = req.event()->type;
  n.event_id = req.event()->id();
  n.contact = contact_uri(req);
  n.state = ss->state;
  n.reason = ss->reason;
  n.expires = ss->expires;
  n.retry_after = ss->retry_after;
  if (req.cseq()) n.cseq = req.cseq()->sequence;
  const TimePoint now = clock_.now();
  for (auto& [sid, s] : subscriptions_) {
    const pc::NotifyVerdict v = s->machine.on_notify(n, now);
    if (v.status == 481) continue;  // not this subscription's dialog
    respond(id, req, v.status);
    if (v.status != 200) {
      ++stats_.notifies_out_of_order;
      return;
    }
    if (v.deliver && s->on_notify) {
      NotifyView view;
      view.content_type = req.value(HeaderId::kContentType);
      view.body = req.body();
      view.state = ss->state;
      if (!ss->reason.empty()) view.reason = ss->reason;
      view.first_in_dialog = v.first_in_dialog;
      s->on_notify(view);
    }
    return;
  }
  ++stats_.notifies_481;
  respond(id, req, 481);
}

void SipAgent::respond(TxnId id, const psip::Message& req, int status, psip::HeaderList extra) {
  std::string text = psip::make_response(req, status, {}, token(6), extra);
  auto out = table_.send_response(id, status, std::move(text));
  if (out.ok()) execute(out.value());
}

void SipAgent::on_response(const psip::Message& response) {
  auto outcome = table_.on_response(response);
  const bool deliver = outcome.actions.has(tx::ActionKind::kDeliverResponse);
  // Report before executing: the same outcome may terminate the transaction.
  if (deliver && response.status_code() >= 200) handle_final(outcome.id, response);
  execute(outcome);
}

void SipAgent::handle_final(TxnId id, const psip::Message& resp) {
  auto it = clients_.find(id);
  if (it == clients_.end() || it->second.reported) return;
  it->second.reported = true;
  ClientCtx ctx = it->second;
  const int status = resp.status_code();
  const TimePoint now = clock_.now();

  if ((status == 401 || status == 407) && answer_challenge(ctx, resp)) return;

  const auto expires = resp.expires();
  const auto min_expires = header_seconds(resp, HeaderId::kMinExpires);
  const auto retry_after = header_seconds(resp, HeaderId::kRetryAfter);
  if (ctx.publication) {
    auto p = publications_.find(ctx.owner);
    if (p == publications_.end()) return;
    std::optional<std::string_view> etag;
    if (const psip::HeaderField* h = resp.find(HeaderId::kSipETag)) etag = h->value;
    p->second->machine.on_response(status, etag, expires, min_expires, retry_after, now);
  } else {
    auto s = subscriptions_.find(ctx.owner);
    if (s == subscriptions_.end() || !resp.cseq()) return;
    s->second->machine.on_response(resp.call_id(), resp.cseq()->sequence, status,
                                   resp.to() ? resp.to()->tag() : std::string_view(),
                                   contact_uri(resp), expires, min_expires, retry_after, now);
  }
}

bool SipAgent::answer_challenge(const ClientCtx& ctx, const psip::Message& resp) {
  // At most two answers per request: a stale nonce may follow the first.
  if (!digest_ || ctx.challenges >= 2) return false;
  if (ctx.carried_credentials || !digest_primed_) {
    // DigestClient reads a second plain challenge to credentials as a refused password.
    if (auto s = digest_->on_challenge(resp); !s.ok()) {
      log(LogLevel::kWarn, "digest challenge not answered: " + s.error().reason);
      return false;
    }
    digest_primed_ = true;
  }
  // Otherwise the request left before an earlier challenge taught the realm: re-send it, now
  // with credentials, without reading this challenge as a refusal.
  const int challenges = ctx.challenges + 1;
  if (ctx.publication) {
    auto p = publications_.find(ctx.owner);
    if (p == publications_.end()) return false;
    send_publish(ctx.owner, *p->second, ctx.publish, challenges);
    return true;
  }
  auto sub = subscriptions_.find(ctx.owner);
  if (sub == subscriptions_.end()) return false;
  auto again = sub->second->machine.resend_in_flight();
  if (!again) return false;
  send_subscribe(ctx.owner, *sub->second, *again, challenges);
  return true;
}

void SipAgent::report_failure(TxnId id) {
  auto it = clients_.find(id);
  if (it == clients_.end() || it->second.reported) return;
  it->second.reported = true;
  const ClientCtx& ctx = it->second;
  const TimePoint now = clock_.now();
  if (ctx.publication) {
    if (auto p = publications_.find(ctx.owner); p != publications_.end())
      p->second->machine.on_failure(now);
  } else if (auto s = subscriptions_.find(ctx.owner); s != subscriptions_.end()) {
    s->second->machine.on_failure(ctx.subscribe.call_id, ctx.subscribe.cseq, now);
  }
}

// ---- actions, timers, shutdown ----------------------------------------------------------------

void SipAgent::execute(const tx::Outcome& outcome, const tp::Destination* reply_to) {
  const TxnId id = outcome.id;
  for (const auto& a : outcome.actions) {
    switch (a.kind) {
      case tx::ActionKind::kSend:
        if (auto s = servers_.find(id); s != servers_.end()) {
          send(s->second, a.bytes);
        } else if (clients_.count(id)) {
          send(hub_, a.bytes);
        } else if (reply_to != nullptr) {
          send(*reply_to, a.bytes);
        }
        break;
      case tx::ActionKind::kStartTimer:
        schedule(clock_.now() + a.delay, id, a.timer);
        break;
      case tx::ActionKind::kTimeout:
      case tx::ActionKind::kTransportError:
        report_failure(id);
        break;
      case tx::ActionKind::kTerminated:
        servers_.erase(id);
        if (clients_.count(id)) {
          report_failure(id);
          clients_.erase(id);
        }
        break;
      default:
        break;
    }
  }
}

void SipAgent::send(const tp::Destination& to, std::string_view bytes) {
  if (!udp_) return;
  if (auto s = udp_->send(to, std::string(bytes)); !s)
    log(LogLevel::kDebug, "send to " + to.to_string() + " failed: " + s.error().reason);
}

void SipAgent::pump() {
  if (!started_) return;
  if (pumping_) {
    repump_ = true;
    return;
  }
  pumping_ = true;
  do {
    repump_ = false;
    const TimePoint now = clock_.now();
    for (auto& [id, p] : publications_) {
      if (auto r = p->machine.next(now)) send_publish(id, *p, *r, 0);
    }
    for (auto& [id, s] : subscriptions_) {
      if (auto r = s->machine.next(now)) send_subscribe(id, *s, *r, 0);
    }
  } while (repump_);
  pumping_ = false;
  check_drained();
  rearm();
}

void SipAgent::check_drained() {
  if (!on_drained_) return;
  for (const auto& [id, p] : publications_)
    if (!p->machine.idle()) return;
  for (const auto& [id, s] : subscriptions_)
    if (!s->machine.closed()) return;
  auto done = std::move(on_drained_);
  on_drained_ = nullptr;
  done();
}

void SipAgent::shutdown(Duration grace, std::function<void()> done) {
  // As HubServer::shutdown: only on_drained_ owns the callback; the grace timer watches it.
  auto pending = std::make_shared<std::function<void()>>(std::move(done));
  on_drained_ = [pending] {
    if (*pending) (*pending)();
  };
  std::weak_ptr<std::function<void()>> watch = pending;
  pending.reset();
  for (auto& [id, p] : publications_) p->machine.unpublish();
  for (auto& [id, s] : subscriptions_) s->machine.unsubscribe();
  if (started_) {
    pump();
  } else {
    check_drained();
  }
  if (!on_drained_) return;
  auto t = std::make_shared<boost::asio::steady_timer>(io_, grace);
  t->async_wait([this, t, watch](const boost::system::error_code&) {
    if (watch.expired() || !on_drained_) return;
    auto d = std::move(on_drained_);
    on_drained_ = nullptr;
    d();
  });
}

void SipAgent::schedule(TimePoint when, TxnId id, tx::TimerId timer) {
  timers_.emplace(when, std::make_pair(id, timer));
}

void SipAgent::rearm() {
  const TimePoint now = clock_.now();
  std::optional<TimePoint> next;
  if (!timers_.empty()) next = timers_.begin()->first;
  auto consider = [&](std::optional<TimePoint> t) {
    if (!t) return;
    // A machine deadline already due was just polled; look again a moment later, never spin.
    const TimePoint at = std::max(*t, now + Duration(1));
    if (!next || at < *next) next = at;
  };
  for (const auto& [id, p] : publications_) consider(p->machine.next_deadline());
  for (const auto& [id, s] : subscriptions_) consider(s->machine.next_deadline());
  if (!next) {
    if (armed_) timer_.cancel();
    armed_.reset();
    return;
  }
  if (armed_ && *armed_ == *next) return;
  armed_ = next;
  timer_.expires_after(std::max(Duration(0), *next - now));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    on_timer_fired();
  });
}

void SipAgent::on_timer_fired() {
  armed_.reset();
  const TimePoint now = clock_.now();
  while (!timers_.empty() && timers_.begin()->first <= now) {
    auto [id, timer] = timers_.begin()->second;
    timers_.erase(timers_.begin());
    execute(table_.on_timer(id, timer));
  }
  pump();
  if (!started_) rearm();
}

void SipAgent::log(LogLevel level, std::string_view what) {
  if (log_) log_->log(level, what);
}

}  // namespace pinana::transports::sip
