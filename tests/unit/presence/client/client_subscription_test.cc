#include "pinana/presence/client/client_subscription.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace pinana::presence::client {
namespace {

using std::chrono::seconds;

class ClientSubscriptionTest : public ::testing::Test {
 protected:
  void make(uint32_t expires = 60) {
    SubscriptionConfig c;
    c.event = "asterisk-devicestate";
    c.expires = expires;
    c.new_token = [this] { return "t" + std::to_string(++tokens); };
    c.on_new_dialog = [this] { ++new_dialogs; };
    c.on_state = [this](bool e) { states.push_back(e); };
    c.on_lost = [this](int status, std::string_view reason) {
      lost.emplace_back(status, std::string(reason));
    };
    sub = std::make_unique<ClientSubscription>(std::move(c));
  }
  SubscribeRequest must_send() {
    auto r = sub->next(now);
    EXPECT_TRUE(r.has_value());
    return r.value_or(SubscribeRequest{});
  }
  void respond(const SubscribeRequest& r, int status, std::optional<uint32_t> expires = 60,
               std::optional<uint32_t> min_expires = std::nullopt) {
    sub->on_response(r.call_id, r.cseq, status, status < 300 ? "hubtag" : "", "sip:hub@127.0.0.1",
                     expires, min_expires, std::nullopt, now);
  }
  NotifyInfo notify(const SubscribeRequest& r, std::string_view state = "active",
                    std::string_view reason = {}) {
    NotifyInfo n;
    n.call_id = r.call_id;
    n.from_tag = "hubtag";
    n.to_tag = r.from_tag;
    n.event_type = "asterisk-devicestate";
    n.contact = "sip:hub@127.0.0.1:5070";
    n.state = state;
    n.reason = reason;
    n.expires = state == "terminated" ? -1 : 60;
    return n;
  }
  // Starts a dialog: initial SUBSCRIBE, 2xx, first NOTIFY.
  SubscribeRequest establish() {
    auto r = must_send();
    respond(r, 200);
    EXPECT_EQ(sub->on_notify(notify(r), now).status, 200);
    return r;
  }

