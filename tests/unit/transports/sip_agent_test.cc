// SipAgent against the real HubServer on loopback sockets (port 0), in one io_context, with real
// time and short expiries; every wait is bounded.
#include "pinana/transports/sip/sip_agent.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "pinana/hub/hub_server.h"

namespace pinana::transports::sip {
namespace {

namespace tp = pinana::sip::transport;
using namespace std::chrono_literals;

constexpr const char* kUri = "sip:devicestate@example.com";
constexpr const char* kEvent = "asterisk-devicestate";

std::string devicestate(const std::string& device, const std::string& state) {
  return R"({"type":"devicestate","device":")" + device + R"(","state":")" + state +
         R"(","cachable":1,"eid":"00:11:22:33:44:55"})";
}

struct Seen {
  std::string body;
  std::string state;
  bool first = false;
};

class SipAgentTest : public ::testing::Test {
 protected:
  hub::HubConfig hub_config() {
    hub::HubConfig c;
    c.listen = {{tp::TransportKind::kUdp, "127.0.0.1", hub_port_}};
    c.domains = {"example.com"};
    c.min_expires = 1;
    c.users = users_;
    return c;
  }
  void start_hub() {
    hub_ = std::make_unique<hub::HubServer>(io_, clock_, hub_config());
    Status s = hub_->start();
    ASSERT_TRUE(s.ok()) << s.error().reason;
    hub_port_ = hub_->bound()[0].port;
  }
  std::unique_ptr<SipAgent> agent(const std::string& user,
                                  std::optional<std::pair<std::string, std::string>> creds = {},
                                  std::optional<tp::Endpoint> hub = {}) {
    AgentConfig c;
    c.listen = {boost::asio::ip::make_address("127.0.0.1"), 0};
    c.hub = hub ? *hub : hub_->bound()[0];
    c.user = user;
    c.domain = "example.com";
    c.credentials = std::move(creds);
    auto a = std::make_unique<SipAgent>(io_, clock_, std::move(c), &log_);
    Status s = a->start();
    EXPECT_TRUE(s.ok()) << s.error().reason;
    EXPECT_NE(a->local().port, 0);
    return a;
  }
  PublicationSpec pub_spec(uint32_t expires) {
    PublicationSpec p;
    p.request_uri = kUri;
    p.event = kEvent;
    p.content_type = "application/json";
    p.expires = expires;
    p.full_state = [this] {
      std::vector<std::pair<std::string, std::string>> out;
      for (const auto& [k, v] : state_) out.emplace_back(k, v);
      return out;
    };
    return p;
  }
  SubscriptionId watch(SipAgent& a, uint32_t expires) {
    SubscriptionSpec s{kUri, kEvent, {"application/json"}, expires};
    return a.add_subscription(
        std::move(s),
        [this](const NotifyView& n) {
          seen_.push_back({std::string(n.body), std::string(n.state), n.first_in_dialog});
        },
        [this](bool e) { states_.push_back(e); });
  }
  void set(SipAgent& a, PublicationId id, const std::string& device, const std::string& st) {
    state_[device] = devicestate(device, st);
    a.publish(id, device, state_[device]);
  }
  // Runs the io_context until `pred` holds or `limit` passes.
  template <typename Pred>
  bool run_until(Pred pred, std::chrono::milliseconds limit = 8000ms) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= end) return false;
      io_.restart();
      io_.run_for(10ms);
    }
    return true;
  }
  // Index of the first NOTIFY body at or after `from` containing every one of `parts`.
  std::optional<size_t> find_seen(size_t from, std::initializer_list<std::string_view> parts) {
    for (size_t i = from; i < seen_.size(); ++i) {
      bool all = true;
      for (auto p : parts) all = all && seen_[i].body.find(p) != std::string::npos;
      if (all) return i;
    }
    return std::nullopt;
  }

  boost::asio::io_context io_;
  SteadyClock clock_;
  std::ostringstream log_text_;
  Logger log_{LogLevel::kInfo, log_text_};
  uint16_t hub_port_ = 0;
  std::vector<hub::HubUser> users_;
  std::unique_ptr<hub::HubServer> hub_;
  std::map<std::string, std::string> state_;
  std::vector<Seen> seen_;
  std::vector<bool> states_;
};

