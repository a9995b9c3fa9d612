// PUBLISH processing (RFC 3903 §6) through PresenceService::on_publish.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "pinana/presence/random_tokens.h"
#include "test_support.h"

namespace pinana::presence::testing {
namespace {

using std::chrono::seconds;

class PublishTest : public PresenceTest {};

TEST_F(PublishTest, InitialPublishGets200WithEtagAndDefaultExpires) {
  sip::Message r = publish("open");
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "3600");
  const std::string etag = header(r, "SIP-ETag");
  EXPECT_GE(etag.size(), 22u);  // 128 bits in base64url
  ASSERT_NE(r.to(), nullptr);
  EXPECT_FALSE(r.to()->tag().empty());
  EXPECT_EQ(service().publications().size(), 1u);
  EXPECT_EQ(service().counters().publications, 1u);
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(3600));
}

TEST_F(PublishTest, ResourceOfAnotherDomainIs404) {
  EXPECT_EQ(publish("open", {}, {}, "sip:alice@elsewhere.org").status_code(), 404);
  EXPECT_EQ(publish("open", {}, {}, "sip:example.com").status_code(), 404);  // no user part
  EXPECT_EQ(publish("open", {}, {}, "tel:+15551234").status_code(), 404);
  EXPECT_EQ(service().publications().size(), 0u);
  // Domains compare case-insensitively; the hub's own address is served too.
  EXPECT_EQ(publish("open", {}, {}, "sip:alice@EXAMPLE.com").status_code(), 200);
  EXPECT_EQ(publish("open", {}, {}, "sip:bob@192.0.2.10:5060").status_code(), 200);
}

TEST_F(PublishTest, MissingOrUnknownEventIs489WithAllowEvents) {
  RequestBuilder b = publish_request("open");
  b.remove("Event");
  sip::Message r = send_publish(b);
  EXPECT_EQ(r.status_code(), 489);
  EXPECT_EQ(header(r, "Allow-Events"), "text-test");

  b = publish_request("open");
  b.set("Event", "presence");
  r = send_publish(b);
  EXPECT_EQ(r.status_code(), 489);
  EXPECT_EQ(header(r, "Allow-Events"), "text-test");
  EXPECT_EQ(service().publications().size(), 0u);
}

TEST_F(PublishTest, PackageWithoutPublishTypesIs489) {
  package.publishable = false;
  sip::Message r = publish("open");
  EXPECT_EQ(r.status_code(), 489);
  EXPECT_EQ(header(r, "Allow-Events"), "text-test");
}

TEST_F(PublishTest, InitialPublishWithoutBodyIs400) {
  EXPECT_EQ(publish("").status_code(), 400);
  EXPECT_EQ(service().publications().size(), 0u);
}

TEST_F(PublishTest, WrongContentTypeIs415WithAccept) {
  RequestBuilder b = publish_request("");
  b.body("application/pidf+xml", "<presence/>");
  sip::Message r = send_publish(b);
  EXPECT_EQ(r.status_code(), 415);
  EXPECT_EQ(header(r, "Accept"), "text/plain");
  EXPECT_EQ(service().publications().size(), 0u);
  // Parameters and case do not matter.
  b.body("Text/Plain;charset=utf-8", "open");
  EXPECT_EQ(send_publish(b).status_code(), 200);
}

TEST_F(PublishTest, InvalidBodyGetsThePackagesStatusAndChangesNothing) {
  const std::string etag = header(publish("open"), "SIP-ETag");
  EXPECT_EQ(publish("invalid").status_code(), 400);
  EXPECT_EQ(publish("invalid", etag).status_code(), 400);
  EXPECT_EQ(service().publications().size(), 1u);
  // The etag is still the live one, and the document is unchanged.
  Subscriber w;
  subscribe(w);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(parse(last.notifies[0].request).body(), "open");
  EXPECT_EQ(publish("", etag).status_code(), 200);
}

TEST_F(PublishTest, UnknownEtagIs412) {
  publish("open");
  EXPECT_EQ(publish("closed", "no-such-etag").status_code(), 412);
  EXPECT_EQ(publish("", "no-such-etag").status_code(), 412);
  EXPECT_EQ(publish("", "no-such-etag", 0).status_code(), 412);
}

TEST_F(PublishTest, EtagOfAnotherResourceIs412) {
  const std::string etag = header(publish("open"), "SIP-ETag");
  EXPECT_EQ(publish("", etag, {}, "sip:bob@example.com").status_code(), 412);
}

TEST_F(PublishTest, SeveralEntityTagsIs400) {
  const std::string etag = header(publish("open"), "SIP-ETag");
  // (A comma-separated list in one field never gets here: the parser refuses it with 400.)
  RequestBuilder b = publish_request("", etag);
  b.add("SIP-If-Match", etag);
  EXPECT_EQ(send_publish(b).status_code(), 400);
}

TEST_F(PublishTest, EveryTwoHundredCarriesANewEtagAndTheOldOneStopsMatching) {
  const std::string e1 = header(publish("open"), "SIP-ETag");
  sip::Message refresh = publish("", e1);
  ASSERT_EQ(refresh.status_code(), 200);
  const std::string e2 = header(refresh, "SIP-ETag");
  sip::Message modify = publish("closed", e2);
  ASSERT_EQ(modify.status_code(), 200);
  const std::string e3 = header(modify, "SIP-ETag");
  EXPECT_NE(e1, e2);
  EXPECT_NE(e2, e3);
  EXPECT_NE(e1, e3);
  EXPECT_EQ(publish("", e1).status_code(), 412);
  EXPECT_EQ(publish("x", e2).status_code(), 412);
  EXPECT_EQ(publish("", e3).status_code(), 200);
  EXPECT_EQ(service().publications().size(), 1u);  // one publication all along
}