  TimePoint now{seconds(1000)};
  std::unique_ptr<ClientSubscription> sub;
  int tokens = 0;
  int new_dialogs = 0;
  std::vector<bool> states;
  std::vector<std::pair<int, std::string>> lost;
};

TEST_F(ClientSubscriptionTest, InitialSubscribeStartsADialog) {
  make();
  EXPECT_EQ(sub->next_deadline(), TimePoint{});
  auto r = must_send();
  EXPECT_TRUE(r.initial());
  EXPECT_FALSE(r.call_id.empty());
  EXPECT_FALSE(r.from_tag.empty());
  EXPECT_EQ(r.cseq, 1u);
  EXPECT_EQ(r.expires, 60u);
  EXPECT_EQ(new_dialogs, 1);
  EXPECT_FALSE(sub->next(now)) << "one in flight";
  respond(r, 200);
  EXPECT_TRUE(sub->established());
  EXPECT_EQ(states, std::vector<bool>{true});
}

TEST_F(ClientSubscriptionTest, RefreshWithinTheDialog) {
  make(60);
  auto r = establish();
  ASSERT_TRUE(sub->next_deadline());
  EXPECT_EQ(*sub->next_deadline(), now + seconds(55));
  now += seconds(55);
  auto f = must_send();
  EXPECT_EQ(f.call_id, r.call_id);
  EXPECT_EQ(f.from_tag, r.from_tag);
  EXPECT_EQ(f.to_tag, "hubtag");
  EXPECT_EQ(f.remote_target, "sip:hub@127.0.0.1:5070") << "the NOTIFY's Contact";
  EXPECT_EQ(f.cseq, r.cseq + 1);
  respond(f, 200, 8);
  EXPECT_EQ(*sub->next_deadline(), now + seconds(4));
  EXPECT_EQ(new_dialogs, 1);
}

TEST_F(ClientSubscriptionTest, NotifyDeliveredAndFirstInDialogFlagged) {
  make();
  auto r = must_send();
  respond(r, 200);
  auto v = sub->on_notify(notify(r), now);
  EXPECT_EQ(v.status, 200);
  EXPECT_TRUE(v.deliver);
  EXPECT_TRUE(v.first_in_dialog);
  v = sub->on_notify(notify(r), now);
  EXPECT_TRUE(v.deliver);
  EXPECT_FALSE(v.first_in_dialog);
}

// RFC 3261 §12.2.2. Kamailio's workers can send the NOTIFY of an unpublish after the NOTIFY of
// the publication that follows it (docs/kamailio.md, fault 8): the older body must not win.
TEST_F(ClientSubscriptionTest, NotifyWithALowerCSeqIsRefusedWith500AndNotDelivered) {
  make();
  auto r = must_send();
  respond(r, 200);
  auto at = [&](uint32_t cseq) {
    NotifyInfo n = notify(r);
    n.cseq = cseq;
    return sub->on_notify(n, now);
  };
  EXPECT_EQ(at(7).status, 200);
  auto late = at(5);
  EXPECT_EQ(late.status, 500);
  EXPECT_FALSE(late.deliver);
  EXPECT_TRUE(sub->established()) << "the subscription stays";
  EXPECT_EQ(at(7).status, 200) << "only a lower CSeq is out of order";
  auto next = at(8);
  EXPECT_EQ(next.status, 200);
  EXPECT_TRUE(next.deliver);
  EXPECT_FALSE(next.first_in_dialog);
  // A new dialog starts its own sequence.
  NotifyInfo end = notify(r, "terminated", "deactivated");
  end.cseq = 9;
  EXPECT_EQ(sub->on_notify(end, now).status, 200);
  auto again = must_send();
  respond(again, 200);
  NotifyInfo first = notify(again);
  first.cseq = 1;
  auto v = sub->on_notify(first, now);
  EXPECT_EQ(v.status, 200);
  EXPECT_TRUE(v.deliver);
  EXPECT_TRUE(v.first_in_dialog);
}

TEST_F(ClientSubscriptionTest, NotifyBeforeTheTwoHundredEstablishesTheDialog) {
  make();
  auto r = must_send();
  auto v = sub->on_notify(notify(r), now);
  EXPECT_EQ(v.status, 200);
  EXPECT_TRUE(v.deliver);
  EXPECT_TRUE(v.first_in_dialog);
  EXPECT_TRUE(sub->established());
  respond(r, 200);
  EXPECT_EQ(sub->state(), ClientSubscription::State::kActive);
  now += seconds(55);
  auto f = must_send();
  EXPECT_EQ(f.to_tag, "hubtag");
  EXPECT_EQ(f.cseq, 2u);
}

TEST_F(ClientSubscriptionTest, UnknownNotifiesGet481) {
  make();
  auto r = establish();
  auto n = notify(r);
  n.call_id = "other";
  EXPECT_EQ(sub->on_notify(n, now).status, 481);
  n = notify(r);
  n.to_tag = "not-ours";
  EXPECT_EQ(sub->on_notify(n, now).status, 481);
  n = notify(r);
  n.from_tag = "forked";
  EXPECT_EQ(sub->on_notify(n, now).status, 481);
  n = notify(r);
  n.event_type = "presence";
  EXPECT_EQ(sub->on_notify(n, now).status, 481);
  n = notify(r);
  n.event_id = "x";
  EXPECT_EQ(sub->on_notify(n, now).status, 481);
  n = notify(r);
  n.event_type = "Asterisk-DeviceState";
  EXPECT_EQ(sub->on_notify(n, now).status, 200) << "package names compare case-insensitively";
}

TEST_F(ClientSubscriptionTest, TerminatedDeactivatedResubscribesAtOnceWithNewDialog) {
  for (std::string_view reason : {"deactivated", "timeout", ""}) {
    make();
    new_dialogs = 0;
    states.clear();
    auto r = establish();
    auto v = sub->on_notify(notify(r, "terminated", reason), now);
    EXPECT_EQ(v.status, 200);
    EXPECT_TRUE(v.deliver);
    EXPECT_FALSE(sub->established());
    EXPECT_EQ(states, (std::vector<bool>{true, false}));
    auto again = must_send();
    EXPECT_TRUE(again.initial()) << reason;
    EXPECT_NE(again.call_id, r.call_id);
    EXPECT_NE(again.from_tag, r.from_tag);
    EXPECT_EQ(new_dialogs, 2);
    // The old dialog is gone.
    EXPECT_EQ(sub->on_notify(notify(r), now).status, 481);
  }
}

TEST_F(ClientSubscriptionTest, TerminatedProbationWaitsRetryAfter) {
  make();
  auto r = establish();
  auto n = notify(r, "terminated", "probation");
  n.retry_after = 12;
  sub->on_notify(n, now);
  EXPECT_EQ(*sub->next_deadline(), now + seconds(12));
  EXPECT_FALSE(sub->next(now + seconds(11)));
  now += seconds(12);
  EXPECT_TRUE(must_send().initial());

  make();
  r = establish();
  sub->on_notify(notify(r, "terminated", "giveup"), now);
  EXPECT_EQ(*sub->next_deadline(), now + seconds(30));
}

TEST_F(ClientSubscriptionTest, TerminatedRejectedReportsAndBacksOffAMinute) {
  make();
  auto r = establish();
  sub->on_notify(notify(r, "terminated", "rejected"), now);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_EQ(lost[0].second, "rejected");
  EXPECT_EQ(*sub->next_deadline(), now + seconds(60));
  make();
  r = establish();
  sub->on_notify(notify(r, "terminated", "noresource"), now);
  EXPECT_EQ(*sub->next_deadline(), now + seconds(60));
}

TEST_F(ClientSubscriptionTest, RefreshGets481NewDialogAfterBackoff) {
  make();
  auto r = establish();
  now += seconds(55);
  auto f = must_send();
  respond(f, 481);
  EXPECT_FALSE(sub->established());
  EXPECT_EQ(*sub->next_deadline(), now + seconds(1));
  EXPECT_FALSE(sub->next(now));
  now += seconds(1);
  auto again = must_send();
  EXPECT_TRUE(again.initial());
  EXPECT_NE(again.call_id, r.call_id);
  EXPECT_EQ(new_dialogs, 2);
}

TEST_F(ClientSubscriptionTest, RefreshTimeoutNewDialog) {
  make();
  establish();
  now += seconds(55);
  auto f = must_send();
  sub->on_failure(f.call_id, f.cseq, now);
  EXPECT_FALSE(sub->established());
  now += seconds(1);
  EXPECT_TRUE(must_send().initial());
}

TEST_F(ClientSubscriptionTest, InitialErrorsBackOffDoubling) {
  make();
  const int expected[] = {1, 2, 4, 8, 16, 30, 30};
  for (int s : expected) {
    auto r = must_send();
    EXPECT_TRUE(r.initial());
    respond(r, 503);
    EXPECT_EQ(*sub->next_deadline(), now + seconds(s));
    now += seconds(s);
  }
  auto r = must_send();
  respond(r, 200);
  EXPECT_TRUE(sub->established());
  EXPECT_EQ(sub->on_notify(notify(r), now).status, 200);
}

TEST_F(ClientSubscriptionTest, OtherRefreshErrorsRetryInTheDialog) {
  make();
  auto r = establish();
  now += seconds(55);
  auto f = must_send();
  respond(f, 500);
  EXPECT_TRUE(sub->established());
  now += seconds(1);
  auto g = must_send();
  EXPECT_EQ(g.call_id, r.call_id);
  EXPECT_EQ(g.to_tag, "hubtag");
}

TEST_F(ClientSubscriptionTest, IntervalTooBriefRetriesWithMinExpires) {
  make(2);
  auto r = must_send();
  respond(r, 423, std::nullopt, 30);
  auto again = must_send();
  EXPECT_EQ(again.expires, 30u);
  EXPECT_EQ(again.call_id, r.call_id);
  EXPECT_EQ(again.cseq, r.cseq + 1);
  respond(again, 200, 30);
  EXPECT_EQ(*sub->next_deadline(), now + seconds(25));
}

TEST_F(ClientSubscriptionTest, StaleResponsesAreIgnored) {
  make();
  auto r = establish();
  now += seconds(55);
  auto f = must_send();
  sub->on_notify(notify(r, "terminated", "deactivated"), now);
  auto again = must_send();
  respond(f, 481);  // the old refresh's answer arrives late
  EXPECT_TRUE(sub->in_flight()) << "the new initial is still outstanding";
  respond(again, 200);
  EXPECT_TRUE(sub->established());
}

TEST_F(ClientSubscriptionTest, TimerNWithoutNotifyStartsOver) {
  make();
  auto r = must_send();
  respond(r, 200, 3600);
  EXPECT_EQ(*sub->next_deadline(), now + seconds(32));
  now += seconds(32);
  EXPECT_FALSE(sub->next(now));
  EXPECT_FALSE(sub->established());
  now += seconds(1);
  EXPECT_TRUE(must_send().initial());
}

TEST_F(ClientSubscriptionTest, UnsubscribeSendsExpiresZeroInTheDialog) {
  make();
  auto r = establish();
  sub->unsubscribe();
  auto u = must_send();
  EXPECT_EQ(u.expires, 0u);
  EXPECT_EQ(u.to_tag, "hubtag");
  EXPECT_EQ(u.call_id, r.call_id);
  EXPECT_FALSE(sub->closed());
  // The final NOTIFY is answered but not delivered.
  auto v = sub->on_notify(notify(r, "terminated", "timeout"), now);
  EXPECT_EQ(v.status, 200);
  EXPECT_FALSE(v.deliver);
  respond(u, 200, 0);
  EXPECT_TRUE(sub->closed());
  EXPECT_FALSE(sub->next_deadline());
  EXPECT_FALSE(sub->next(now + seconds(3600)));
}

TEST_F(ClientSubscriptionTest, UnsubscribeWaitsForTheInitialAnswer) {
  make();
  auto r = must_send();
  sub->unsubscribe();
  EXPECT_FALSE(sub->next(now));
  respond(r, 200);
  auto u = must_send();
  EXPECT_EQ(u.expires, 0u);
  respond(u, 481);
  EXPECT_TRUE(sub->closed());

  make();
  r = must_send();
  sub->unsubscribe();
  respond(r, 403);
  EXPECT_TRUE(sub->closed()) << "nothing to end";
  EXPECT_FALSE(sub->next(now + seconds(100)));
}

TEST_F(ClientSubscriptionTest, UnsubscribeDuringBackoffClosesAtOnce) {
  make();
  auto r = must_send();
  respond(r, 503);
  sub->unsubscribe();
  EXPECT_TRUE(sub->closed());
}

TEST_F(ClientSubscriptionTest, ResendInFlightAdvancesCSeq) {
  make();
  auto r = must_send();
  auto again = sub->resend_in_flight();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->cseq, r.cseq + 1);
  EXPECT_TRUE(again->initial());
  respond(r, 200);  // the answer to the superseded CSeq is ignored
  EXPECT_FALSE(sub->established());
  respond(*again, 200);
  EXPECT_TRUE(sub->established());
}

}  // namespace
}  // namespace pinana::presence::client
