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
#include "pinana/node/mwi_summary.h"
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

bool total_is(const Node& n, int nw, int old, std::string_view mailbox = "1000@default") {
  for (const auto& m : n.mailboxes()) {
    if (m.mailbox == mailbox) return m.new_messages == nw && m.old_messages == old;
  }
  return false;
}

TEST_F(StandardLinkTest, MailboxCountsAddUpPerNodeOnEveryNode) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  auto c = start_node(options('c'));  // has no counts of its own: learns the mailbox from roster
  ASSERT_TRUE(a->set_mailbox("1000@default", 3, 1).ok());
  ASSERT_TRUE(b->set_mailbox("1000@default", 0, 2).ok());
  ASSERT_TRUE(run_until([&] { return total_is(*a, 3, 3) && total_is(*b, 3, 3); }));
  ASSERT_TRUE(a->set_mailbox("1000@default", 1, 1).ok());
  ASSERT_TRUE(run_until([&] { return total_is(*a, 1, 3) && total_is(*b, 1, 3); }));
  EXPECT_TRUE(run_until([&] { return total_is(*c, 1, 3); }));
  // A leaves: B's total drops A's counts.
  bool done = false;
  a->shutdown(2s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_TRUE(run_until([&] { return total_is(*b, 0, 2) && total_is(*c, 0, 2); }));
}

// Issue 5: the roster lists each node's mailboxes, so a node learns a mailbox it never set, and
// one that appears later (the member tuple is re-published when the set grows).
TEST_F(StandardLinkTest, ANodeLearnsAMailboxItNeverSetFromTheRoster) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b'));
  ASSERT_TRUE(a->set_mailbox("1000@default", 2, 0).ok());
  ASSERT_TRUE(run_until([&] { return total_is(*b, 2, 0); }));
  ASSERT_TRUE(a->set_mailbox("1000@default", 5, 1).ok());
  ASSERT_TRUE(run_until([&] { return total_is(*b, 5, 1); }));
  ASSERT_TRUE(a->set_mailbox("2000@sales", 1, 0).ok());
  ASSERT_TRUE(run_until([&] { return total_is(*b, 1, 0, "2000@sales"); }));
  // A node started later learns both at once.
  auto c = start_node(options('c'));
  EXPECT_TRUE(run_until([&] { return total_is(*c, 5, 1) && total_is(*c, 1, 0, "2000@sales"); }));
  EXPECT_NE(b->metrics_text().find("pinana_node_watched_mailboxes 2"), std::string::npos);
}

// A plain watcher of the roster presentity: the member tuples' mailbox lists, merged.
TEST_F(StandardLinkTest, TheRosterListsAtMostTheLimitAndCountsTheRest) {
  start_hub();
  auto a = start_node(options('a'));
  ASSERT_TRUE(a->set_mailbox("bell\x07@default", 1, 0).ok());  // not printable: never listed
  const size_t n = kMaxMemberMailboxes + 2;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(a->set_mailbox(std::to_string(1000 + i) + "@default", 1, 0).ok());
  }
  auto watcher = agent("rosterwatch");
  std::string last;
  transports::sip::SubscriptionSpec spec;
  spec.request_uri = "sip:pinana-nodes@127.0.0.1";
  spec.event = "presence";
  spec.accept = {"application/pidf+xml"};
  spec.expires = 60;
  watcher->add_subscription(spec, [&](const transports::sip::NotifyView& v) { last = v.body; });
  ASSERT_TRUE(run_until(
      [&] {
        auto doc = parse_device_pidf(last);
        return doc && doc->mailboxes.size() == kMaxMemberMailboxes;
      },
      10s))
      << last.size();
  auto doc = parse_device_pidf(last);
  EXPECT_EQ(doc->mailboxes.front(), "1000@default");
  EXPECT_EQ(doc->mailboxes.back(), std::to_string(1000 + kMaxMemberMailboxes - 1) + "@default");
  EXPECT_LT(last.size(), 32000u);  // one member's tuple fits a UDP datagram with room to spare
  EXPECT_NE(a->metrics_text().find("pinana_node_roster_mailboxes_over_limit_total 2"),
            std::string::npos);
}

// Issue 5 point 1, "configured lists": watched from start-up, without any look-up.
TEST_F(StandardLinkTest, ConfiguredWatchDevicesAreKnownAtStartUp) {
  start_hub();
  auto a = start_node(options('a'));
  ASSERT_TRUE(a->set_device("PJSIP/carol", "INUSE", std::nullopt).ok());
  auto b_opts = options('b');
  b_opts.watch_devices = {"PJSIP/carol", "Custom:lamp 1"};
  auto b = start_node(std::move(b_opts));
  auto c = start_node(options('c'));  // not configured: learns nothing unasked
  EXPECT_TRUE(run_until(
      [&] { return b->cluster_state().aggregate("PJSIP/carol") == DeviceState::kInUse; }));
  EXPECT_TRUE(c->cluster_state().entries("PJSIP/carol").empty());
  EXPECT_NE(b->metrics_text().find("pinana_node_watched_devices 2"), std::string::npos);
}

