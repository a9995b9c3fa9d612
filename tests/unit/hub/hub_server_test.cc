// HubServer over real loopback sockets: capabilities (OPTIONS, 501/405), the RFC 3261 §8.2
// checks, retransmission absorption, per-source rate limits, digest authentication and access
// rules. Presence end to end is in hub_server_presence_test.cc.
//
// The hub and the test's user agents share one io_context that the test thread turns with bounded
// waits (hub_test_peers.h), so nothing here can hang. To show that something is NOT sent, a test
// sends a sentinel OPTIONS on the same socket and waits for its answer: the hub handles one
// socket's datagrams in order and sends from one socket in order, so anything the earlier request
// caused would have arrived first.
#include "pinana/hub/hub_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "hub_server_fixture.h"

namespace pinana::hub {
namespace {

using testing::all_headers;
using testing::auth_param;
using testing::dialog_info;
using testing::elements;
using testing::header;
using testing::HubServerTest;
using testing::kAlice;
using testing::Peer;
using testing::pidf;
using testing::RequestBuilder;
using testing::response_to;
using namespace std::chrono_literals;

// ---- capabilities -----------------------------------------------------------------------------

TEST_F(HubServerTest, OptionsListsMethodsPackagesAndTypesOverUdpAndTcp) {
  start(base_config());
  auto udp = udp_peer();
  auto tcp = tcp_peer();
  for (Peer* p : {static_cast<Peer*>(udp.get()), static_cast<Peer*>(tcp.get())}) {
    SCOPED_TRACE(std::string(p->transport()));
    auto r = exchange(*p, request(*p, "OPTIONS", "sip:hub@127.0.0.1"));
    ASSERT_TRUE(r.has_value());
    const sip::Message& m = r->message;
    EXPECT_EQ(m.status_code(), 200) << r->raw;
    EXPECT_FALSE(m.to()->tag().empty());
    const auto allow = elements(m, sip::HeaderId::kAllow);
    for (const char* method : {"PUBLISH", "SUBSCRIBE", "OPTIONS"})
      EXPECT_TRUE(allow.count(method)) << method << " missing from Allow: " << header(m, "Allow");
    EXPECT_EQ(elements(m, sip::HeaderId::kAllowEvents),
              (std::set<std::string>{"presence", "dialog", "message-summary",
                                     "asterisk-devicestate", "asterisk-mwi"}))
        << header(m, "Allow-Events");
    const auto accept = elements(m, sip::HeaderId::kAccept);
    for (const char* type : {"application/pidf+xml", "application/dialog-info+xml",
                             "application/simple-message-summary", "application/json"})
      EXPECT_TRUE(accept.count(type)) << type << " missing from Accept: " << header(m, "Accept");
  }
}

TEST_F(HubServerTest, UnknownAndUnsupportedMethods) {
  start(base_config());
  auto ua = udp_peer();

  auto unknown = exchange(*ua, request(*ua, "FROBNICATE", "sip:hub@127.0.0.1"));
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->message.status_code(), 501) << unknown->raw;
  EXPECT_TRUE(elements(unknown->message, sip::HeaderId::kAllow).count("PUBLISH")) << unknown->raw;

  for (const char* method : {"MESSAGE", "REGISTER"}) {
    SCOPED_TRACE(method);
    auto r = exchange(*ua, request(*ua, method, "sip:hub@127.0.0.1"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->message.status_code(), 405) << r->raw;
    const auto allow = elements(r->message, sip::HeaderId::kAllow);
    EXPECT_TRUE(allow.count("SUBSCRIBE") && allow.count("PUBLISH")) << r->raw;
    EXPECT_FALSE(allow.count(method)) << r->raw;
  }

  // CANCEL: there is never anything to cancel (RFC 3261 §9.2).
  auto cancel = exchange(*ua, request(*ua, "CANCEL", "sip:alice@example.com"));
  ASSERT_TRUE(cancel.has_value());
  EXPECT_EQ(cancel->message.status_code(), 481) << cancel->raw;

  // INVITE: no INVITE server transaction exists, so a retransmission is answered again rather
  // than absorbed.
  const std::string invite = request(*ua, "INVITE", "sip:alice@example.com").text();
  for (int i = 0; i < 2; ++i) {
    auto r = exchange_text(*ua, invite);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->message.status_code(), 405) << r->raw;
    EXPECT_TRUE(elements(r->message, sip::HeaderId::kAllow).count("SUBSCRIBE")) << r->raw;
  }
  EXPECT_EQ(metric("pinana_hub_retransmissions_total"), 0u);

