// HubServer presence end to end over loopback sockets: SUBSCRIBE, PUBLISH and NOTIFY over UDP
// and TCP (the NOTIFY follows the subscriber's connection), a watcher dropped after 481, and
// shutdown (terminating NOTIFYs, then the done callback; a late grace timer is harmless).
// The same bounded-wait and sentinel techniques as hub_server_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "hub_server_fixture.h"
#include "pinana/hub/hub_server.h"

namespace pinana::hub {
namespace {

using testing::header;
using testing::HubServerTest;
using testing::kAlice;
using testing::pidf;
using testing::RequestBuilder;
using testing::response_to;
using testing::run_until;
using namespace std::chrono_literals;

// ---- presence end to end ----------------------------------------------------------------------

TEST_F(HubServerTest, PresenceOverUdpAndWatcherDroppedAfter481) {
  start(base_config());
  auto watcher = udp_peer();
  auto publisher = udp_peer();

  const RequestBuilder sub = subscribe(*watcher, kAlice);
  auto ok = exchange(*watcher, sub);
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->message.status_code(), 200) << ok->raw;
  const std::string hub_tag(ok->message.to()->tag());
  EXPECT_FALSE(hub_tag.empty());

  auto first = watcher->take_request("NOTIFY");
  ASSERT_TRUE(first.has_value()) << "no NOTIFY after the 200";
  const sip::Message& n1 = first->message;
  auto state = sip::parse_subscription_state(n1.value(sip::HeaderId::kSubscriptionState));
  ASSERT_TRUE(state.ok()) << first->raw;
  EXPECT_EQ(state->state, "active");
  EXPECT_GT(state->expires, 0);
  EXPECT_EQ(n1.event()->type, "presence");
  EXPECT_EQ(n1.call_id(), header(ok->message, "Call-ID"));
  EXPECT_EQ(n1.from()->tag(), hub_tag);
  EXPECT_EQ(n1.request_uri().port, watcher->port());  // the remote target is our Contact
  watcher->send(response_to(n1, 200, "OK"));

  auto pub = exchange(*publisher, publish(*publisher, kAlice, pidf(kAlice, "t1", "open")));
  ASSERT_TRUE(pub.has_value());
  ASSERT_EQ(pub->message.status_code(), 200) << pub->raw;
  const std::string etag = header(pub->message, "SIP-ETag");

  auto second = watcher->take_request("NOTIFY");
  ASSERT_TRUE(second.has_value()) << "no NOTIFY after the PUBLISH";
  const sip::Message& n2 = second->message;
  EXPECT_EQ(n2.call_id(), n1.call_id());
  EXPECT_GT(n2.cseq()->sequence, n1.cseq()->sequence);
  EXPECT_EQ(header(n2, "Content-Type"), "application/pidf+xml");
  EXPECT_NE(n2.body().find("id=\"t1\""), std::string_view::npos) << second->raw;
  EXPECT_NE(n2.body().find(">open<"), std::string_view::npos) << second->raw;

  // 481: the watcher is gone; the hub must forget it.
  watcher->send(response_to(n2, 481, "Call/Transaction Does Not Exist"));
  ASSERT_TRUE(run_until(io_, [&] { return metric("pinana_hub_watchers_dropped_total") == 1u; }))
      << hub_->metrics_text();

  RequestBuilder modify = publish(*publisher, kAlice, pidf(kAlice, "t1", "closed"));
  modify.set("SIP-If-Match", etag);
  auto modified = exchange(*publisher, modify);
  ASSERT_TRUE(modified.has_value());
  EXPECT_EQ(modified->message.status_code(), 200) << modified->raw;
  sync(*watcher);
  EXPECT_FALSE(watcher->has_new_request("NOTIFY"));
  EXPECT_EQ(metric("pinana_hub_watchers_dropped_total"), 1u);
  EXPECT_EQ(metric("pinana_hub_subscriptions"), 0u);
  EXPECT_EQ(metric("pinana_hub_notify_results_total{status=\"481\"}"), 1u);
}

TEST_F(HubServerTest, NotifyOverTcpUsesTheSubscribersConnection) {
  start(base_config());
  // The Contact names the connection's own local port, where nothing listens: the hub can reach
  // the watcher only over the connection the SUBSCRIBE came in on.
  auto watcher = tcp_peer();
  auto publisher = udp_peer();

  auto ok = exchange(*watcher, subscribe(*watcher, kAlice));
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->message.status_code(), 200) << ok->raw;
  auto first = watcher->take_request("NOTIFY");
  ASSERT_TRUE(first.has_value()) << "no NOTIFY on the subscriber's connection";
  EXPECT_EQ(first->message.top_via()->transport, "TCP");
  watcher->send(response_to(first->message, 200, "OK"));
  ASSERT_TRUE(run_until(
      io_, [&] { return metric("pinana_hub_notify_results_total{status=\"200\"}") == 1u; }));