// A hand-made member F (a roster tuple without mailboxes, counts at its own MWI presentity): only
// configured or looked-up mailboxes reach a node.
TEST_F(StandardLinkTest, ConfiguredAndLookedUpMailboxesAreWatched) {
  start_hub();
  auto f = agent("node-f");
  auto publish = [&](std::string uri, const char* event, const char* type, std::string body) {
    transports::sip::PublicationSpec spec;
    spec.request_uri = std::move(uri);
    spec.event = event;
    spec.content_type = type;
    spec.expires = 60;
    f->publish(f->add_publication(std::move(spec)), "s", std::move(body));
  };
  publish("sip:pinana-nodes@127.0.0.1", "presence", "application/pidf+xml",
          render_member_pidf("sip:pinana-nodes@127.0.0.1", eid_of('f')));
  const std::string mwi = "sip:" + mailbox_user("1000@default", eid_of('f')) + "@127.0.0.1";
  publish(mwi, "message-summary", "application/simple-message-summary", render_summary(4, 2));
  auto b_opts = options('b');
  b_opts.watch_mailboxes = {"1000@default"};
  auto b = start_node(std::move(b_opts));
  auto c = start_node(options('c'));
  EXPECT_TRUE(run_until([&] { return total_is(*b, 4, 2); }));
  EXPECT_FALSE(c->mailbox("1000@default"));  // the first look-up subscribes
  EXPECT_TRUE(run_until([&] {
    auto m = c->mailbox("1000@default");
    return m && m->new_messages == 4 && m->old_messages == 2;
  }));
  EXPECT_FALSE(c->mailbox("nonsense"));  // not MAILBOX@CONTEXT: not watched
  EXPECT_NE(c->metrics_text().find("pinana_node_watched_mailboxes 1"), std::string::npos);
}

// Kamailio answers an unpublish with the publication's last body, <basic> rewritten to closed
// (docs/kamailio.md fault 3): for an UNAVAILABLE device that looked live. So a node withdrawing
// publishes a tombstone first; a plain watcher sees it before the tuple goes.
TEST_F(StandardLinkTest, AShutdownPublishesATombstoneBeforeTheUnpublish) {
  start_hub();
  auto a = start_node(options('a'));
  auto b = start_node(options('b', {"2000=PJSIP/alice"}));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "UNAVAILABLE", std::nullopt).ok());
  ASSERT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").size() == 1; }));
  auto phone = agent("phone");
  std::vector<std::string> bodies;
  transports::sip::SubscriptionSpec spec;
  spec.request_uri = "sip:" + device_user("PJSIP/alice") + "@127.0.0.1";
  spec.event = "presence";
  spec.accept = {"application/pidf+xml"};
  spec.expires = 60;
  phone->add_subscription(
      spec, [&](const transports::sip::NotifyView& n) { bodies.emplace_back(n.body); });
  ASSERT_TRUE(run_until([&] { return !bodies.empty(); }));
  bool done = false;
  a->shutdown(2s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }));
  ASSERT_TRUE(run_until([&] {
    auto doc = parse_device_pidf(bodies.back());
    return doc && doc->tuples.empty() && doc->withdrawn.empty();  // finally unpublished
  }));
  bool tombstone = false;
  for (const auto& body : bodies) {
    auto doc = parse_device_pidf(body);
    ASSERT_TRUE(doc);
    if (doc->withdrawn == std::vector<state::Eid>{eid_of('a')}) {
      tombstone = true;
      EXPECT_TRUE(doc->tuples.empty());
      EXPECT_NE(body.find("<basic>closed</basic>"), std::string::npos) << body;
    }
  }
  EXPECT_TRUE(tombstone);
  EXPECT_TRUE(b->cluster_state().entries("PJSIP/alice").empty());
  EXPECT_EQ(b->extension("2000")->state, "Unavailable");
}

