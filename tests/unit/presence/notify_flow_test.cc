// NOTIFY sequencing: one NOTIFY in flight per subscription with merging, outcomes of NOTIFYs,
// shutdown, shared rendering.
#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"

namespace pinana::presence::testing {
namespace {

using std::chrono::seconds;

class NotifyFlowTest : public PresenceTest {};

TEST_F(NotifyFlowTest, ChangesWhileANotifyIsInFlightAreMergedIntoOneFollowUp) {
  const std::string etag = header(publish("a"), "SIP-ETag");
  Subscriber w;
  subscribe(w);
  ASSERT_EQ(last.notifies.size(), 1u);
  const OutgoingNotify first = last.notifies[0];
  const uint32_t first_cseq = parse(first.request).cseq()->sequence;

  // Two changes while the first NOTIFY is outstanding: no NOTIFY yet.
  const std::string e2 = header(publish("b", etag), "SIP-ETag");
  EXPECT_TRUE(last.notifies.empty());
  publish("c", e2);
  EXPECT_TRUE(last.notifies.empty());

  // Its outcome releases exactly one NOTIFY with the latest state.
  last = service().on_notify_result(first.subscription, 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(n.body(), "c");
  EXPECT_EQ(n.cseq()->sequence, first_cseq + 1);
  EXPECT_EQ(header(n, "Subscription-State").rfind("active;expires=", 0), 0u);

  // And nothing more after that one is answered.
  answer_all();
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().counters().notifies_sent, 2u);
}

TEST_F(NotifyFlowTest, CSeqIncreasesWithEveryNotify) {
  Subscriber w;
  subscribe(w);
  uint32_t prev = parse(last.notifies.at(0).request).cseq()->sequence;
  answer_all();
  for (int i = 0; i < 5; ++i) {
    publish("s" + std::to_string(i));
    ASSERT_EQ(last.notifies.size(), 1u);
    const uint32_t cseq = parse(last.notifies[0].request).cseq()->sequence;
    EXPECT_GT(cseq, prev);
    prev = cseq;
    answer_all();
  }
}

TEST_F(NotifyFlowTest, NotifyAnswered481RemovesTheWatcher) {
  Subscriber w;
  subscribe(w);
  answer_all(481);
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
  publish("open");
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(subscribe(w).status_code(), 481);
  EXPECT_EQ(service().counters().watchers_dropped, 1u);
  EXPECT_EQ(service().counters().notifies_failed, 1u);
}

TEST_F(NotifyFlowTest, NotifyTimeoutRemovesTheWatcher) {
  Subscriber a, b;
  a.call_id = "a";
  b.call_id = "b";
  subscribe(a);
  answer_all(kNotifyNoResponse);
  subscribe(b);
  answer_all(408);
  EXPECT_EQ(service().subscriptions().size(), 0u);
  publish("open");
  EXPECT_TRUE(last.notifies.empty());
}

TEST_F(NotifyFlowTest, NotifyTimeoutWithPendingChangesSendsNothingMore) {
  Subscriber w;
  subscribe(w);
  const SubscriptionId id = last.notifies.at(0).subscription;
  publish("changed while in flight");
  last = service().on_notify_result(id, kNotifyNoResponse);
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(NotifyFlowTest, OtherErrorKeepsTheWatcherAndItsNextNotifyIsFull) {
  Subscriber w;
  subscribe(w);
  answer_all(500);
  EXPECT_TRUE(last.notifies.empty());  // nothing resent at once
  EXPECT_EQ(service().subscriptions().size(), 1u);
  publish("open");
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(parse(last.notifies[0].request).body(), "open");
  EXPECT_EQ(service().counters().notifies_failed, 1u);
}

TEST_F(NotifyFlowTest, ProvisionalAndUnknownOutcomesAreIgnored) {
  Subscriber w;
  subscribe(w);
  const SubscriptionId id = last.notifies.at(0).subscription;
  EXPECT_TRUE(service().on_notify_result(id, 100).notifies.empty());
  publish("x");
  EXPECT_TRUE(last.notifies.empty());  // still in flight after the 100
  EXPECT_TRUE(service().on_notify_result(SubscriptionId{999}, 200).notifies.empty());
  EXPECT_EQ(service().on_notify_result(id, 200).notifies.size(), 1u);
}

TEST_F(NotifyFlowTest, RefreshWhileInFlightSendsOneFullNotifyAfterTheOutcome) {
  publish("open");
  Subscriber w;
  subscribe(w, 600);
  const SubscriptionId id = last.notifies.at(0).subscription;
  sip::Message r = subscribe(w, 1200);
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_TRUE(last.notifies.empty());
  last = service().on_notify_result(id, 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(header(n, "Subscription-State"), "active;expires=1200");
  EXPECT_EQ(n.body(), "open");
}

TEST_F(NotifyFlowTest, UnsubscribeWhileInFlightSendsTheFinalNotifyAfterTheOutcome) {
  Subscriber w;
  subscribe(w);
  const SubscriptionId id = last.notifies.at(0).subscription;
  EXPECT_EQ(subscribe(w, 0).status_code(), 200);
  EXPECT_TRUE(last.notifies.empty());
  last = service().on_notify_result(id, 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(header(parse(last.notifies[0].request), "Subscription-State"),
            "terminated;reason=timeout");
  answer_all();
  EXPECT_TRUE(service().drained());
}

TEST_F(NotifyFlowTest, ShutdownTerminatesEveryWatcherWithDeactivated) {
  publish("open");
  Subscriber a, b;
  a.call_id = "a";
  b.call_id = "b";
  subscribe(a);
  answer_all();
  subscribe(b);  // its NOTIFY stays in flight
  const SubscriptionId b_id = last.notifies.at(0).subscription;

  last = service().shutdown();
  EXPECT_TRUE(service().shutting_down());
  ASSERT_EQ(last.notifies.size(), 1u);  // a now; b once its NOTIFY is answered
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(n.call_id(), "a");
  EXPECT_EQ(header(n, "Subscription-State"), "terminated;reason=deactivated");
  EXPECT_EQ(n.body(), "");
  const SubscriptionId a_id = last.notifies[0].subscription;
  EXPECT_FALSE(service().drained());

  last = service().on_notify_result(b_id, 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(parse(last.notifies[0].request).call_id(), "b");
  EXPECT_EQ(header(parse(last.notifies[0].request), "Subscription-State"),
            "terminated;reason=deactivated");
  answer_all();
  EXPECT_FALSE(service().drained());
  EXPECT_TRUE(service().on_notify_result(a_id, 408).notifies.empty());
  EXPECT_TRUE(service().drained());
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(3600));  // the publication
}

TEST_F(NotifyFlowTest, SharedBodiesAreRenderedOncePerChange) {
  Subscriber a, b, c;
  a.call_id = "a";
  b.call_id = "b";
  c.call_id = "c";
  subscribe(a);
  answer_all();
  subscribe(b);
  answer_all();
  subscribe(c);
  answer_all();
  const int before = package.renders;
  publish("open");
  EXPECT_EQ(last.notifies.size(), 3u);
  EXPECT_EQ(package.renders - before, 1);
  for (const auto& n : last.notifies) EXPECT_EQ(parse(n.request).body(), "open");
}

TEST_F(NotifyFlowTest, PerWatcherPackagesRenderForEachWatcher) {
  package.watcher_specific = true;
  Subscriber a, b;
  a.call_id = "a";
  b.call_id = "b";
  subscribe(a);
  answer_all();
  subscribe(b);
  answer_all();
  const int before = package.renders;
  publish("open");
  EXPECT_EQ(last.notifies.size(), 2u);
  EXPECT_EQ(package.renders - before, 2);
}

TEST_F(NotifyFlowTest, EveryWatcherIsToldOfEveryChange) {
  const std::string etag = header(publish("a"), "SIP-ETag");
  Subscriber w;
  subscribe(w);
  const SubscriptionId id = last.notifies.at(0).subscription;
  const std::string e2 = header(publish("b", etag), "SIP-ETag");  // while in flight
  publish("c");
  publish("", e2, 0);
  auto* ws = dynamic_cast<TextWatcher*>(service().subscriptions().find(id)->watcher_state());
  ASSERT_NE(ws, nullptr);
  EXPECT_EQ(ws->changes, (std::vector<ChangeKind>{ChangeKind::kModified, ChangeKind::kAdded,
                                                  ChangeKind::kRemoved}));
  EXPECT_EQ(package.note_changes, 3);
}

TEST_F(NotifyFlowTest, WatchersOfOtherResourcesAreNotNotified) {
  Subscriber w;
  subscribe(w, {}, "sip:bob@example.com");
  answer_all();
  publish("open");  // alice
  EXPECT_TRUE(last.notifies.empty());
  publish("open", {}, {}, "sip:bob@example.com");
  EXPECT_EQ(last.notifies.size(), 1u);
}

}  // namespace
}  // namespace pinana::presence::testing
