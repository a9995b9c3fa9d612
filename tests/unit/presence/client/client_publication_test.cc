#include "pinana/presence/client/client_publication.h"

#include <gtest/gtest.h>

#include <map>

namespace pinana::presence::client {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ClientPublicationTest : public ::testing::Test {
 protected:
  void make(PublicationConfig c = {}) {
    if (c.expires == 3600) c.expires = 60;
    c.on_error = [this](int status, std::string_view key) {
      errors.emplace_back(status, std::string(key));
    };
    if (!c.full_state && use_full_state) {
      c.full_state = [this] {
        KeyedBodies out;
        for (const auto& [k, v] : state) out.emplace_back(k, v);
        return out;
      };
    }
    pub = std::make_unique<ClientPublication>(std::move(c));
  }
  // Publishes like an owner: the state map holds the current value, the machine the queue.
  void set(const std::string& key, const std::string& body) {
    state[key] = body;
    pub->enqueue(key, body);
  }
  PublishRequest must_send() {
    auto r = pub->next(now);
    EXPECT_TRUE(r.has_value());
    return r.value_or(PublishRequest{});
  }
  void ok(std::string_view etag, uint32_t expires = 60) {
    pub->on_response(200, etag, expires, std::nullopt, std::nullopt, now);
  }
  void respond(int status, std::optional<uint32_t> min_expires = std::nullopt,
               std::optional<uint32_t> retry_after = std::nullopt) {
    pub->on_response(status, std::nullopt, std::nullopt, min_expires, retry_after, now);
  }

  TimePoint now{seconds(1000)};
  std::unique_ptr<ClientPublication> pub;
  std::map<std::string, std::string> state;
  bool use_full_state = true;
  std::vector<std::pair<int, std::string>> errors;
};

TEST_F(ClientPublicationTest, IdleUntilSomethingIsEnqueued) {
  make();
  EXPECT_FALSE(pub->next(now));
  EXPECT_FALSE(pub->next_deadline());
  EXPECT_TRUE(pub->idle());
}

TEST_F(ClientPublicationTest, InitialCarriesBodyWithoutIfMatchThenConditional) {
  make();
  set("a", "A1");
  auto r = must_send();
  EXPECT_FALSE(r.etag);
  ASSERT_TRUE(r.body);
  EXPECT_EQ(*r.body, "A1");
  EXPECT_EQ(r.expires, 60u);
  ok("e1");
  EXPECT_TRUE(pub->established());
  set("b", "B1");
  r = must_send();
  ASSERT_TRUE(r.etag);
  EXPECT_EQ(*r.etag, "e1");
  EXPECT_EQ(r.body.value_or(""), "B1");
  ok("e2");
  set("c", "C1");
  EXPECT_EQ(must_send().etag.value_or(""), "e2");  // the last 2xx's etag, not the first
}

TEST_F(ClientPublicationTest, OneInFlightAndCoalescingKeepsPosition) {
  make();
  set("a", "A1");
  must_send();
  set("b", "B1");
  set("c", "C1");
  set("b", "B2");  // replaces B1 in place, ahead of c
  set("", "x1");   // empty keys never coalesce
  set("", "x2");
  EXPECT_FALSE(pub->next(now)) << "a PUBLISH is in flight";
  EXPECT_FALSE(pub->next_deadline());
  EXPECT_EQ(pub->queue_depth(), 4u);
  ok("e1");
  EXPECT_EQ(must_send().body.value_or(""), "B2");
  ok("e2");
  EXPECT_EQ(must_send().body.value_or(""), "C1");
  ok("e3");
  EXPECT_EQ(must_send().body.value_or(""), "x1");
  ok("e4");
  EXPECT_EQ(must_send().body.value_or(""), "x2");
  ok("e5");
  EXPECT_FALSE(pub->next(now));
  EXPECT_EQ(pub->counters().sent, 5u);
  EXPECT_EQ(pub->counters().ok, 5u);
}

TEST_F(ClientPublicationTest, RefreshIsBodylessAtExpiresMinusFive) {
  make();
  set("a", "A1");
  must_send();
  ok("e1", 60);
  ASSERT_TRUE(pub->next_deadline());
  EXPECT_EQ(*pub->next_deadline(), now + seconds(55));
  now += seconds(54);
  EXPECT_FALSE(pub->next(now));
  now += seconds(1);
  auto r = must_send();
  EXPECT_EQ(r.etag.value_or(""), "e1");
  EXPECT_FALSE(r.body);
  EXPECT_EQ(r.expires, 60u);
  ok("e2", 8);  // a short grant: half of it (4 s) beats 8 - 5 = 3 s
  EXPECT_EQ(*pub->next_deadline(), now + seconds(4));
  now += seconds(4);
  EXPECT_EQ(must_send().etag.value_or(""), "e2");
}

TEST_F(ClientPublicationTest, RefreshWithBodyResendsLastBody) {
  PublicationConfig c;
  c.refresh_with_body = true;
  make(std::move(c));
  set("a", "A1");
  must_send();
  ok("e1");
  set("b", "B1");
  must_send();
  ok("e2");
  now += seconds(55);
  auto r = must_send();
  EXPECT_EQ(r.etag.value_or(""), "e2");
  EXPECT_EQ(r.body.value_or("<none>"), "B1");
}

TEST_F(ClientPublicationTest, Conditional412ResendsFullStateInFrontOfOthers) {
  make();
  set("a", "A1");
  must_send();
  ok("e1");
  set("b", "B1");
  must_send();  // in flight, conditional
  set("c", "C1");
  pub->enqueue("z", "Z-not-in-state");  // queued, not part of the owner's state
  state["c"] = "C2";                    // the current value of c (not yet enqueued)
  respond(412);
  EXPECT_FALSE(pub->established());
  EXPECT_EQ(pub->counters().c412, 1u);
  // a, b, c from full state (current values), then z.
  auto r = must_send();
  EXPECT_FALSE(r.etag) << "a new initial publication";
  EXPECT_EQ(r.body.value_or(""), "A1");
  ok("n1");
  r = must_send();
  EXPECT_EQ(r.etag.value_or(""), "n1");
  EXPECT_EQ(r.body.value_or(""), "B1");
  ok("n2");
  EXPECT_EQ(must_send().body.value_or(""), "C2");
  ok("n3");
  EXPECT_EQ(must_send().body.value_or(""), "Z-not-in-state");
  ok("n4");
  EXPECT_FALSE(pub->next(now));
}

TEST_F(ClientPublicationTest, RefreshGets412AndRepublishes) {
  make();
  set("a", "A1");
  set("b", "B1");
  must_send();
  ok("e1");
  must_send();
  ok("e2");
  now += seconds(55);
  auto r = must_send();
  EXPECT_FALSE(r.body);
  respond(412);
  r = must_send();
  EXPECT_FALSE(r.etag);
  EXPECT_EQ(r.body.value_or(""), "A1");
  ok("n1");
  EXPECT_EQ(must_send().body.value_or(""), "B1");
}

TEST_F(ClientPublicationTest, Without412FullStateTheLastBodyIsResent) {
  use_full_state = false;
  make();
  pub->enqueue("a", "A1");
  must_send();
  ok("e1");
  now += seconds(55);
  must_send();
  respond(412);
  auto r = must_send();
  EXPECT_FALSE(r.etag);
  EXPECT_EQ(r.body.value_or(""), "A1");
}

TEST_F(ClientPublicationTest, Initial412IsAnOrdinaryError) {
  make();
  set("a", "A1");
  must_send();
  respond(412);
  EXPECT_EQ(pub->counters().c412, 0u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], std::make_pair(412, std::string("a")));
}

