// The standard profile (StandardLink) against the real hub, in one process on loopback: the hub
// composes PIDF tuples like Kamailio's presence_xml, so every path of the profile runs here —
// on-demand subscriptions, NOTIFY → ClusterState (apply, withdraw, foreign tuples ignored), a
// crashed node's expiry, a clean shutdown, a hub restart, MWI per (mailbox, node).
#include "pinana/node/standard_link.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "in_process_cluster.h"
#include "pinana/hub/hub_server.h"
#include "pinana/node/device_pidf.h"
#include "pinana/node/device_token.h"
#include "pinana/node/node.h"
#include "pinana/state/hint.h"

namespace pinana::node {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using state::DeviceState;

class StandardLinkTest : public InProcessCluster {
 protected:
  StandardLinkTest() : InProcessCluster("standard") {}

  // Looks the device up through the node (which watches it from then on) until `pred` holds.
  bool view_until(
      Node& n, std::string_view device,
      const std::function<bool(const std::vector<state::ClusterState::EntryView>&)>& pred,
      std::chrono::milliseconds limit = 5s) {
    return run_until(
        [&] {
          (void)n.device(device);
          return pred(n.cluster_state().entries(device));
        },
        limit);
  }
};

TEST_F(StandardLinkTest, AnApiLookUpSubscribesAndLearnsTheOtherNodesStates) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  auto c = start_node(options('c'));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  EXPECT_FALSE(b->device("PJSIP/alice"));  // not watched yet: the first look-up subscribes
  ASSERT_TRUE(run_until([&] {
    return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kInUse &&
           c->device("PJSIP/alice") && c->device("PJSIP/alice")->state == "INUSE";
  }));
  auto view = b->device("PJSIP/alice");
  ASSERT_TRUE(view);
  ASSERT_EQ(view->nodes.size(), 1u);
  EXPECT_EQ(view->nodes[0].first, "02:00:00:00:00:0a");
  ASSERT_TRUE(a->set_device("PJSIP/alice", "NOT_INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until(
      [&] { return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kNotInUse; }));
  EXPECT_NE(b->metrics_text().find("pinana_node_watched_devices 1"), std::string::npos);
}

TEST_F(StandardLinkTest, HintDevicesAreWatchedAndAggregatedAcrossNodes) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b', {"2000=PJSIP/alice&PJSIP/erin"}));
  auto c = start_node(options('c'));
  EXPECT_EQ(b->extension("2000")->state, "Unavailable");
  ASSERT_TRUE(a->set_device("PJSIP/alice", "RINGING", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return b->extension("2000")->state == "Ringing"; }));
  ASSERT_TRUE(c->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until(
      [&] { return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kRingInUse; }));
  EXPECT_EQ(b->extension("2000")->state, "InUse&Ringing");
  // A and C watch their own devices too, so they see each other's entry.
  ASSERT_TRUE(run_until([&] {
    return a->cluster_state().aggregate("PJSIP/alice") == DeviceState::kRingInUse &&
           c->cluster_state().aggregate("PJSIP/alice") == DeviceState::kRingInUse;
  }));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "NOT_INUSE", std::nullopt).ok());
  ASSERT_TRUE(c->set_device("PJSIP/alice", "NOT_INUSE", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return b->extension("2000")->state == "Idle"; }));
}

TEST_F(StandardLinkTest, APlainWatcherSeesOneTuplePerNodeWithBasicAndThePinanaElement) {
  start_hub();
  auto a = start_node(options('a'));
  auto c = start_node(options('c'));
  ASSERT_TRUE(a->set_device("Custom:lamp 1", "UNAVAILABLE", std::nullopt).ok());
  ASSERT_TRUE(c->set_device("Custom:lamp 1", "BUSY", std::nullopt).ok());
  auto phone = agent("phone");
  std::string last;
  transports::sip::SubscriptionSpec spec;
  spec.request_uri = "sip:" + device_user("Custom:lamp 1") + "@127.0.0.1";
  EXPECT_EQ(spec.request_uri, "sip:dev-.c.ustom_3alamp_201@127.0.0.1");
  spec.event = "presence";
  spec.accept = {"application/pidf+xml"};
  spec.expires = 60;
  phone->add_subscription(spec, [&](const transports::sip::NotifyView& n) { last = n.body; });
  ASSERT_TRUE(run_until([&] {
    auto doc = parse_device_pidf(last);
    return doc && doc->tuples.size() == 2;
  })) << last;
  EXPECT_NE(last.find("eid-02000000000a"), std::string::npos) << last;
  EXPECT_NE(last.find("eid-02000000000c"), std::string::npos) << last;
  EXPECT_NE(last.find("<basic>closed</basic>"), std::string::npos) << last;  // A: UNAVAILABLE
  EXPECT_NE(last.find("<basic>open</basic>"), std::string::npos) << last;    // C: BUSY
}