  // ACK (matching no transaction): nothing comes back, not even before the sentinel's answer.
  const std::string ack = request(*ua, "ACK", "sip:alice@example.com").text();
  ua->send(ack);
  sync(*ua);
  EXPECT_TRUE(ua->inbox.empty()) << ua->inbox.front().raw;
}

TEST_F(HubServerTest, ExtensionMethodNamesCannotGrowTheMetricsWithoutBound) {
  HubConfig c = base_config();
  c.max_requests_per_second_per_source = 0;
  start(std::move(c));
  auto ua = udp_peer();
  const size_t extra = 8;
  for (size_t i = 0; i < HubMetrics::kMaxExtensionNames + extra; ++i) {
    auto r = exchange(*ua, request(*ua, "X-METHOD" + std::to_string(i), "sip:hub@127.0.0.1"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->message.status_code(), 501) << r->raw;
  }
  EXPECT_EQ(metric("pinana_hub_requests_total{method=\"X-METHOD0\"}"), 1u);
  EXPECT_EQ(metric("pinana_hub_responses_total{method=\"X-METHOD0\",status=\"501\"}"), 1u);
  const std::string last = std::to_string(HubMetrics::kMaxExtensionNames - 1);
  EXPECT_EQ(metric("pinana_hub_requests_total{method=\"X-METHOD" + last + "\"}"), 1u);
  EXPECT_FALSE(metric("pinana_hub_requests_total{method=\"X-METHOD" +
                      std::to_string(HubMetrics::kMaxExtensionNames) + "\"}"))
      << "names past the limit are not kept";
  EXPECT_EQ(metric("pinana_hub_requests_total{method=\"other\"}"), uint64_t(extra));
  EXPECT_EQ(metric("pinana_hub_responses_total{method=\"other\",status=\"501\"}"), uint64_t(extra));
  // Known methods are counted by name as ever.
  sync(*ua);
  EXPECT_EQ(metric("pinana_hub_requests_total{method=\"OPTIONS\"}"), 1u);
  EXPECT_EQ(metric("pinana_hub_responses_total{method=\"OPTIONS\",status=\"200\"}"), 1u);
}

TEST_F(HubServerTest, ABurstOfTransactionsIsHandedBackOnceTimerJHasPassed) {
  // 5,000 requests over UDP leave 5,000 server transactions waiting out Timer J (32 s). Once
  // they are gone the hub gives their memory back (table slab, contexts, timer heap, heap pages),
  // and keeps working: the next requests, a retransmission, a subscription with its NOTIFYs.
  FakeClock clock;
  HubConfig c = base_config();
  c.max_requests_per_second_per_source = 0;
  start(std::move(c), &clock);
  auto ua = udp_peer();
  constexpr uint64_t kBurst = 5000;
  constexpr uint64_t kWindow = 50;  // requests in flight: well within the default socket buffers
  for (uint64_t sent = 0; sent < kBurst; sent += kWindow) {
    std::vector<std::string> branches;
    for (uint64_t i = 0; i < kWindow; ++i) {
      const std::string text = request(*ua, "OPTIONS", "sip:hub@127.0.0.1").text();
      branches.push_back(branch_of(text));
      ua->send(text);
    }
    for (const std::string& branch : branches) {
      auto r = ua->take_response(branch);
      ASSERT_TRUE(r.has_value()) << "no answer to " << branch;
      ASSERT_EQ(r->message.status_code(), 200);
    }
  }
  EXPECT_EQ(metric("pinana_hub_transactions{state=\"completed\"}"), kBurst);
  EXPECT_EQ(metric("pinana_hub_transactions{state=\"live\"}"), 0u);
  EXPECT_EQ(metric("pinana_hub_memory_releases_total"), 0u);

  clock.advance(std::chrono::seconds(33));  // past Timer J
  const RequestBuilder after = request(*ua, "OPTIONS", "sip:hub@127.0.0.1");
  auto first = exchange(*ua, after);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->message.status_code(), 200);
  EXPECT_EQ(metric("pinana_hub_memory_releases_total"), 1u);
  EXPECT_EQ(metric("pinana_hub_transactions{state=\"completed\"}"), 1u) << "only the last one";
  auto again = exchange(*ua, after);  // its retransmission, answered by the completed transaction
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->raw, first->raw);
  EXPECT_EQ(metric("pinana_hub_retransmissions_total"), 1u);

  auto watcher = udp_peer();
  subscribe_and_confirm(*watcher, kAlice);
  auto pub = exchange(*ua, publish(*ua, kAlice, pidf(kAlice, "t1", "open")));
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(pub->message.status_code(), 200) << pub->raw;
  auto n = watcher->take_request("NOTIFY");
  ASSERT_TRUE(n.has_value());
  EXPECT_NE(n->raw.find("<basic>open</basic>"), std::string::npos) << n->raw;
}