TEST_F(ClientPublicationTest, Status500AsConditionalFailureOnlyWithFlag) {
  PublicationConfig c;
  c.treat_500_as_412 = true;
  make(std::move(c));
  set("a", "A1");
  must_send();
  ok("e1");
  set("a", "A2");
  must_send();
  respond(500);
  EXPECT_EQ(pub->counters().c412, 1u);
  auto r = must_send();
  EXPECT_FALSE(r.etag);
  EXPECT_EQ(r.body.value_or(""), "A2");

  // Without the flag a 500 is retried after a backoff with the same etag.
  make();
  set("a", "A1");
  must_send();
  ok("e1");
  set("a", "A2");
  must_send();
  respond(500);
  EXPECT_EQ(pub->counters().c412, 0u);
  EXPECT_FALSE(pub->next(now));
  now += seconds(1);
  r = must_send();
  EXPECT_EQ(r.etag.value_or(""), "e1");
  EXPECT_EQ(r.body.value_or(""), "A2");
}

TEST_F(ClientPublicationTest, IntervalTooBriefRetriesWithMinExpires) {
  make();
  set("a", "A1");
  must_send();
  respond(423, 120);
  auto r = must_send();  // at once
  EXPECT_EQ(r.expires, 120u);
  EXPECT_EQ(r.body.value_or(""), "A1");
  EXPECT_FALSE(r.etag);
  ok("e1", 120);
  EXPECT_EQ(*pub->next_deadline(), now + seconds(115));
}

TEST_F(ClientPublicationTest, IntervalTooBriefWithoutMinExpiresBacksOff) {
  make();
  set("a", "A1");
  must_send();
  respond(423);
  EXPECT_FALSE(pub->next(now));
  EXPECT_EQ(*pub->next_deadline(), now + seconds(1));
  now += seconds(1);
  EXPECT_EQ(must_send().expires, 60u);
}