TEST_F(StandardLinkTest, NotifyTuplesBecomeExactlyTheDevicesRemoteEntries) {
  start_hub();
  auto b = start_node(options('b', {"2000=PJSIP/alice"}));
  const std::string aor = "sip:" + device_user("PJSIP/alice") + "@127.0.0.1";
  auto publisher = [&](const char* user) {
    auto p = agent(user);
    transports::sip::PublicationSpec spec;
    spec.request_uri = aor;
    spec.event = "presence";
    spec.content_type = "application/pidf+xml";
    spec.expires = 60;
    auto id = p->add_publication(std::move(spec));
    return std::make_pair(std::move(p), id);
  };
  // Another node (EID f), hand-made.
  auto [f, f_pub] = publisher("node-f");
  f->publish(f_pub, "s", render_device_pidf(aor, eid_of('f'), DeviceState::kBusy, false, 1));
  ASSERT_TRUE(run_until([&] { return b->extension("2000")->state == "Busy"; }));
  auto entries = b->cluster_state().entries("PJSIP/alice");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].eid, eid_of('f'));
  EXPECT_FALSE(entries[0].cachable);
  // A phone publishing plain presence for the same URI: ignored for device state.
  auto [phone, phone_pub] = publisher("phone");
  phone->publish(phone_pub, "p",
                 "<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
                 "entity=\"" +
                     aor +
                     "\"><tuple id=\"ph1\"><status><basic>closed</basic>"
                     "</status></tuple></presence>");
  // A tuple claiming B's own EID: ignored (only B's API sets B's entries).
  auto [liar, liar_pub] = publisher("liar");
  liar->publish(liar_pub, "s",
                render_device_pidf(aor, eid_of('b'), DeviceState::kRinging, true, 1));
  ASSERT_TRUE(run_until([&] {
    return phone->publication_established(phone_pub) && liar->publication_established(liar_pub);
  }));
  io_.run_for(300ms);
  entries = b->cluster_state().entries("PJSIP/alice");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].state, DeviceState::kBusy);
  // F's publication goes away: its entry is withdrawn.
  bool done = false;
  f->shutdown(2s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  ASSERT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").empty(); }));
  EXPECT_EQ(b->extension("2000")->state, "Unavailable");
}

TEST_F(StandardLinkTest, ACrashedNodesStatesLeaveWhenItsPublicationExpires) {
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
}

TEST_F(StandardLinkTest, ACleanShutdownWithdrawsAtOnce) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b', {"2000=PJSIP/alice"}));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "BUSY", std::nullopt).ok());
  ASSERT_TRUE(
      run_until([&] { return b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kBusy; }));
  bool done = false;
  a->shutdown(2s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").empty(); }, 1s));
}

TEST_F(StandardLinkTest, TheViewIsWholeAgainAfterAHubRestart) {
  start_hub();
  auto a_opts = options('a');
  a_opts.publish_expires = 2;
  a_opts.subscribe_expires = 2;
  auto b_opts = options('b', {"2000=PJSIP/alice", "2001=PJSIP/bob"});
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
  // Nobody touches the nodes: A re-publishes after its 412 (or on its refresh), B re-subscribes.
  ASSERT_TRUE(a->set_device("PJSIP/bob", "RINGING", std::nullopt).ok());
  EXPECT_TRUE(run_until(
      [&] {
        return b->cluster_state().aggregate("PJSIP/bob") == DeviceState::kRinging &&
               b->cluster_state().aggregate("PJSIP/alice") == DeviceState::kInUse;
      },
      10s));
}

TEST_F(StandardLinkTest, MailboxCountsAddUpPerNodeForNodesThatWatchTheMailbox) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  auto c = start_node(options('c'));  // has no counts of its own: does not watch the mailbox
  ASSERT_TRUE(a->set_mailbox("1000@default", 3, 1).ok());
  ASSERT_TRUE(b->set_mailbox("1000@default", 0, 2).ok());
  auto total_is = [](Node& n, int nw, int old) {
    auto m = n.mailboxes();
    return m.size() == 1 && m[0].new_messages == nw && m[0].old_messages == old;
  };
  ASSERT_TRUE(run_until([&] { return total_is(*a, 3, 3) && total_is(*b, 3, 3); }));
  ASSERT_TRUE(a->set_mailbox("1000@default", 1, 1).ok());
  ASSERT_TRUE(run_until([&] { return total_is(*a, 1, 3) && total_is(*b, 1, 3); }));
  EXPECT_TRUE(c->mailboxes().empty());  // the documented limitation
  // A leaves: B's total drops A's counts.
  bool done = false;
  a->shutdown(2s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_TRUE(run_until([&] { return total_is(*b, 0, 2); }));
}

}  // namespace
}  // namespace pinana::node