  // The watcher survives its first 200 over TCP and hears about the next change there too.
  auto pub = exchange(*publisher, publish(*publisher, kAlice, pidf(kAlice, "t9", "open")));
  ASSERT_TRUE(pub.has_value());
  ASSERT_EQ(pub->message.status_code(), 200) << pub->raw;
  auto second = watcher->take_request("NOTIFY");
  ASSERT_TRUE(second.has_value()) << "no NOTIFY after the PUBLISH";
  EXPECT_NE(second->message.body().find("id=\"t9\""), std::string_view::npos) << second->raw;
  watcher->send(response_to(second->message, 200, "OK"));
  ASSERT_TRUE(run_until(
      io_, [&] { return metric("pinana_hub_notify_results_total{status=\"200\"}") == 2u; }));
  EXPECT_EQ(metric("pinana_hub_subscriptions"), 1u);
  EXPECT_FALSE(watcher->closed_by_hub());
}

TEST_F(HubServerTest, ShutdownTerminatesSubscriptionsThenReportsDone) {
  start(base_config());
  auto watcher = udp_peer();
  subscribe_and_confirm(*watcher, kAlice);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(run_until(
      io_, [&] { return metric("pinana_hub_notify_results_total{status=\"200\"}") == 1u; }));

  bool done = false;
  const auto begin = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point finished;
  hub_->shutdown(2s, [&] {
    done = true;
    finished = std::chrono::steady_clock::now();
  });

  auto last = watcher->take_request("NOTIFY");
  ASSERT_TRUE(last.has_value()) << "no terminating NOTIFY";
  auto state =
      sip::parse_subscription_state(last->message.value(sip::HeaderId::kSubscriptionState));
  ASSERT_TRUE(state.ok()) << last->raw;
  EXPECT_EQ(state->state, "terminated");
  EXPECT_EQ(state->reason, "deactivated");
  EXPECT_FALSE(done) << "done before the final NOTIFY was answered";

  watcher->send(response_to(last->message, 200, "OK"));
  ASSERT_TRUE(run_until(
      io_, [&] { return done; }, 3s));
  EXPECT_LT(finished - begin, 1s) << "done waited for the grace period";
  EXPECT_EQ(metric("pinana_hub_subscriptions"), 0u);
}

// The io_context outlives the server: a grace timer still pending when the server is destroyed
// must not call back into it (ASan reported a heap-use-after-free here).
TEST_F(HubServerTest, GraceTimerOutlivingTheServerIsHarmless) {
  start(base_config());
  auto watcher = udp_peer();
  subscribe_and_confirm(*watcher, kAlice);
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(run_until(
      io_, [&] { return metric("pinana_hub_notify_results_total{status=\"200\"}") == 1u; }));

  int calls = 0;
  hub_->shutdown(300ms, [&] { ++calls; });
  auto last = watcher->take_request("NOTIFY");
  ASSERT_TRUE(last.has_value());
  watcher->send(response_to(last->message, 200, "OK"));
  ASSERT_TRUE(run_until(io_, [&] { return calls == 1; }));

  hub_.reset();
  run_until(
      io_, [] { return false; }, 500ms);  // the grace period ends meanwhile
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace pinana::hub

namespace pinana::hub {
namespace {

TEST_F(HubServerTest, ContactSaysTcpWhenTheFirstListenerIsTcp) {
  HubConfig c = base_config();
  std::swap(c.listen[0], c.listen[1]);  // TCP first
  start(c);
  const auto& ep = hub_->bound()[0];
  testing::TcpPeer watcher(io_, boost::asio::ip::tcp::endpoint(ep.address, ep.port));
  auto ok = exchange(watcher, subscribe(watcher, testing::kAlice));
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->message.status_code(), 200) << ok->raw;
  const sip::HeaderField* contact = ok->message.find(sip::HeaderId::kContact);
  ASSERT_NE(contact, nullptr);
  auto na = sip::parse_name_addr(contact->value);
  ASSERT_TRUE(na.ok());
  EXPECT_EQ(na->uri.params.get("transport"), "tcp") << ok->raw;
  EXPECT_EQ(na->uri.port, ep.port);
}

}  // namespace
}  // namespace pinana::hub