TEST_F(HubServerTest, RequestChecks) {
  start(base_config());
  auto ua = udp_peer();

  auto no_call_id = exchange(*ua, request(*ua, "OPTIONS", "sip:hub@127.0.0.1").remove("Call-ID"));
  ASSERT_TRUE(no_call_id.has_value());
  EXPECT_EQ(no_call_id->message.status_code(), 400) << no_call_id->raw;

  auto require = exchange(*ua, request(*ua, "OPTIONS", "sip:hub@127.0.0.1").set("Require", "foo"));
  ASSERT_TRUE(require.has_value());
  EXPECT_EQ(require->message.status_code(), 420) << require->raw;
  EXPECT_EQ(header(require->message, "Unsupported"), "foo") << require->raw;

  for (const char* uri : {"tel:+15551234567", "mailto:alice@example.com"}) {
    SCOPED_TRACE(uri);
    RequestBuilder b = request(*ua, "OPTIONS", uri);
    b.set("To", "<sip:alice@example.com>");
    auto r = exchange(*ua, b);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->message.status_code(), 416) << r->raw;
  }
  // Checks run before methods are dispatched: a PUBLISH that fails them changes nothing.
  auto pub = exchange(*ua, publish(*ua, kAlice, pidf(kAlice, "t1", "open")).set("Require", "foo"));
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(pub->message.status_code(), 420);
  EXPECT_EQ(metric("pinana_hub_publications"), 0u);
}

// ---- transactions and rate limits -------------------------------------------------------------

TEST_F(HubServerTest, RetransmittedPublishIsAnsweredFromTheTransaction) {
  start(base_config());
  auto ua = udp_peer();
  const RequestBuilder b = publish(*ua, kAlice, pidf(kAlice, "t1", "open"));
  auto first = exchange(*ua, b);
  auto second = exchange(*ua, b);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->message.status_code(), 200) << first->raw;
  const std::string etag = header(first->message, "SIP-ETag");
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(header(second->message, "SIP-ETag"), etag);
  EXPECT_EQ(first->raw, second->raw);  // the same bytes: replayed, not built again
  EXPECT_EQ(metric("pinana_hub_retransmissions_total"), 1u);
  EXPECT_EQ(metric("pinana_hub_requests_total{method=\"PUBLISH\"}"), 2u);
  EXPECT_EQ(metric("pinana_hub_publish_total{outcome=\"accepted\"}"), 1u);
  EXPECT_EQ(metric("pinana_hub_publications"), 1u);
}

TEST_F(HubServerTest, RateLimitAnswers503WithRetryAfter) {
  // A clock that stands still: the bucket cannot refill during the burst, whatever the load.
  FakeClock clock;
  HubConfig c = base_config();
  c.max_requests_per_second_per_source = 5;
  c.retry_after_s = 7;
  start(c, &clock);
  auto ua = udp_peer();
  std::vector<std::string> branches;
  for (int i = 0; i < 8; ++i) {
    const std::string text = request(*ua, "OPTIONS", "sip:hub@127.0.0.1").text();
    branches.push_back(branch_of(text));
    ua->send(text);
  }
  for (size_t i = 0; i < branches.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i + 1));
    auto r = ua->take_response(branches[i]);
    ASSERT_TRUE(r.has_value());
    if (i < 5) {
      EXPECT_EQ(r->message.status_code(), 200) << r->raw;
    } else {
      EXPECT_EQ(r->message.status_code(), 503) << r->raw;
      EXPECT_EQ(header(r->message, "Retry-After"), "7") << r->raw;
    }
  }
  // The limit is a rate: a second later the source may send again.
  clock.advance(1s);
  auto later = exchange(*ua, request(*ua, "OPTIONS", "sip:hub@127.0.0.1"));
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(later->message.status_code(), 200) << later->raw;
}

// ---- authentication and access ----------------------------------------------------------------