TEST_F(PublishTest, ExpiresBelowMinimumIs423WithMinExpires) {
  sip::Message r = publish("open", {}, 30);
  EXPECT_EQ(r.status_code(), 423);
  EXPECT_EQ(header(r, "Min-Expires"), "60");
  EXPECT_EQ(service().publications().size(), 0u);
  const std::string etag = header(publish("open"), "SIP-ETag");
  EXPECT_EQ(publish("", etag, 59).status_code(), 423);
  // The refused refresh left the publication and its etag as they were.
  sip::Message ok = publish("", etag, 60);
  EXPECT_EQ(ok.status_code(), 200);
  EXPECT_EQ(header(ok, "Expires"), "60");
}

TEST_F(PublishTest, ExpiresAboveMaximumIsShortened) {
  sip::Message r = publish("open", {}, 99999);
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "7200");
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(7200));
}

TEST_F(PublishTest, ConfiguredBoundsOverrideThePackages) {
  config.publication_expiry["text-test"] = ExpiryOverride{120, 100, 300};
  EXPECT_EQ(header(publish("a"), "Expires"), "120");
  EXPECT_EQ(header(publish("b", {}, 1000), "Expires"), "300");
  sip::Message r = publish("c", {}, 90);
  EXPECT_EQ(r.status_code(), 423);
  EXPECT_EQ(header(r, "Min-Expires"), "100");
}

TEST_F(PublishTest, ExpiresZeroWithEtagRemovesThePublication) {
  const std::string etag = header(publish("open"), "SIP-ETag");
  sip::Message r = publish("", etag, 0);
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "0");
  EXPECT_FALSE(header(r, "SIP-ETag").empty());
  EXPECT_NE(header(r, "SIP-ETag"), etag);
  EXPECT_EQ(service().publications().size(), 0u);
  EXPECT_EQ(service().next_deadline(), std::nullopt);
  EXPECT_EQ(publish("", etag).status_code(), 412);
  EXPECT_EQ(publish("", header(r, "SIP-ETag")).status_code(), 412);
}

TEST_F(PublishTest, ExpiresZeroOnAnInitialPublishIs400) {
  EXPECT_EQ(publish("open", {}, 0).status_code(), 400);
  EXPECT_EQ(service().publications().size(), 0u);
}

TEST_F(PublishTest, RefreshOnlyExtendsTheExpiry) {
  const std::string e1 = header(publish("open", {}, 60), "SIP-ETag");
  clock.advance(seconds(50));
  sip::Message r = publish("", e1, 60);
  ASSERT_EQ(r.status_code(), 200);
  clock.advance(seconds(20));  // 70 s after the initial PUBLISH, 20 s after the refresh
  service().on_timer();
  EXPECT_EQ(service().publications().size(), 1u);
  clock.advance(seconds(40));
  service().on_timer();
  EXPECT_EQ(service().publications().size(), 0u);
}

TEST_F(PublishTest, SoftExpiryRemovesStateAndNotifiesWatchers) {
  publish("open", {}, 60);
  publish("busy", {}, 120);
  Subscriber w;
  subscribe(w);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(parse(last.notifies[0].request).body(), "open|busy");
  answer_all();

  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(60));
  clock.advance(seconds(59));
  last = service().on_timer();
  EXPECT_TRUE(last.notifies.empty());
  clock.advance(seconds(1));
  last = service().on_timer();
  EXPECT_EQ(service().publications().size(), 1u);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(parse(last.notifies[0].request).body(), "busy");
  EXPECT_EQ(last.next_deadline, clock.now() + seconds(60));
  answer_all();

  clock.advance(seconds(60));
  last = service().on_timer();
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(n.body(), "");
  EXPECT_EQ(header(n, "Subscription-State").rfind("active;", 0), 0u);
  EXPECT_EQ(service().publications().size(), 0u);
  // The watcher heard of each publication's arrival (before it subscribed: no) and departure.
  auto* ws = dynamic_cast<TextWatcher*>(
      service().subscriptions().find(last.notifies[0].subscription)->watcher_state());
  ASSERT_NE(ws, nullptr);
  EXPECT_EQ(ws->changes, (std::vector<ChangeKind>{ChangeKind::kRemoved, ChangeKind::kRemoved}));
}

TEST_F(PublishTest, ModifyReplacesTheDocumentAndComposesWithOthers) {
  const std::string ea = header(publish("a"), "SIP-ETag");
  publish("b");
  Subscriber w;
  subscribe(w);
  EXPECT_EQ(parse(last.notifies.at(0).request).body(), "a|b");
  answer_all();
  publish("A", ea);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(parse(last.notifies[0].request).body(), "A|b");  // order of arrival is kept
}

TEST_F(PublishTest, EntityTagsAreUniqueUrlSafeTokens) {
  RandomTokens tokens;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string t = tokens.next();
    EXPECT_EQ(t.size(), 22u);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    seen.insert(std::move(t));
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST_F(PublishTest, PublishAfterShutdownIs503) {
  service().shutdown();
  sip::Message r = publish("open");
  EXPECT_EQ(r.status_code(), 503);
  EXPECT_FALSE(header(r, "Retry-After").empty());
  EXPECT_EQ(service().publications().size(), 0u);
}

}  // namespace
}  // namespace pinana::presence::testing