TEST_F(ClientPublicationTest, TimeoutsBackOffDoublingToThirtyWithoutLoss) {
  make();
  set("a", "A1");
  must_send();
  const int expected[] = {1, 2, 4, 8, 16, 30, 30};
  for (int s : expected) {
    pub->on_failure(now);
    EXPECT_FALSE(pub->next(now));
    ASSERT_TRUE(pub->next_deadline());
    EXPECT_EQ(*pub->next_deadline(), now + seconds(s));
    now += seconds(s) - milliseconds(1);
    EXPECT_FALSE(pub->next(now));
    now += milliseconds(1);
    EXPECT_EQ(must_send().body.value_or(""), "A1");
  }
  ok("e1");
  EXPECT_EQ(pub->counters().retries, 7u);
  // A success resets the backoff.
  set("a", "A2");
  must_send();
  respond(408);
  EXPECT_EQ(*pub->next_deadline(), now + seconds(1));
}

TEST_F(ClientPublicationTest, RetrySendsTheNewestBodyForTheKey) {
  make();
  set("a", "A1");
  must_send();
  set("a", "A2");  // queued while A1 is in flight
  set("b", "B1");
  respond(503);
  set("a", "A3");  // during the backoff
  now += seconds(1);
  EXPECT_EQ(must_send().body.value_or(""), "A3");
  ok("e1");
  EXPECT_EQ(must_send().body.value_or(""), "B1");
  ok("e2");
  EXPECT_FALSE(pub->next(now)) << "A1/A2 were superseded, not re-sent";
}

TEST_F(ClientPublicationTest, RetryAfterWins) {
  make();
  set("a", "A1");
  must_send();
  respond(503, std::nullopt, 7);
  EXPECT_EQ(*pub->next_deadline(), now + seconds(7));
  now += seconds(7);
  EXPECT_TRUE(pub->next(now));
}

TEST_F(ClientPublicationTest, BackoffHoldsBackOtherBodiesToo) {
  make();
  set("a", "A1");
  must_send();
  pub->on_failure(now);
  set("b", "B1");
  EXPECT_FALSE(pub->next(now));
  now += seconds(1);
  EXPECT_EQ(must_send().body.value_or(""), "A1");  // the retried body keeps its place
}

TEST_F(ClientPublicationTest, Other4xxDropsTheBodyAndContinues) {
  make();
  set("a", "A1");
  must_send();
  ok("e1");
  set("bad", "junk");
  set("c", "C1");
  must_send();
  respond(400);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], std::make_pair(400, std::string("bad")));
  EXPECT_EQ(pub->counters().errors, 1u);
  auto r = must_send();
  EXPECT_EQ(r.body.value_or(""), "C1");
  EXPECT_EQ(r.etag.value_or(""), "e1") << "the publication itself is still good";
}

TEST_F(ClientPublicationTest, RefusedRefreshForgetsThePublication) {
  make();
  set("a", "A1");
  must_send();
  ok("e1");
  now += seconds(55);
  must_send();
  respond(403);
  EXPECT_FALSE(pub->established());
  ASSERT_EQ(errors.size(), 1u);
  set("a", "A2");
  EXPECT_FALSE(must_send().etag);
}

TEST_F(ClientPublicationTest, UnpublishRemovesWithIfMatchAndExpiresZero) {
  make();
  set("a", "A1");
  must_send();
  ok("e1");
  set("b", "B1");  // dropped by unpublish
  pub->unpublish();
  auto r = must_send();
  EXPECT_EQ(r.etag.value_or(""), "e1");
  EXPECT_EQ(r.expires, 0u);
  EXPECT_FALSE(r.body);
  EXPECT_FALSE(pub->idle());
  pub->on_response(200, "e2", 0, std::nullopt, std::nullopt, now);
  EXPECT_TRUE(pub->idle());
  EXPECT_FALSE(pub->next(now));
  EXPECT_FALSE(pub->next_deadline()) << "no refresh after removal";
}

TEST_F(ClientPublicationTest, UnpublishWaitsForTheRequestInFlight) {
  make();
  set("a", "A1");
  must_send();
  pub->unpublish();
  EXPECT_FALSE(pub->next(now));
  ok("e1");
  auto r = must_send();
  EXPECT_EQ(r.expires, 0u);
  EXPECT_EQ(r.etag.value_or(""), "e1");
}

TEST_F(ClientPublicationTest, UnpublishWhenNothingPublishedIsImmediate) {
  make();
  pub->unpublish();
  EXPECT_TRUE(pub->idle());
  set("a", "A1");
  must_send();
  pub->unpublish();
  pub->on_failure(now);  // the initial never got an answer: nothing to remove
  EXPECT_FALSE(pub->next(now));
  EXPECT_TRUE(pub->idle());
}

