// hub_request_fuzz: libFuzzer target for the hub's request path without sockets. Bytes go through
// sip::Message::parse, the non-INVITE TransactionTable, sip::check_request and the PresenceService
// with the five real event packages; NOTIFYs run as client transactions of the same table, their
// outcomes go back to the service, and a FakeClock drives the transaction timers and the expiries,
// as src/pinana/hub/hub_server.cc wires them (minus transports, rate limits and authentication).
//
// An input is a script: records separated by the four bytes 00 00 00 00. The first byte of a
// record (c) picks the action by c & 7 with argument a = c >> 3; the rest is the payload:
//   0..3  the payload is a request from source A/UDP, A/TCP, B/UDP, B/TCP (A is 127.0.0.1, B is
//         ::1; UDP requests parse as datagrams, TCP ones as streams); a & 1: the same bytes again
//         once answered (a retransmission, which must not reach the service twice)
//   4     advance the clock by kStepsMs[a], firing every due timer in time order
//   5     answer the oldest outstanding NOTIFY with kStatuses[a & 7] (0: never answer it; Timer F
//         ends it; 1xx: it stays outstanding)
//   6     the payload is a response given to the table; a & 1: first retargeted (top Via and CSeq
//         replaced) at the oldest outstanding NOTIFY
//   7     a == 31: shut the service down; otherwise answer every outstanding NOTIFY with
//         kStatuses[a & 7]
// Before parsing, "$T" in a payload becomes the newest To-tag the hub gave in a 2xx to an initial
// SUBSCRIBE and "$E" the newest SIP-ETag of a 2xx to PUBLISH; a digit after them picks an older
// one ("$T1"). Tags are random, so without this no seed could refresh or modify anything.
//
// Invariants (FUZZ_CHECK, see hub_checks.h for the per-message ones): every response the service
// or the wiring produces answers its request; every NOTIFY belongs to a live subscription, is well
// formed, goes to that subscription's flow, has a rising CSeq, is the only one outstanding for its
// subscription and never follows the final one; the transaction table delivers each request once
// and each first final NOTIFY response; counters agree with the stores and never go backwards;
// on_timer leaves no deadline in the past. At the end every NOTIFY is answered and the clock runs
// on by hours: no subscription, publication, resource or transaction may remain.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_check.h"
#include "hub_checks.h"
#include "pinana/base/clock.h"
#include "pinana/presence/package_registry.h"
#include "pinana/presence/packages/register_all.h"
#include "pinana/presence/presence_service.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/message.h"
#include "pinana/sip/request_checks.h"
#include "pinana/sip/transaction/transaction_table.h"
#include "pinana/sip/writer.h"