TEST_F(HubServerTest, DigestAuthenticationAndAccessRules) {
  HubConfig c = base_config();
  c.domains = {"example.com", "other.com"};
  HubUser node1;
  node1.name = "node1";
  node1.password = "s3cret";
  node1.publish = AccessRule{{"sip:*@example.com"}, {"presence"}};
  node1.subscribe = AccessRule{{"*"}, {"*"}};
  c.users = {node1};
  start(c);
  auto ua = udp_peer();
  const std::string body = pidf(kAlice, "t1", "open");

  // No credentials: one challenge per algorithm, SHA-256 first.
  auto challenge = exchange(*ua, publish(*ua, kAlice, body));
  ASSERT_TRUE(challenge.has_value());
  ASSERT_EQ(challenge->message.status_code(), 401) << challenge->raw;
  const auto www = all_headers(challenge->message, "WWW-Authenticate");
  ASSERT_EQ(www.size(), 2u) << challenge->raw;
  EXPECT_EQ(auth_param(www[0], "algorithm"), "SHA-256") << www[0];
  EXPECT_EQ(auth_param(www[1], "algorithm"), "MD5") << www[1];
  for (const auto& w : www) {
    EXPECT_EQ(w.rfind("Digest ", 0), 0u) << w;
    EXPECT_EQ(auth_param(w, "qop"), "auth") << w;
    EXPECT_EQ(auth_param(w, "realm"), "pinana") << w;
  }
  EXPECT_TRUE(header(challenge->message, "SIP-ETag").empty());
  EXPECT_EQ(metric("pinana_hub_publications"), 0u);

  // The right password.
  sip::auth::DigestClient client("node1", "s3cret");
  ASSERT_TRUE(client.on_challenge(challenge->message).ok());
  EXPECT_EQ(client.algorithm_for("pinana"), sip::auth::DigestAlgorithm::kSha256);
  auto accepted = exchange_text(*ua, authorized(client, publish(*ua, kAlice, body)));
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->message.status_code(), 200) << accepted->raw;
  EXPECT_FALSE(header(accepted->message, "SIP-ETag").empty()) << accepted->raw;

  // A wrong password, answering a fresh challenge: challenged again.
  auto again = exchange(*ua, publish(*ua, kAlice, body));
  ASSERT_TRUE(again.has_value());
  ASSERT_EQ(again->message.status_code(), 401);
  sip::auth::DigestClient wrong("node1", "s3crex");
  ASSERT_TRUE(wrong.on_challenge(again->message).ok());
  auto refused = exchange_text(*ua, authorized(wrong, publish(*ua, kAlice, body)));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->message.status_code(), 401) << refused->raw;
  EXPECT_EQ(all_headers(refused->message, "WWW-Authenticate").size(), 2u) << refused->raw;
  EXPECT_TRUE(header(refused->message, "SIP-ETag").empty());

  // Authenticated, but outside the publish rule: another domain, another package.
  const std::string x = "sip:x@other.com";
  auto other_domain =
      exchange_text(*ua, authorized(client, publish(*ua, x, pidf(x, "t1", "open"))));
  ASSERT_TRUE(other_domain.has_value());
  EXPECT_EQ(other_domain->message.status_code(), 403) << other_domain->raw;
  auto other_package =
      exchange_text(*ua, authorized(client, publish(*ua, kAlice, dialog_info(kAlice), "dialog",
                                                    "application/dialog-info+xml")));
  ASSERT_TRUE(other_package.has_value());
  EXPECT_EQ(other_package->message.status_code(), 403) << other_package->raw;
  EXPECT_EQ(metric("pinana_hub_publications"), 1u);

  // SUBSCRIBE: challenged like PUBLISH, then anything goes for node1.
  auto sub_challenge =
      exchange(*ua, subscribe(*ua, "sip:bob@other.com", "dialog", "application/dialog-info+xml"));
  ASSERT_TRUE(sub_challenge.has_value());
  EXPECT_EQ(sub_challenge->message.status_code(), 401) << sub_challenge->raw;
  auto sub = exchange_text(*ua, authorized(client, subscribe(*ua, "sip:bob@other.com", "dialog",
                                                             "application/dialog-info+xml")));
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(sub->message.status_code(), 200) << sub->raw;
  EXPECT_EQ(metric("pinana_hub_subscriptions"), 1u);
}