// The receiving side: a tombstone (here without any unpublish after it) is no state from F.
TEST_F(StandardLinkTest, ATombstonedTupleIsNoStateFromThatNode) {
  start_hub();
  auto b = start_node(options('b', {"2000=PJSIP/alice"}));
  const std::string aor = "sip:" + device_user("PJSIP/alice") + "@127.0.0.1";
  auto f = agent("node-f");
  transports::sip::PublicationSpec spec;
  spec.request_uri = aor;
  spec.event = "presence";
  spec.content_type = "application/pidf+xml";
  spec.expires = 60;
  auto pub = f->add_publication(std::move(spec));
  f->publish(pub, "s", render_device_pidf(aor, eid_of('f'), DeviceState::kUnavailable, true, 1));
  ASSERT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").size() == 1; }));
  f->publish(pub, "s", render_device_tombstone(aor, eid_of('f'), 2));
  EXPECT_TRUE(run_until([&] { return b->cluster_state().entries("PJSIP/alice").empty(); }));
  EXPECT_NE(b->metrics_text().find("pinana_node_withdrawn_tuples_total 1"), std::string::npos);
  // A newer live tuple of F counts again.
  f->publish(pub, "s", render_device_pidf(aor, eid_of('f'), DeviceState::kBusy, true, 3));
  EXPECT_TRUE(run_until([&] { return b->extension("2000")->state == "Busy"; }));
}

// Shutdown stays bounded when nobody answers: the tombstones' wait takes at most half the grace.
TEST_F(StandardLinkTest, ShutdownIsBoundedWithoutAServer) {
  start_hub();
  auto a = start_node(options('a'));
  ASSERT_TRUE(a->set_device("PJSIP/alice", "INUSE", std::nullopt).ok());
  ASSERT_TRUE(a->set_mailbox("1000@default", 1, 0).ok());
  io_.run_for(200ms);
  hub_.reset();
  bool done = false;
  const auto t0 = std::chrono::steady_clock::now();
  a->shutdown(1s, [&] { done = true; });
  ASSERT_TRUE(run_until([&] { return done; }, 3s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1500ms);
}

// Kamailio ignores every modify of a `dialog` publication whose stored dialog is terminated
// (docs/kamailio.md fault 7): when an extension leaves idle, the standard profile removes its
// dialog publication and starts a new one. The hub (which modifies correctly) shows that the
// lamps stay right and that no document ever holds the old and the new dialog together; the
// node's PUBLISH count shows the removal.
TEST_F(StandardLinkTest, AnExtensionLeavingIdleStartsANewDialogPublication) {
  start_hub();
  NodeOptions o = options('d', {"3000=PJSIP/dave"});
  o.devices = {{"PJSIP/dave", DeviceState::kNotInUse}};
  auto d = start_node(std::move(o));
  auto phone = agent("phone");
  std::vector<std::string> bodies;
  transports::sip::SubscriptionSpec spec;
  spec.request_uri = "sip:3000@127.0.0.1";
  spec.event = "dialog";
  spec.accept = {"application/dialog-info+xml"};
  spec.expires = 60;
  phone->add_subscription(
      spec, [&](const transports::sip::NotifyView& n) { bodies.emplace_back(n.body); });
  auto last_has = [&](std::string_view text) {
    return !bodies.empty() && bodies.back().find(text) != std::string::npos;
  };
  auto sent = [&] {
    const std::string text = d->metrics_text();
    const std::string name = "\npinana_node_publishes_sent_total ";
    const auto at = text.find(name);
    return at == std::string::npos ? -1 : std::stol(text.substr(at + name.size()));
  };
  ASSERT_TRUE(run_until([&] { return last_has("<state>terminated</state>"); }));
  io_.run_for(200ms);  // every start-up PUBLISH answered
  struct Step {
    const char* state;
    const char* lamp;
  };
  const Step steps[] = {{"RINGING", "early"},
                        {"INUSE", "confirmed"},
                        {"NOT_INUSE", "terminated"},
                        {"RINGING", "early"},
                        {"BUSY", "confirmed"}};
  // PUBLISHes per step: the device's PIDF, the extension's dialog-info and PIDF, and the
  // removal of the idle dialog publication when the extension leaves idle.
  std::vector<long> per_step;
  for (const Step& step : steps) {
    SCOPED_TRACE(step.state);
    const long before = sent();
    ASSERT_TRUE(d->set_device("PJSIP/dave", step.state, std::nullopt).ok());
    EXPECT_TRUE(run_until([&] {
      return last_has(std::string("<state>") + step.lamp + "</state>");
    })) << bodies.back();
    io_.run_for(200ms);
    per_step.push_back(sent() - before);
  }
  ASSERT_EQ(per_step.size(), 5u);
  EXPECT_EQ(per_step[1], 3) << "device, dialog, presence";
  EXPECT_EQ(per_step[2], per_step[1]);
  EXPECT_EQ(per_step[4], per_step[1]);
  EXPECT_EQ(per_step[0], per_step[1] + 1) << "the removal first";
  EXPECT_EQ(per_step[3], per_step[1] + 1);
  for (const std::string& body : bodies) {
    size_t dialogs = 0;
    for (size_t at = body.find("<dialog "); at != std::string::npos;
         at = body.find("<dialog ", at + 1)) {
      ++dialogs;
    }
    EXPECT_LE(dialogs, 1u) << body;
  }
}

}  // namespace
}  // namespace pinana::node