namespace pinana::fuzz {
namespace {

namespace tx = sip::transaction;
using presence::SubscriptionId;
using sip::HeaderId;
using sip::Method;
using Extra = std::pair<std::string_view, std::string_view>;

constexpr std::string_view kSeparator("\0\0\0\0", 4);
constexpr size_t kMaxRecords = 256;
constexpr uint32_t kMaxExpires = 3600;  // the hub's default maximum, for every package
constexpr uint32_t kSourceLimit = 8;    // small, so that inputs reach the per-source 503
constexpr size_t kTagsKept = 8;
constexpr std::string_view kAllow = "OPTIONS, PUBLISH, SUBSCRIBE";

constexpr std::array<int, 8> kStatuses = {200, 481, 408, 500, 0, 100, 202, 603};
// Around T1 (500 ms), T4 (5 s), Timer F / J (32 s), the expiry bounds (5 s, 3600 s) and beyond.
constexpr std::array<int64_t, 32> kStepsMs = {
    0,       1,       499,     500,     1000,    2000,    4000,    4999,
    5000,    8000,    16000,   31999,   32000,   32001,   60000,   120000,
    300000,  600000,  900000,  1200000, 1800000, 2700000, 3594000, 3595000,
    3599000, 3600000, 3600001, 3601000, 3605000, 5400000, 7200000, 86400000};

// Both kinds of source the hub sees, over both transports.
const std::array<presence::Flow, 4>& flows() {
  static const std::array<presence::Flow, 4> f = {
      presence::Flow{presence::Transport::kUdp, "127.0.0.1", 5070, std::nullopt},
      presence::Flow{presence::Transport::kTcp, "127.0.0.1", 5071, 1},
      presence::Flow{presence::Transport::kUdp, "::1", 5080, std::nullopt},
      presence::Flow{presence::Transport::kTcp, "::1", 5081, 2},
  };
  return f;
}

tx::Reliability reliability(const presence::Flow& f) {
  return f.transport == presence::Transport::kUdp ? tx::Reliability::kUnreliable
                                                  : tx::Reliability::kReliable;
}

presence::PresenceConfig make_config(const presence::PackageRegistry& registry) {
  presence::PresenceConfig pc;
  pc.domains = {"example.com"};
  pc.local_addresses = {"127.0.0.1"};
  pc.contact_uri = "sip:hub@127.0.0.1:5060";
  pc.via_sent_by = "127.0.0.1:5060";
  for (const auto* p : registry.packages()) {
    presence::ExpiryOverride o;
    o.min_s = 5;
    o.max_s = kMaxExpires;
    pc.publication_expiry[std::string(p->name())] = o;
    pc.subscription_expiry[std::string(p->name())] = o;
  }
  pc.max_subscriptions_per_source = kSourceLimit;
  pc.retry_after_s = 5;
  return pc;
}

void remember(std::vector<std::string>& list, std::string_view value) {
  if (list.size() == kTagsKept) list.erase(list.begin());
  list.emplace_back(value);
}

// The hub of hub_server.cc as a deterministic model: one table, one service, a timer queue.
class HubModel {
 public:
  HubModel() : trace_(std::getenv("HUB_FUZZ_TRACE") != nullptr) {
    auto made = presence::packages::register_all(registry_);
    FUZZ_CHECK(made.ok());
    packages_ = std::move(made).value();
    service_ =
        std::make_unique<presence::PresenceService>(clock_, registry_, make_config(registry_));
    for (const auto* p : registry_.packages())
      for (auto t : p->publish_types())
        if (accept_.find(t) == std::string::npos)
          accept_.append(accept_.empty() ? "" : ", ").append(t);
  }

  void step(uint8_t control, std::string_view payload) {
    const unsigned action = control & 7u;
    const unsigned arg = control >> 3;
    switch (action) {
      case 0:
      case 1:
      case 2:
      case 3:
        request(expand(payload), flows()[action], (arg & 1u) != 0);
        break;
      case 4:
        advance(Duration(kStepsMs[arg]));
        break;
      case 5:
        answer_oldest(kStatuses[arg & 7u]);
        break;
      case 6:
        feed_response(expand(payload), (arg & 1u) != 0);
        break;
      default:
        if (arg == 31) {
          run_presence(service_->shutdown());
        } else {
          answer_all(kStatuses[arg & 7u]);
        }
        break;
    }
  }

  // Answers every NOTIFY with 200 and lets hours pass, until nothing is left to do; then nothing
  // may remain.
  void drain_and_check() {
    for (int round = 0; round < 8; ++round) {
      for (int i = 0; i < 64 && outstanding() != 0; ++i) answer_all(200);
      advance(std::chrono::hours(2));
      if (service_->subscriptions().size() == 0 && service_->publications().size() == 0 &&
          outstanding() == 0)
        break;
    }
    const presence::PresenceCounters c = service_->counters();
    FUZZ_CHECK(c.subscriptions == 0);
    FUZZ_CHECK(c.publications == 0);
    FUZZ_CHECK(c.resources == 0);
    FUZZ_CHECK(!service_->next_deadline().has_value());
    FUZZ_CHECK(table_.size() == 0);
    FUZZ_CHECK(clients_.empty());
    for (const auto& [id, w] : watches_) FUZZ_CHECK(!w.in_flight);
  }