TEST_F(SipAgentTest, PublisherAndWatcherThroughTheHub) {
  start_hub();
  auto a = agent("node-a");
  auto b = agent("node-b");
  const PublicationId pid = a->add_publication(pub_spec(60));
  const SubscriptionId sid = watch(*b, 60);
  ASSERT_TRUE(run_until([&] { return b->subscription_established(sid) && !seen_.empty(); }));
  EXPECT_TRUE(seen_.front().first);
  EXPECT_EQ(seen_.front().state, "active");
  EXPECT_FALSE(a->publication_established(pid)) << "idle until the first publish()";

  set(*a, pid, "PJSIP/alice", "INUSE");
  ASSERT_TRUE(run_until([&] { return find_seen(0, {"PJSIP/alice", "INUSE"}).has_value(); }));
  EXPECT_TRUE(a->publication_established(pid));
  set(*a, pid, "PJSIP/alice", "NOT_INUSE");
  set(*a, pid, "PJSIP/bob", "RINGING");
  ASSERT_TRUE(run_until([&] {
    return find_seen(0, {"PJSIP/alice", "NOT_INUSE"}) && find_seen(0, {"PJSIP/bob", "RINGING"});
  }));
  const auto sa = a->stats();
  EXPECT_GE(sa.publishes_sent, 2u);
  EXPECT_EQ(sa.publish_2xx, sa.publishes_sent);
  EXPECT_EQ(sa.publish_errors, 0u);
  const auto sb = b->stats();
  EXPECT_EQ(sb.subscribes_sent, 1u);
  EXPECT_EQ(sb.notifies_received, seen_.size());
  EXPECT_EQ(sb.notifies_481, 0u);
}

TEST_F(SipAgentTest, RefreshesKeepBothAlive) {
  start_hub();
  auto a = agent("node-a");
  auto b = agent("node-b");
  const PublicationId pid = a->add_publication(pub_spec(2));  // refresh every second
  const SubscriptionId sid = watch(*b, 2);
  set(*a, pid, "PJSIP/alice", "INUSE");
  ASSERT_TRUE(run_until([&] { return find_seen(0, {"PJSIP/alice", "INUSE"}).has_value(); }));
  const auto t0 = std::chrono::steady_clock::now();
  run_until([&] { return std::chrono::steady_clock::now() - t0 > 3500ms; }, 5000ms);
  EXPECT_GE(a->stats().publishes_sent, 3u) << "about one refresh per second";
  EXPECT_EQ(a->stats().publish_412, 0u);
  EXPECT_GE(b->stats().subscribes_sent, 3u);
  EXPECT_TRUE(b->subscription_established(sid));
  EXPECT_TRUE(a->publication_established(pid));
  for (const auto& s : seen_)
    EXPECT_NE(s.body.find(R"("withdrawn":[])"), std::string::npos) << "never withdrawn: " << s.body;
}

TEST_F(SipAgentTest, HubRestartGives412AndFullStateAndANewDialog) {
  start_hub();
  auto a = agent("node-a");
  auto b = agent("node-b");
  const PublicationId pid = a->add_publication(pub_spec(2));
  const SubscriptionId sid = watch(*b, 2);
  set(*a, pid, "PJSIP/alice", "INUSE");
  set(*a, pid, "PJSIP/bob", "BUSY");
  ASSERT_TRUE(run_until([&] {
    return find_seen(0, {"PJSIP/alice", "INUSE"}) && find_seen(0, {"PJSIP/bob", "BUSY"});
  }));

  hub_.reset();  // the hub forgets every publication and subscription
  start_hub();   // same port
  const size_t mark = seen_.size();
  ASSERT_TRUE(run_until([&] { return a->stats().publish_412 >= 1; }))
      << "the next refresh carries an ETag the new hub does not know";
  // After the 481 to its refresh the watcher starts a new dialog; its first NOTIFY is full state
  // and holds both entries the publisher re-sent.
  ASSERT_TRUE(run_until([&] {
    auto i = find_seen(mark, {"PJSIP/alice", "INUSE", "PJSIP/bob", "BUSY"});
    return i && b->subscription_established(sid);
  })) << log_text_.str();
  bool fresh_dialog = false;
  for (size_t i = mark; i < seen_.size(); ++i) fresh_dialog = fresh_dialog || seen_[i].first;
  EXPECT_TRUE(fresh_dialog);
  EXPECT_GE(b->stats().subscribes_sent, 3u);
  ASSERT_GE(states_.size(), 3u);
  EXPECT_EQ(states_[0], true);
  EXPECT_NE(std::find(states_.begin(), states_.end(), false), states_.end()) << "lost once";
  EXPECT_EQ(states_.back(), true);
  EXPECT_TRUE(a->publication_established(pid));
}

