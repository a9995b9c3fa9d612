// The node against the real hub, in one process on loopback: propagation, aggregation across
// nodes, extension publication to a watcher, a crashed node's expiry, a hub restart, API errors.
#include "pinana/node/node.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "in_process_cluster.h"
#include "pinana/hub/hub_server.h"
#include "pinana/state/hint.h"

namespace pinana::node {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using state::DeviceState;
using state::ExtensionState;

using NodeTest = InProcessCluster;

TEST_F(NodeTest, ALocalChangeReachesTheOtherNodes) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  auto c = start_node(options('c'));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] {
    return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kInUse &&
           c->cluster_state().aggregate("PJSIP/alice") == DeviceState::kInUse;
  }));
  auto view = b->device("PJSIP/alice");
  ASSERT_TRUE(view);
  ASSERT_EQ(view->nodes.size(), 1u);
  EXPECT_EQ(view->nodes[0].first, "02:00:00:00:00:0a");
  EXPECT_EQ(view->nodes[0].second, "INUSE");
}

TEST_F(NodeTest, AggregatesOneDeviceAcrossNodesAndComputesHints) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b', {"2000=PJSIP/alice&PJSIP/erin"}));
  auto c = start_node(options('c'));
  EXPECT_EQ(b->extension("2000")->state, "Unavailable");  // nothing known yet
  ASSERT_TRUE(a->set_device("PJSIP/alice", "RINGING", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return b->extension("2000")->state == "Ringing"; }));
  ASSERT_TRUE(c->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until(
      [&] { return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kRingInUse; }));
  EXPECT_EQ(b->extension("2000")->state, "InUse&Ringing");
  ASSERT_TRUE(a->set_device("PJSIP/alice", "NOT_INUSE", std::nullopt).ok());
  ASSERT_TRUE(c->set_device("PJSIP/alice", "NOT_INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return b->extension("2000")->state == "Idle"; }));
}

TEST_F(NodeTest, PublishesExtensionStateForPhonesAtStartAndOnChange) {
  start_hub();
  auto b = start_node(options('b', {"2000=PJSIP/bob(Bob)"}));
  transports::sip::AgentConfig pc;
  pc.listen = loopback();
  pc.hub = loopback(hub_port_);
  pc.user = "phone";
  pc.domain = "127.0.0.1";
  transports::sip::SipAgent phone(io_, clock_, pc);
  ASSERT_TRUE(phone.start().ok());
  std::vector<std::string> bodies;
  transports::sip::SubscriptionSpec spec;
  spec.request_uri = "sip:2000@127.0.0.1";
  spec.event = "dialog";
  spec.accept = {"application/dialog-info+xml"};
  spec.expires = 60;
  phone.add_subscription(
      spec, [&](const transports::sip::NotifyView& n) { bodies.emplace_back(n.body); });
  auto last_has = [&](std::string_view text) {
    return !bodies.empty() && bodies.back().find(text) != std::string::npos;
  };
  // Published at start-up although nothing changed: the device is unknown, so Unavailable.
  ASSERT_TRUE(run_until([&] { return last_has("<state>terminated</state>"); }));
  ASSERT_TRUE(b->set_device("PJSIP/bob", "RINGING", api::CallerView{"Carol", "3000"}).ok());
  ASSERT_TRUE(run_until([&] { return last_has("<state>early</state>"); }));
  EXPECT_TRUE(last_has("sip:3000@127.0.0.1")) << bodies.back();
  ASSERT_TRUE(b->set_device("PJSIP/bob", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return last_has("<state>confirmed</state>"); }));
}

TEST_F(NodeTest, ACrashedNodesStatesLeaveWhenItsPublicationExpires) {
  start_hub();
  auto a_opts = options('a');
  a_opts.publish_expires = 2;
  auto a = start_node(std::move(a_opts));
  auto b = start_node(options('b', {"2000=PJSIP/alice"}));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return b->extension("2000")->state == "InUse"; }));
  a.reset();  // no unpublish: the process died
  ASSERT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").empty(); }, 6s));
  EXPECT_EQ(b->extension("2000")->state, "Unavailable");
  for (const auto& m : b->cluster().members) EXPECT_NE(m.eid, "02:00:00:00:00:0a");
}

TEST_F(NodeTest, ACleanShutdownWithdrawsAtOnce) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "BUSY", std::nullopt).ok());
  ASSERT_TRUE(
      run_until([&] { return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kBusy; }));
  bool done = false;
  a->shutdown(2s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").empty(); }, 1s));
}

TEST_F(NodeTest, TheViewIsWholeAgainAfterAHubRestart) {
  start_hub();
  auto a_opts = options('a');
  a_opts.publish_expires = 2;
  a_opts.subscribe_expires = 2;
  auto b_opts = options('b');
  b_opts.publish_expires = 2;
  b_opts.subscribe_expires = 2;
  auto a = start_node(std::move(a_opts));
  auto b = start_node(std::move(b_opts));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until(
      [&] { return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kInUse; }));
  const uint16_t port = hub_port_;
  hub_.reset();
  io_.run_for(200ms);
  start_hub(port);
  // Nobody touches the nodes: A re-publishes after its 412, B re-subscribes.
  ASSERT_TRUE(a->set_device("PJSIP/bob", "RINGING", std::nullopt).ok());
  EXPECT_TRUE(run_until(
      [&] {
        return b->cluster_state().aggregate("PJSIP/bob") == DeviceState::kRinging &&
               b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kInUse;
      },
      10s));
}

TEST_F(NodeTest, RefusesInvalidStatesAndMailboxes) {
  start_hub();
  auto a = start_node(options('a'));
  auto s = a->set_device("PJSIP/alice", "SLEEPING", std::nullopt);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().status, 400);
  EXPECT_NE(s.error().reason.find("SLEEPING"), std::string::npos);
  EXPECT_EQ(a->set_mailbox("nocontext", 1, 0).error().status, 400);
  EXPECT_FALSE(a->extension("9999"));
  EXPECT_FALSE(a->device("PJSIP/nobody"));
}

TEST_F(NodeTest, MailboxCountsReachTheOtherNodes) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  ASSERT_TRUE(a->set_mailbox("1000@default", 3, 1).ok());
  ASSERT_TRUE(run_until([&] {
    auto m = b->mailboxes();
    return m.size() == 1 && m[0].new_messages == 3 && m[0].old_messages == 1;
  }));
}

}  // namespace
}  // namespace pinana::node