 private:
  struct ClientCtx {
    SubscriptionId subscription;
    sip::Message notify;
    bool final = false;
    bool reported = false;
  };
  // What the model has seen of one subscription's NOTIFYs.
  struct Watch {
    uint32_t last_cseq = 0;
    bool in_flight = false;
    bool final_sent = false;
  };

  std::string expand(std::string_view in) const {
    if (in.find('$') == std::string_view::npos) return std::string(in);
    std::string out;
    out.reserve(in.size() + 64);
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] != '$' || i + 1 >= in.size() || (in[i + 1] != 'T' && in[i + 1] != 'E')) {
        out.push_back(in[i]);
        continue;
      }
      const std::vector<std::string>& list = in[i + 1] == 'T' ? to_tags_ : etags_;
      ++i;
      size_t back = 0;
      if (i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '9') back = in[++i] - '0';
      out += list.empty() ? std::string("none") : list[list.size() - 1 - back % list.size()];
    }
    return out;
  }

  std::string to_tag() { return "hub" + std::to_string(++tag_counter_); }

  // ---- requests (HubServer::on_request, handle_new_request, handle_presence) ----------------

  void request(const std::string& bytes, const presence::Flow& flow, bool retransmit) {
    const bool stream = flow.transport != presence::Transport::kUdp;
    auto parsed =
        sip::Message::from_bytes(bytes, stream ? sip::Framing::kStream : sip::Framing::kDatagram);
    if (!parsed.ok() || !parsed->is_request()) return;  // the transport answers or drops these
    const sip::Message& req = parsed.value();
    const std::optional<tx::TransactionId> id = receive(req, flow);
    if (!retransmit || !id || table_.server(*id) == nullptr) return;
    // The transaction still absorbs retransmissions: the request must not be delivered again.
    auto again = table_.on_request(req, reliability(flow));
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(!again->actions.has(tx::ActionKind::kDeliverRequest));
    execute(again.value());
  }

  // Returns the transaction when the request was delivered to the TU.
  std::optional<tx::TransactionId> receive(const sip::Message& req, const presence::Flow& flow) {
    auto outcome = table_.on_request(req, reliability(flow));
    if (!outcome.ok()) return std::nullopt;  // no Via or CSeq: the hub answers statelessly
    const tx::TransactionId id = outcome->id;
    for (const auto& a : outcome->actions) {
      if (a.kind == tx::ActionKind::kAnswerLoopDetected) {
        respond(id, req, sip::make_response(req, 482, {}, to_tag()));
      } else if (a.kind == tx::ActionKind::kStatelessRequest && req.method_id() != Method::kAck) {
        const Extra allow[] = {{"Allow", kAllow}};
        (void)check_response(sip::make_response(req, 405, {}, to_tag(), allow), req);
      }
    }
    execute(outcome.value());
    if (!outcome->actions.has(tx::ActionKind::kDeliverRequest)) return std::nullopt;
    FUZZ_CHECK(id.valid());
    handle_new_request(id, req, flow);
    return id;
  }

  void handle_new_request(tx::TransactionId id, const sip::Message& req,
                          const presence::Flow& flow) {
    static constexpr std::string_view kNoOptions[] = {"eventlist"};  // none required of us
    if (auto rej = sip::check_request(req, sip::UasPolicy{std::span(kNoOptions, 0), false})) {
      std::vector<Extra> h;
      for (const auto& [n, v] : rej->headers) h.emplace_back(n, v);
      respond(id, req, sip::make_response(req, rej->status, rej->reason, to_tag(), h));
      return;
    }
    switch (req.method_id()) {
      case Method::kOptions: {
        const Extra h[] = {
            {"Allow", kAllow}, {"Allow-Events", registry_.allow_events()}, {"Accept", accept_}};
        respond(id, req, sip::make_response(req, 200, {}, to_tag(), h));
        return;
      }
      case Method::kPublish:
      case Method::kSubscribe:
        handle_presence(id, req, flow);
        return;
      case Method::kUnknown: {
        const Extra h[] = {{"Allow", kAllow}};
        respond(id, req, sip::make_response(req, 501, {}, to_tag(), h));
        return;
      }
      default: {
        const Extra h[] = {{"Allow", kAllow}};
        respond(id, req, sip::make_response(req, 405, {}, to_tag(), h));
        return;
      }
    }
  }

  void handle_presence(tx::TransactionId id, const sip::Message& req, const presence::Flow& flow) {
    const presence::RequestContext ctx{flow, ""};
    const bool publish = req.method_id() == Method::kPublish;
    presence::Actions actions =
        publish ? service_->on_publish(req, ctx) : service_->on_subscribe(req, ctx);
    FUZZ_CHECK(!actions.response.empty());  // else the server transaction would hang
    const sip::Message r = respond(id, req, std::move(actions.response));
    actions.response.clear();
    if (r.status_code() >= 200 && r.status_code() < 300) {
      // RFC 3903 §11.3 / RFC 6665 §4.2.1.1: what a 2xx must carry.
      auto expires = sip::parse_number(r.value(HeaderId::kExpires), 0xffffffffu);
      FUZZ_CHECK(expires.ok() && *expires <= kMaxExpires);
      if (publish) {
        FUZZ_CHECK(r.count(HeaderId::kSipETag) == 1);
        remember(etags_, r.value(HeaderId::kSipETag));
      } else {
        FUZZ_CHECK(r.count(HeaderId::kContact) == 1);
        if (req.to()->tag().empty()) remember(to_tags_, r.to()->tag());
      }
    }
    run_presence(std::move(actions));
  }

  // Checks `text` as a response to `req` and sends it on the server transaction.
  sip::Message respond(tx::TransactionId id, const sip::Message& req, std::string text) {
    sip::Message r = check_response(text, req);
    if (trace_)
      std::fprintf(stderr, "%.*s -> %d\n", int(req.method().size()), req.method().data(),
                   r.status_code());
    auto out = table_.send_response(id, r.status_code(), std::move(text));
    FUZZ_CHECK(out.ok());
    execute(out.value());
    return r;
  }

  // ---- the presence core's actions (HubServer::run_presence, send_notify) -------------------

  void run_presence(presence::Actions actions) {
    FUZZ_CHECK(actions.response.empty());
    FUZZ_CHECK(actions.next_deadline == service_->next_deadline());
    ++depth_;
    for (auto& n : actions.notifies) send_notify(std::move(n));
    --depth_;
    presence_deadline_ = service_->next_deadline();
    // A nested call (an unsendable NOTIFY's outcome) runs while the outer NOTIFYs wait to be
    // registered; the outermost call checks once all are.
    if (depth_ == 0) check_counters();
  }

  void send_notify(presence::OutgoingNotify n) {
    ++notifies_seen_;
    const presence::ServerSubscription* s = service_->subscriptions().find(n.subscription);
    FUZZ_CHECK(s != nullptr);
    FUZZ_CHECK(s->notify_in_flight());
    FUZZ_CHECK(n.destination == s->flow());
    FUZZ_CHECK(std::find(flows().begin(), flows().end(), n.destination) != flows().end());
    sip::Message msg = check_notify(n.request, *s, registry_, kMaxExpires);
    auto state = sip::parse_subscription_state(msg.value(HeaderId::kSubscriptionState));
    const bool final = state.ok() && state->state == "terminated";
    if (trace_) {
      const std::string_view v = msg.value(HeaderId::kSubscriptionState);
      std::fprintf(stderr, "  NOTIFY sub %llu cseq %u %.*s body %zu\n",
                   static_cast<unsigned long long>(n.subscription.value), msg.cseq()->sequence,
                   int(v.size()), v.data(), msg.body().size());
    }

    Watch& w = watches_[n.subscription.value];
    FUZZ_CHECK(!w.in_flight);   // at most one NOTIFY outstanding per subscription
    FUZZ_CHECK(!w.final_sent);  // nothing after the final NOTIFY
    FUZZ_CHECK(msg.cseq()->sequence > w.last_cseq);
    w.last_cseq = msg.cseq()->sequence;
    w.in_flight = true;
    w.final_sent = final;

    auto out = table_.start_client(msg, reliability(n.destination), std::move(n.request));
    FUZZ_CHECK(out.ok());
    const uint64_t id = out->id.value;
    clients_.emplace(id, ClientCtx{n.subscription, std::move(msg), final, false});
    unanswered_.push_back(id);
    execute(out.value());
  }

  // The final outcome of the NOTIFY of client transaction `id` (HubServer::notify_outcome).
  void notify_outcome(uint64_t id, int status) {
    auto it = clients_.find(id);
    if (it == clients_.end() || it->second.reported) return;
    it->second.reported = true;
    report(it->second.subscription, it->second.final, status);
  }

  // Gives the service the outcome `status` of subscription `sub`'s outstanding NOTIFY.
  void report(SubscriptionId sub, bool final, int status) {
    Watch& w = watches_[sub.value];
    FUZZ_CHECK(w.in_flight);
    w.in_flight = false;
    const presence::ServerSubscription* s = service_->subscriptions().find(sub);
    FUZZ_CHECK(s != nullptr && s->notify_in_flight());

    if (trace_)
      std::fprintf(stderr, "  outcome sub %llu: %d\n", static_cast<unsigned long long>(sub.value),
                   status);
    presence::Actions a = service_->on_notify_result(sub, status);
    const bool gone = service_->subscriptions().find(sub) == nullptr;
    // presence_service.h: after the final NOTIFY, or 481 / 408 / no response, the watcher goes;
    // any other final status keeps it.
    if (final || status == 481 || status == 408 || status == presence::kNotifyNoResponse) {
      FUZZ_CHECK(gone);
    } else {
      FUZZ_CHECK(!gone);
    }
    run_presence(std::move(a));
  }

  // ---- responses and NOTIFY answers (HubServer::on_response) --------------------------------

  // `expect` names a client transaction that must take the response as its first final one.
  void on_response(const sip::Message& response, uint64_t expect) {
    const tx::Outcome out = table_.on_response(response);
    const bool deliver = out.actions.has(tx::ActionKind::kDeliverResponse);
    if (expect != 0) FUZZ_CHECK(deliver && out.id.value == expect);
    if (deliver && response.status_code() >= 200)
      notify_outcome(out.id.value, response.status_code());
    execute(out);
  }

  size_t outstanding() const {
    return static_cast<size_t>(std::count_if(unanswered_.begin(), unanswered_.end(),
                                             [this](uint64_t id) { return pending(id); }));
  }
  bool pending(uint64_t id) const {
    auto it = clients_.find(id);
    return it != clients_.end() && !it->second.reported;
  }

  // Answers the NOTIFY of client transaction `id` with `status` (0: no answer ever).
  void answer(uint64_t id, int status) {
    auto it = clients_.find(id);
    if (status == 0 || it == clients_.end()) return;
    const bool first_final =
        status >= 200 && !it->second.reported && table_.client(tx::TransactionId{id}) != nullptr;
    const std::string text = sip::make_response(it->second.notify, status, {}, "wt");
    const sip::Message r = check_response(text, it->second.notify);
    on_response(r, first_final ? id : 0);
  }

  void answer_oldest(int status) {
    while (!unanswered_.empty()) {
      const uint64_t id = unanswered_.front();
      if (!pending(id)) {
        unanswered_.pop_front();
        continue;
      }
      if (status == 0 || status >= 200) unanswered_.pop_front();  // a 1xx leaves it outstanding
      answer(id, status);
      return;
    }
  }

  void answer_all(int status) {
    std::deque<uint64_t> now;
    now.swap(unanswered_);
    std::deque<uint64_t> kept;
    for (uint64_t id : now) {
      if (!pending(id)) continue;
      if (status != 0 && status < 200) kept.push_back(id);
      answer(id, status);
    }
    unanswered_.insert(unanswered_.begin(), kept.begin(), kept.end());
  }

  void feed_response(const std::string& bytes, bool retarget) {
    auto parsed = sip::Message::from_bytes(bytes, sip::Framing::kDatagram);
    if (!parsed.ok() || !parsed->is_response()) return;
    sip::Message resp = std::move(parsed).value();
    uint64_t expect = 0;
    if (retarget) {
      auto it = std::find_if(unanswered_.begin(), unanswered_.end(),
                             [this](uint64_t id) { return pending(id); });
      if (it == unanswered_.end()) return;
      const sip::Message& notify = clients_.at(*it).notify;
      bool via = false, cseq = false;
      for (size_t i = 0; i < resp.headers().size(); ++i) {
        const HeaderId h = resp.headers()[i].id;
        if (h == HeaderId::kVia && !via) {
          resp.set_value(i, std::string(notify.value(HeaderId::kVia)));
          via = true;
        } else if (h == HeaderId::kCSeq && !cseq) {
          resp.set_value(i, std::string(notify.value(HeaderId::kCSeq)));
          cseq = true;
        }
      }
      if (!via) resp.add_header("Via", std::string(notify.value(HeaderId::kVia)));
      if (!cseq) resp.add_header("CSeq", std::string(notify.value(HeaderId::kCSeq)));
      auto again = sip::Message::from_bytes(resp.serialize(), sip::Framing::kDatagram);
      if (!again.ok()) return;
      resp = std::move(again).value();
      if (resp.status_code() >= 200 && table_.client(tx::TransactionId{*it}) != nullptr &&
          resp.top_via() != nullptr && resp.top_via()->branch() == notify.top_via()->branch())
        expect = *it;
    }
    on_response(resp, expect);
  }

  // ---- timers (HubServer::execute, on_timer_fired) ------------------------------------------

  void execute(const tx::Outcome& outcome) {
    const uint64_t id = outcome.id.value;
    for (const auto& a : outcome.actions) {
      switch (a.kind) {
        case tx::ActionKind::kStartTimer:
          timers_.emplace(clock_.now() + a.delay, std::make_pair(outcome.id, a.timer));
          break;
        case tx::ActionKind::kTimeout:
        case tx::ActionKind::kTransportError:
          notify_outcome(id, presence::kNotifyNoResponse);
          break;
        case tx::ActionKind::kTerminated:
          if (auto c = clients_.find(id); c != clients_.end()) {
            if (!c->second.reported) notify_outcome(id, presence::kNotifyNoResponse);
            clients_.erase(id);
          }
          break;
        default:
          break;
      }
    }
  }

  // Runs the clock to now + d, stopping at every deadline on the way.
  void advance(Duration d) {
    const TimePoint target = clock_.now() + d;
    for (int guard = 0; guard < 100000; ++guard) {
      std::optional<TimePoint> next;
      if (!timers_.empty()) next = timers_.begin()->first;
      if (presence_deadline_ && (!next || *presence_deadline_ < *next)) next = presence_deadline_;
      if (!next || *next > target) break;
      if (*next > clock_.now()) clock_.set(*next);
      fire_due();
    }
    clock_.set(target);
    fire_due();
    // A timer fire with nothing due must change nothing.
    if (!presence_deadline_ || *presence_deadline_ > clock_.now()) {
      presence::Actions a = service_->on_timer();
      FUZZ_CHECK(a.notifies.empty());
      run_presence(std::move(a));
    }
  }

  void fire_due() {
    const TimePoint now = clock_.now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      const auto [id, timer] = timers_.begin()->second;
      timers_.erase(timers_.begin());
      execute(table_.on_timer(id, timer));
    }
    if (presence_deadline_ && *presence_deadline_ <= now) {
      presence_deadline_.reset();
      run_presence(service_->on_timer());
      // Everything due was processed: no deadline is left in the past (the hub would spin).
      const std::optional<TimePoint> next = service_->next_deadline();
      FUZZ_CHECK(!next || *next > now);
    }
  }

  // ---- counters -----------------------------------------------------------------------------

  void check_counters() {
    const presence::PresenceCounters c = service_->counters();
    constexpr uint64_t kSane = uint64_t{1} << 32;  // a wrapped-around counter is far above
    FUZZ_CHECK(c.subscriptions == service_->subscriptions().size());
    FUZZ_CHECK(c.publications == service_->publications().size());
    FUZZ_CHECK(c.subscriptions < kSane && c.publications < kSane && c.resources < kSane);
    FUZZ_CHECK(c.publications <= c.publishes_accepted);
    FUZZ_CHECK(c.subscriptions <= c.subscribes_accepted);
    FUZZ_CHECK(c.resources <= c.publications + c.subscriptions);
    FUZZ_CHECK(c.notifies_sent == notifies_seen_);
    FUZZ_CHECK(c.notifies_failed <= c.notifies_sent);
    FUZZ_CHECK(c.watchers_dropped <= c.notifies_failed);
    FUZZ_CHECK(c.publishes_accepted >= last_.publishes_accepted);
    FUZZ_CHECK(c.publishes_rejected >= last_.publishes_rejected);
    FUZZ_CHECK(c.subscribes_accepted >= last_.subscribes_accepted);
    FUZZ_CHECK(c.subscribes_rejected >= last_.subscribes_rejected);
    FUZZ_CHECK(c.notifies_failed >= last_.notifies_failed);
    FUZZ_CHECK(c.watchers_dropped >= last_.watchers_dropped);
    FUZZ_CHECK(c.renders >= last_.renders);
    last_ = c;
    // The model and the service agree on which subscriptions wait for a NOTIFY outcome.
    size_t in_flight = 0;
    for (SubscriptionId id : service_->subscriptions().all_ids()) {
      const presence::ServerSubscription* s = service_->subscriptions().find(id);
      auto w = watches_.find(id.value);
      const bool model = w != watches_.end() && w->second.in_flight;
      FUZZ_CHECK(s->notify_in_flight() == model);
      in_flight += model ? 1 : 0;
    }
    FUZZ_CHECK(in_flight == outstanding_notifies());
  }

  size_t outstanding_notifies() const {
    return static_cast<size_t>(std::count_if(clients_.begin(), clients_.end(),
                                             [](const auto& c) { return !c.second.reported; }));
  }

  const bool trace_;  // HUB_FUZZ_TRACE set: print each response and NOTIFY (to check seeds)
  FakeClock clock_;
  presence::PackageRegistry registry_;
  std::vector<std::unique_ptr<presence::EventPackage>> packages_;
  std::unique_ptr<presence::PresenceService> service_;
  tx::TransactionTable table_{clock_};
  std::string accept_;

  std::multimap<TimePoint, std::pair<tx::TransactionId, tx::TimerId>> timers_;
  std::optional<TimePoint> presence_deadline_;
  std::map<uint64_t, ClientCtx> clients_;  // NOTIFY client transactions by id
  std::deque<uint64_t> unanswered_;        // NOTIFY transactions not yet answered, oldest first
  std::map<uint64_t, Watch> watches_;      // by SubscriptionId
  std::vector<std::string> to_tags_, etags_;
  presence::PresenceCounters last_;
  uint64_t notifies_seen_ = 0;
  uint64_t tag_counter_ = 0;
  int depth_ = 0;  // run_presence nesting
};

}  // namespace
}  // namespace pinana::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using pinana::fuzz::kSeparator;
  std::string_view script(reinterpret_cast<const char*>(data), size);
  pinana::fuzz::HubModel model;
  for (size_t records = 0; !script.empty() && records < pinana::fuzz::kMaxRecords; ++records) {
    const size_t cut = script.find(kSeparator);
    const std::string_view record = script.substr(0, cut);
    script =
        cut == std::string_view::npos ? std::string_view() : script.substr(cut + kSeparator.size());
    if (!record.empty()) model.step(static_cast<uint8_t>(record[0]), record.substr(1));
  }
  model.drain_and_check();
  return 0;
}