TEST_F(SipAgentTest, ShutdownUnpublishesAndTheWatcherSeesWithdrawn) {
  start_hub();
  auto a = agent("node-a");
  auto b = agent("node-b");
  const PublicationId pid = a->add_publication(pub_spec(60));
  const SubscriptionId sid = watch(*b, 60);
  set(*a, pid, "PJSIP/alice", "INUSE");
  ASSERT_TRUE(run_until([&] { return find_seen(0, {"PJSIP/alice", "INUSE"}).has_value(); }));
  const size_t mark = seen_.size();
  bool done = false;
  const auto t0 = std::chrono::steady_clock::now();
  a->shutdown(5s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s) << "answered, not timed out";
  EXPECT_FALSE(a->publication_established(pid));
  ASSERT_TRUE(run_until([&] {
    return find_seen(mark, {R"("withdrawn":[{"device":"PJSIP/alice")"}).has_value();
  })) << (seen_.empty() ? "" : seen_.back().body);

  bool b_done = false;
  b->shutdown(5s, [&] { b_done = true; });
  ASSERT_TRUE(run_until([&] { return b_done; }));
  EXPECT_FALSE(b->subscription_established(sid));
  EXPECT_EQ(states_.back(), false);
}

TEST_F(SipAgentTest, ShutdownGraceBoundsTheWait) {
  start_hub();
  auto a = agent("node-a");
  const PublicationId pid = a->add_publication(pub_spec(60));
  set(*a, pid, "PJSIP/alice", "INUSE");
  ASSERT_TRUE(run_until([&] { return a->publication_established(pid); }));
  hub_.reset();  // nobody answers the removal
  bool done = false;
  const auto t0 = std::chrono::steady_clock::now();
  a->shutdown(300ms, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }, 3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 290ms);
}

TEST_F(SipAgentTest, IntervalTooBriefIsRetriedWithMinExpires) {
  start_hub();
  hub_.reset();
  auto config = hub_config();
  config.min_expires = 30;
  hub_ = std::make_unique<hub::HubServer>(io_, clock_, config);
  ASSERT_TRUE(hub_->start().ok());
  auto a = agent("node-a");
  const PublicationId pid = a->add_publication(pub_spec(2));
  set(*a, pid, "PJSIP/alice", "INUSE");
  ASSERT_TRUE(run_until([&] { return a->publication_established(pid); }));
  EXPECT_EQ(a->stats().publishes_sent, 2u);
  EXPECT_EQ(a->stats().publish_retries, 1u);
  EXPECT_EQ(a->stats().publish_errors, 0u);
}