// A refresh is sent inside the dialog, to the hub's Contact (RFC 6665 §4.1.2.1, RFC 3261 §12.2):
// its Request-URI is not the presentity, so the subscribe rule must be checked against the
// subscription's resource, or a user limited to some presentities could never refresh.
TEST_F(HubServerTest, InDialogRefreshIsAuthorizedForTheWatchedResource) {
  HubConfig c = base_config();
  HubUser node1;
  node1.name = "node1";
  node1.password = "s3cret";
  node1.subscribe = AccessRule{{"sip:*@example.com"}, {"presence"}};
  HubUser node2;
  node2.name = "node2";
  node2.password = "t0ps3cret";
  c.users = {node1, node2};
  c.domains = {"example.com", "other.com"};
  start(c);
  auto watcher = udp_peer();

  RequestBuilder initial = subscribe(*watcher, kAlice);
  auto challenge = exchange(*watcher, initial);
  ASSERT_TRUE(challenge.has_value());
  ASSERT_EQ(challenge->message.status_code(), 401) << challenge->raw;
  sip::auth::DigestClient client("node1", "s3cret");
  ASSERT_TRUE(client.on_challenge(challenge->message).ok());
  initial.set("Via", watcher->via(fresh("z9hG4bK-hubtest-"))).set("CSeq", "2 SUBSCRIBE");
  auto ok = exchange_text(*watcher, authorized(client, initial));
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->message.status_code(), 200) << ok->raw;
  auto target = sip::parse_name_addr(ok->message.value(sip::HeaderId::kContact));
  ASSERT_TRUE(target.ok()) << ok->raw;
  const std::string hub_contact(target->uri.text);
  const std::string to =
      "<" + std::string(kAlice) + ">;tag=" + std::string(ok->message.to()->tag());
  auto first = watcher->take_request("NOTIFY");
  ASSERT_TRUE(first.has_value());
  watcher->send(response_to(first->message, 200, "OK"));

  RequestBuilder refresh("SUBSCRIBE", hub_contact);
  refresh.set("Via", watcher->via(fresh("z9hG4bK-hubtest-")))
      .set("Max-Forwards", "70")
      .set("From", header(ok->message, "From"))
      .set("To", to)
      .set("Call-ID", header(ok->message, "Call-ID"))
      .set("CSeq", "3 SUBSCRIBE")
      .set("Event", "presence")
      .set("Contact", watcher->contact("watcher"))
      .set("Expires", "600")
      .set("Accept", "application/pidf+xml");
  auto refreshed = exchange_text(*watcher, authorized(client, refresh));
  ASSERT_TRUE(refreshed.has_value());
  EXPECT_EQ(refreshed->message.status_code(), 200) << refreshed->raw;
  EXPECT_EQ(metric("pinana_hub_subscribe_total{outcome=\"accepted\"}"), 2u);

  // node2 may watch anything; node1 may not refresh node2's subscription to another domain.
  RequestBuilder other = subscribe(*watcher, "sip:bob@other.com");
  auto other_challenge = exchange(*watcher, other);
  ASSERT_TRUE(other_challenge.has_value());
  sip::auth::DigestClient node2_client("node2", "t0ps3cret");
  ASSERT_TRUE(node2_client.on_challenge(other_challenge->message).ok());
  other.set("Via", watcher->via(fresh("z9hG4bK-hubtest-"))).set("CSeq", "2 SUBSCRIBE");
  auto other_ok = exchange_text(*watcher, authorized(node2_client, other));
  ASSERT_TRUE(other_ok.has_value());
  ASSERT_EQ(other_ok->message.status_code(), 200) << other_ok->raw;
  RequestBuilder foreign("SUBSCRIBE", hub_contact);
  foreign.set("Via", watcher->via(fresh("z9hG4bK-hubtest-")))
      .set("Max-Forwards", "70")
      .set("From", header(other_ok->message, "From"))
      .set("To", "<sip:bob@other.com>;tag=" + std::string(other_ok->message.to()->tag()))
      .set("Call-ID", header(other_ok->message, "Call-ID"))
      .set("CSeq", "3 SUBSCRIBE")
      .set("Event", "presence")
      .set("Contact", watcher->contact("watcher"))
      .set("Expires", "600")
      .set("Accept", "application/pidf+xml");
  auto foreign_refresh = exchange_text(*watcher, authorized(client, foreign));
  ASSERT_TRUE(foreign_refresh.has_value());
  EXPECT_EQ(foreign_refresh->message.status_code(), 403) << foreign_refresh->raw;

  // Unsubscribing is a refresh too.
  refresh.set("Via", watcher->via(fresh("z9hG4bK-hubtest-")))
      .set("CSeq", "4 SUBSCRIBE")
      .set("Expires", "0");
  auto ended = exchange_text(*watcher, authorized(client, refresh));
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->message.status_code(), 200) << ended->raw;
}

TEST_F(HubServerTest, WithoutUsersLoopbackSourcesNeedNoCredentials) {
  start(base_config());
  auto ua = udp_peer();
  auto r = exchange(*ua, publish(*ua, kAlice, pidf(kAlice, "t1", "open")));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->message.status_code(), 200) << r->raw;
  EXPECT_FALSE(header(r->message, "SIP-ETag").empty());
  EXPECT_TRUE(all_headers(r->message, "WWW-Authenticate").empty());
  EXPECT_EQ(metric("pinana_hub_publications"), 1u);
}

}  // namespace
}  // namespace pinana::hub