TEST_F(ClientPublicationTest, UnpublishTimeoutIsRetried) {
  make();
  set("a", "A1");
  must_send();
  ok("e1");
  pub->unpublish();
  must_send();
  pub->on_failure(now);
  EXPECT_FALSE(pub->next(now));
  now += seconds(1);
  auto r = must_send();
  EXPECT_EQ(r.expires, 0u);
  respond(412);  // the ESC lost it meanwhile: nothing left to remove
  EXPECT_TRUE(pub->idle());
}

TEST_F(ClientPublicationTest, MissingEtagIn2xxStartsANewLineage) {
  make();
  set("a", "A1");
  must_send();
  pub->on_response(200, std::nullopt, 60, std::nullopt, std::nullopt, now);
  EXPECT_FALSE(pub->established());
  set("b", "B1");
  EXPECT_FALSE(must_send().etag);
}

TEST_F(ClientPublicationTest, StrayResponsesAreIgnored) {
  make();
  ok("e1");
  pub->on_failure(now);
  EXPECT_TRUE(pub->idle());
  EXPECT_EQ(pub->counters().ok, 0u);
}

// start_over(): the established publication is removed first, then the next body starts a new
// one (Kamailio ignores modifies of a terminated dialog publication: docs/kamailio.md fault 7).
TEST_F(ClientPublicationTest, StartOverRemovesThenPublishesAnew) {
  make();
  set("d", "terminated");
  ASSERT_FALSE(must_send().etag);
  ok("e1");
  pub->start_over();
  set("d", "early");
  EXPECT_LE(*pub->next_deadline(), now);
  PublishRequest removal = must_send();
  EXPECT_EQ(removal.etag, "e1");
  EXPECT_EQ(removal.expires, 0u);
  EXPECT_FALSE(removal.body);
  EXPECT_FALSE(pub->next(now));  // one at a time
  ok("e1", 0);
  PublishRequest fresh = must_send();
  EXPECT_FALSE(fresh.etag);
  EXPECT_EQ(fresh.expires, 60u);
  EXPECT_EQ(fresh.body, "early");
  ok("e2");
  // Later bodies modify the new publication again.
  set("d", "confirmed");
  EXPECT_EQ(must_send().etag, "e2");
}

TEST_F(ClientPublicationTest, StartOverGoesOnAfterA412ToTheRemoval) {
  make();
  set("d", "terminated");
  must_send();
  ok("e1");
  pub->start_over();
  set("d", "early");
  EXPECT_EQ(must_send().expires, 0u);
  respond(412);  // the ESC no longer had e1
  PublishRequest fresh = must_send();
  EXPECT_FALSE(fresh.etag);
  EXPECT_EQ(fresh.body, "early");
  EXPECT_TRUE(errors.empty());
}

TEST_F(ClientPublicationTest, StartOverRetriesALostRemovalBeforeTheBody) {
  make();
  set("d", "terminated");
  must_send();
  ok("e1");
  pub->start_over();
  set("d", "early");
  EXPECT_EQ(must_send().expires, 0u);
  pub->on_failure(now);
  EXPECT_FALSE(pub->next(now));  // backoff
  now += seconds(1);
  PublishRequest again = must_send();
  EXPECT_EQ(again.etag, "e1");
  EXPECT_EQ(again.expires, 0u);
  ok("e1", 0);
  PublishRequest fresh = must_send();
  EXPECT_FALSE(fresh.etag);
  EXPECT_EQ(fresh.body, "early");
}

TEST_F(ClientPublicationTest, StartOverWithoutAPublicationJustPublishes) {
  make();
  pub->start_over();
  set("d", "early");
  PublishRequest r = must_send();
  EXPECT_FALSE(r.etag);
  EXPECT_EQ(r.body, "early");
  ok("e1");
  set("d", "confirmed");
  EXPECT_EQ(must_send().etag, "e1");  // the request was used up
}

TEST_F(ClientPublicationTest, StartOverRemovesWhatTheBodyInFlightEstablishes) {
  make();
  set("d", "terminated");
  must_send();
  pub->start_over();  // while the first body is in flight
  set("d", "early");
  ok("e1");
  PublishRequest removal = must_send();
  EXPECT_EQ(removal.etag, "e1");
  EXPECT_EQ(removal.expires, 0u);
  ok("e1", 0);
  PublishRequest fresh = must_send();
  EXPECT_FALSE(fresh.etag);
  EXPECT_EQ(fresh.body, "early");
}

}  // namespace
}  // namespace pinana::presence::client