TEST_F(SipAgentTest, DigestCredentialsAnswerTheChallenge) {
  hub::HubUser u;
  u.name = "node";
  u.password = "secret";
  users_ = {u};
  start_hub();
  auto good = agent("node-a", std::make_pair(std::string("node"), std::string("secret")));
  const PublicationId pid = good->add_publication(pub_spec(60));
  set(*good, pid, "PJSIP/alice", "INUSE");
  const SubscriptionId sid = watch(*good, 60);
  ASSERT_TRUE(run_until([&] {
    return good->publication_established(pid) && good->subscription_established(sid) &&
           find_seen(0, {"PJSIP/alice"});
  })) << log_text_.str();
  set(*good, pid, "PJSIP/alice", "BUSY");  // pre-authorized now
  ASSERT_TRUE(run_until([&] { return find_seen(0, {"PJSIP/alice", "BUSY"}).has_value(); }));
  EXPECT_EQ(good->stats().publish_errors, 0u);
  // The SUBSCRIBE left before the PUBLISH's challenge was learned: answered, not read as refused.
  EXPECT_EQ(log_text_.str().find("lost"), std::string::npos) << log_text_.str();
  EXPECT_EQ(good->stats().subscribes_sent, 2u);

  auto bad = agent("node-b", std::make_pair(std::string("node"), std::string("wrong")));
  const PublicationId bid = bad->add_publication(pub_spec(60));
  bad->publish(bid, "PJSIP/carol", devicestate("PJSIP/carol", "INUSE"));
  ASSERT_TRUE(run_until([&] { return bad->stats().publish_errors == 1; })) << log_text_.str();
  EXPECT_FALSE(bad->publication_established(bid));
  EXPECT_NE(log_text_.str().find("refused with 401"), std::string::npos) << log_text_.str();

  auto none = agent("node-c");  // no credentials: the 401 is final at once
  const PublicationId nid = none->add_publication(pub_spec(60));
  none->publish(nid, "PJSIP/dave", devicestate("PJSIP/dave", "INUSE"));
  ASSERT_TRUE(run_until([&] { return none->stats().publish_errors == 1; }));
}

// A raw UDP peer for the requests the agent serves.
class RawPeer {
 public:
  explicit RawPeer(boost::asio::io_context& io)
      : socket_(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
  }
  std::string exchange(const tp::Endpoint& to, const std::string& method,
                       const std::string& extra) {
    const std::string port = std::to_string(socket_.local_endpoint().port());
    const std::string n = std::to_string(++n_);
    const std::string text = method +
                             " sip:node@127.0.0.1 SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP 127.0.0.1:" +
                             port + ";branch=z9hG4bK-raw-" + n +
                             "\r\n"
                             "Max-Forwards: 70\r\n"
                             "From: <sip:hub@example.com>;tag=raw\r\n"
                             "To: <sip:node@example.com>;tag=nobody\r\n"
                             "Call-ID: raw-" +
                             n +
                             "\r\n"
                             "CSeq: 1 " +
                             method + "\r\n" + extra + "Content-Length: 0\r\n\r\n";
    socket_.send_to(boost::asio::buffer(text), {to.address, to.port});
    return text;
  }
  // From now on every datagram that arrives is appended to `received` (sender in `last_from`).
  void collect() {
    socket_.async_receive_from(boost::asio::buffer(buf_), last_from,
                               [this](const boost::system::error_code& ec, size_t n) {
                                 if (ec) return;
                                 received.emplace_back(buf_.data(), n);
                                 collect();
                               });
  }
  boost::asio::ip::udp::socket socket_;
  std::vector<std::string> received;
  boost::asio::ip::udp::endpoint last_from;
  int n_ = 0;

 private:
  std::array<char, 8192> buf_{};
};

TEST_F(SipAgentTest, ServesOptionsAndRefusesUnknownNotifies) {
  start_hub();
  auto a = agent("node-a");
  RawPeer peer(io_);
  const std::vector<std::string>& answers = peer.received;
  peer.collect();
  peer.exchange(a->local(), "OPTIONS", "");
  ASSERT_TRUE(run_until([&] { return answers.size() == 1; }));
  EXPECT_EQ(answers[0].rfind("SIP/2.0 200", 0), 0u) << answers[0];
  peer.exchange(a->local(), "NOTIFY",
                "Event: asterisk-devicestate\r\nSubscription-State: active;expires=60\r\n");
  ASSERT_TRUE(run_until([&] { return answers.size() == 2; }));
  EXPECT_EQ(answers[1].rfind("SIP/2.0 481", 0), 0u) << answers[1];
  EXPECT_EQ(a->stats().notifies_481, 1u);
  peer.exchange(a->local(), "MESSAGE", "");
  ASSERT_TRUE(run_until([&] { return answers.size() == 3; }));
  EXPECT_EQ(answers[2].rfind("SIP/2.0 481", 0), 0u) << "in-dialog: " << answers[2];
  peer.socket_.close();
}

// The value of header `name` in a raw message ("" if absent).
std::string header_of(const std::string& msg, const std::string& name) {
  const size_t at = msg.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  size_t from = at + 3 + name.size();
  while (from < msg.size() && msg[from] == ' ') ++from;
  return msg.substr(from, msg.find("\r\n", from) - from);
}

std::string tag_of(const std::string& value) {
  const size_t at = value.find(";tag=");
  return at == std::string::npos ? "" : value.substr(at + 5, value.find(';', at + 5) - at - 5);
}

// RFC 3261 §12.2.2, seen on the wire: a notifier (a raw peer standing for Kamailio, whose workers
// can send a NOTIFY after a newer one) sends CSeq 5, then 3; the agent answers 500 to the late one
// and does not deliver its body, and the subscription goes on (CSeq 6 is delivered).
TEST_F(SipAgentTest, NotifyWithALowerCSeqGets500AndIsNotDelivered) {
  start_hub();  // for the fixture only; the agent's notifier is the raw peer
  RawPeer peer(io_);
  const tp::Endpoint peer_ep{peer.socket_.local_endpoint().address(),
                             peer.socket_.local_endpoint().port()};
  auto a = agent("node-a", {}, peer_ep);
  const std::vector<std::string>& got = peer.received;
  peer.collect();
  watch(*a, 60);
  ASSERT_TRUE(run_until([&] { return !got.empty(); }));
  const std::string sub = got[0];
  ASSERT_EQ(sub.rfind("SUBSCRIBE ", 0), 0u) << sub;
  const std::string call_id = header_of(sub, "Call-ID");
  const std::string our_tag = tag_of(header_of(sub, "From"));
  ASSERT_FALSE(our_tag.empty()) << sub;
  const std::string ok = "SIP/2.0 200 OK\r\nVia: " + header_of(sub, "Via") +
                         "\r\nFrom: " + header_of(sub, "From") + "\r\nTo: " + header_of(sub, "To") +
                         ";tag=peer\r\nCall-ID: " + call_id +
                         "\r\nCSeq: " + header_of(sub, "CSeq") +
                         "\r\nContact: <sip:peer@127.0.0.1:" + std::to_string(peer_ep.port) +
                         ">\r\nExpires: 60\r\nContent-Length: 0\r\n\r\n";
  peer.socket_.send_to(boost::asio::buffer(ok), peer.last_from);
  const tp::Endpoint agent_ep = a->local();
  auto notify = [&](int cseq, const std::string& body) {
    const std::string text =
        "NOTIFY sip:node-a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" +
        std::to_string(peer_ep.port) + ";branch=z9hG4bK-n" + std::to_string(cseq) +
        "\r\nMax-Forwards: 70\r\nFrom: <" + std::string(kUri) +
        ">;tag=peer\r\nTo: " + header_of(sub, "From") + "\r\nCall-ID: " + call_id +
        "\r\nCSeq: " + std::to_string(cseq) +
        " NOTIFY\r\nEvent: asterisk-devicestate\r\nSubscription-State: "
        "active;expires=60\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    const size_t before = got.size();
    peer.socket_.send_to(boost::asio::buffer(text), {agent_ep.address, agent_ep.port});
    EXPECT_TRUE(run_until([&] { return got.size() > before; }));
    return got.size() > before ? got.back() : std::string();
  };
  EXPECT_EQ(notify(5, devicestate("PJSIP/a", "INUSE")).rfind("SIP/2.0 200", 0), 0u);
  EXPECT_EQ(notify(3, devicestate("PJSIP/a", "NOT_INUSE")).rfind("SIP/2.0 500", 0), 0u);
  EXPECT_EQ(notify(6, devicestate("PJSIP/a", "RINGING")).rfind("SIP/2.0 200", 0), 0u);
  ASSERT_EQ(seen_.size(), 2u);
  EXPECT_NE(seen_[0].body.find("INUSE"), std::string::npos);
  EXPECT_NE(seen_[1].body.find("RINGING"), std::string::npos) << "the late NOT_INUSE is dropped";
  EXPECT_EQ(a->stats().notifies_out_of_order, 1u);
  peer.socket_.close();
}

}  // namespace
}  // namespace pinana::transports::sip
