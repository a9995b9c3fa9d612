// SUBSCRIBE processing and the NOTIFYs it triggers (RFC 6665 notifier side) through
// PresenceService::on_subscribe.
#include <gtest/gtest.h>

#include <chrono>

#include "test_support.h"

namespace pinana::presence::testing {
namespace {

using std::chrono::seconds;

class SubscribeTest : public PresenceTest {};

TEST_F(SubscribeTest, InitialSubscribeGets200AndAnImmediateFullNotify) {
  publish("open");
  Subscriber w;
  RequestBuilder b = subscribe_request(w, 600);
  sip::Message sub = b.build();
  sip::Message r = send_subscribe(w, b);

  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "600");
  EXPECT_EQ(header(r, "Contact"), "<sip:hub@192.0.2.10:5060>");
  ASSERT_NE(r.to(), nullptr);
  const std::string to_tag(r.to()->tag());
  ASSERT_FALSE(to_tag.empty());
  EXPECT_EQ(r.call_id(), sub.call_id());

  ASSERT_EQ(last.notifies.size(), 1u);
  const OutgoingNotify& out = last.notifies[0];
  EXPECT_EQ(out.destination, context.source);
  sip::Message n = parse(out.request);
  ASSERT_TRUE(n.is_request());
  EXPECT_EQ(n.method(), "NOTIFY");
  EXPECT_EQ(n.request_uri().text, w.contact);  // the subscriber's Contact
  EXPECT_TRUE(all_headers(n, "Route").empty());
  // From/To swapped relative to the SUBSCRIBE: the hub is now the UAC.
  ASSERT_NE(n.from(), nullptr);
  ASSERT_NE(n.to(), nullptr);
  EXPECT_EQ(n.from()->uri.text, sub.to()->uri.text);
  EXPECT_EQ(n.from()->tag(), to_tag);
  EXPECT_EQ(n.to()->uri.text, sub.from()->uri.text);
  EXPECT_EQ(n.to()->tag(), w.from_tag);
  EXPECT_EQ(n.call_id(), sub.call_id());
  ASSERT_NE(n.cseq(), nullptr);
  EXPECT_EQ(n.cseq()->method, "NOTIFY");
  EXPECT_EQ(header(n, "Event"), "text-test;id=x");
  EXPECT_EQ(header(n, "Subscription-State"), "active;expires=600");
  EXPECT_EQ(header(n, "Content-Type"), "text/plain");
  EXPECT_EQ(header(n, "Contact"), "<sip:hub@192.0.2.10:5060>");
  EXPECT_EQ(n.body(), "open");
  ASSERT_NE(n.top_via(), nullptr);
  EXPECT_EQ(n.top_via()->transport, "UDP");
  EXPECT_EQ(n.top_via()->host, "192.0.2.10");
  EXPECT_TRUE(n.top_via()->rfc3261_branch());
  EXPECT_EQ(n.max_forwards(), 70u);
  EXPECT_EQ(service().counters().subscriptions, 1u);
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(600));
}

TEST_F(SubscribeTest, NotifyOfAnUnpublishedResourceHasTheEmptyState) {
  Subscriber w;
  EXPECT_EQ(subscribe(w).status_code(), 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(header(n, "Subscription-State"), "active;expires=3600");  // package default
  EXPECT_EQ(n.body(), "");
  EXPECT_EQ(header(n, "Content-Type"), "text/plain");
}

TEST_F(SubscribeTest, RouteSetComesFromRecordRouteInOrder) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.add("Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>");
  b.add("Record-Route", "<sip:p3.example.com;lr>");
  send_subscribe(w, b);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(n.request_uri().text, w.contact);
  std::vector<std::string> routes;
  n.for_each_value(sip::HeaderId::kRoute, [&](std::string_view e) { routes.emplace_back(e); });
  EXPECT_EQ(routes, (std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>",
                                              "<sip:p3.example.com;lr>"}));
}

TEST_F(SubscribeTest, StrictRouterFirstPutsTheTargetLastInRoute) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.add("Record-Route", "<sip:strict.example.com>, <sip:p2.example.com;lr>");
  send_subscribe(w, b);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(n.request_uri().text, "sip:strict.example.com");
  std::vector<std::string> routes;
  n.for_each_value(sip::HeaderId::kRoute, [&](std::string_view e) { routes.emplace_back(e); });
  EXPECT_EQ(routes, (std::vector<std::string>{"<sip:p2.example.com;lr>", "<" + w.contact + ">"}));
}

TEST_F(SubscribeTest, StrictRouterUriHeadersStayOutOfTheRequestUri) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.add("Record-Route", "<sip:strict.example.com?X=1>");
  send_subscribe(w, b);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(n.request_uri().text, "sip:strict.example.com");
}

TEST_F(SubscribeTest, TcpFlowIsKeptAsTheNotifyDestination) {
  context.source = Flow{Transport::kTcp, "::1", 40000, 17};
  Subscriber w;
  subscribe(w);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(last.notifies[0].destination, context.source);
  EXPECT_EQ(parse(last.notifies[0].request).top_via()->transport, "TCP");
}

TEST_F(SubscribeTest, RefreshGets200AndAFullNotifyWithAHigherCSeq) {
  publish("open");
  Subscriber w;
  subscribe(w, 600);
  const uint32_t first_cseq = parse(last.notifies.at(0).request).cseq()->sequence;
  answer_all();

  clock.advance(seconds(100));
  sip::Message r = subscribe(w, 900);
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "900");
  EXPECT_EQ(r.to()->tag(), w.to_tag);
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(header(n, "Subscription-State"), "active;expires=900");
  EXPECT_EQ(n.body(), "open");
  EXPECT_GT(n.cseq()->sequence, first_cseq);
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(900));
  // The old expiry no longer applies.
  answer_all();
  clock.advance(seconds(600));
  EXPECT_TRUE(service().on_timer().notifies.empty());
}

TEST_F(SubscribeTest, RefreshUpdatesTargetAndFlow) {
  Subscriber w;
  subscribe(w);
  answer_all();
  w.contact = "sip:watcher@127.0.0.2:5090";
  context.source = Flow{Transport::kUdp, "127.0.0.2", 5090, std::nullopt};
  subscribe(w);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(last.notifies[0].destination.address, "127.0.0.2");
  EXPECT_EQ(parse(last.notifies[0].request).request_uri().text, "sip:watcher@127.0.0.2:5090");
}

TEST_F(SubscribeTest, UnsubscribeSendsFinalNotifyAndForgetsTheSubscription) {
  publish("open");
  Subscriber w;
  subscribe(w);
  answer_all();
  sip::Message r = subscribe(w, 0);
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "0");
  ASSERT_EQ(last.notifies.size(), 1u);
  const SubscriptionId id = last.notifies[0].subscription;
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(header(n, "Subscription-State"), "terminated;reason=timeout");
  EXPECT_EQ(n.body(), "open");
  // No longer matched by in-dialog requests; freed once the final NOTIFY is answered.
  EXPECT_EQ(subscribe(w).status_code(), 481);
  EXPECT_EQ(service().subscriptions().size(), 1u);
  EXPECT_TRUE(publish("busy").status_code() == 200 && last.notifies.empty());
  EXPECT_TRUE(service().on_notify_result(id, 200).notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
  EXPECT_TRUE(service().drained());
}

TEST_F(SubscribeTest, FetchGetsOneTerminatedNotifyWithTheState) {
  publish("open");
  Subscriber w;
  sip::Message r = subscribe(w, 0);
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(header(r, "Expires"), "0");
  EXPECT_FALSE(w.to_tag.empty());
  ASSERT_EQ(last.notifies.size(), 1u);
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(header(n, "Subscription-State"), "terminated;reason=timeout");
  EXPECT_EQ(n.body(), "open");
  EXPECT_EQ(n.from()->tag(), w.to_tag);
  answer_all();
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(3600));  // only the publication
}

TEST_F(SubscribeTest, UnknownDialogIs481) {
  Subscriber w;
  w.to_tag = "never-issued";
  EXPECT_EQ(subscribe(w).status_code(), 481);
  EXPECT_TRUE(last.notifies.empty());
  // A real dialog with another Event id is another subscription: also 481.
  Subscriber v;
  v.call_id = "call-v";
  subscribe(v);
  RequestBuilder b = subscribe_request(v);
  b.set("Event", "text-test;id=other");
  EXPECT_EQ(send_subscribe(v, b).status_code(), 481);
}

TEST_F(SubscribeTest, AcceptMatchingNoNotifyTypeIs406) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.set("Accept", "application/pidf+xml, application/xml");
  sip::Message r = send_subscribe(w, b);
  EXPECT_EQ(r.status_code(), 406);
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(SubscribeTest, AcceptSelectsTheNotifyType) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.set("Accept", "application/pidf+xml, application/x-text-test");
  EXPECT_EQ(send_subscribe(w, b).status_code(), 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  EXPECT_EQ(header(parse(last.notifies[0].request), "Content-Type"), "application/x-text-test");

  Subscriber v;
  v.call_id = "call-v";
  b = subscribe_request(v);
  b.set("Accept", "text/plain;q=0, application/*");
  EXPECT_EQ(send_subscribe(v, b).status_code(), 200);
  EXPECT_EQ(header(parse(last.notifies.at(0).request), "Content-Type"), "application/x-text-test");
}

TEST_F(SubscribeTest, ExpiresBelowMinimumIs423WithMinExpires) {
  Subscriber w;
  sip::Message r = subscribe(w, 10);
  EXPECT_EQ(r.status_code(), 423);
  EXPECT_EQ(header(r, "Min-Expires"), "60");
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(SubscribeTest, RefreshBelowMinimumIs423AndKeepsTheSubscription) {
  Subscriber w;
  subscribe(w, 600);
  answer_all();
  sip::Message r = subscribe(w, 10);
  EXPECT_EQ(r.status_code(), 423);
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(600));
  EXPECT_EQ(subscribe(w, 600).status_code(), 200);
}

TEST_F(SubscribeTest, ExpiresAboveMaximumIsShortened) {
  Subscriber w;
  sip::Message r = subscribe(w, 100000);
  EXPECT_EQ(header(r, "Expires"), "7200");
  EXPECT_EQ(header(parse(last.notifies.at(0).request), "Subscription-State"),
            "active;expires=7200");
}

TEST_F(SubscribeTest, UnknownOrMissingEventIs489WithAllowEvents) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.set("Event", "presence");
  sip::Message r = send_subscribe(w, b);
  EXPECT_EQ(r.status_code(), 489);
  EXPECT_EQ(header(r, "Allow-Events"), "text-test");
  b.remove("Event");
  r = send_subscribe(w, b);
  EXPECT_EQ(r.status_code(), 489);
  EXPECT_EQ(header(r, "Allow-Events"), "text-test");
  b.set("Event", "text-test.winfo");  // a template package is another package
  EXPECT_EQ(send_subscribe(w, b).status_code(), 489);
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(SubscribeTest, ResourceNotServedIs404) {
  Subscriber w;
  EXPECT_EQ(subscribe(w, {}, "sip:alice@elsewhere.org").status_code(), 404);
  EXPECT_TRUE(last.notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(SubscribeTest, MissingContactIs400) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.remove("Contact");
  EXPECT_EQ(send_subscribe(w, b).status_code(), 400);
  b.set("Contact", "<sip:a@127.0.0.1>, <sip:b@127.0.0.1>");
  EXPECT_EQ(send_subscribe(w, b).status_code(), 400);
  b.set("Contact", "<tel:+15551234>");  // the remote target must be a SIP URI
  EXPECT_EQ(send_subscribe(w, b).status_code(), 400);
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(SubscribeTest, UriHeadersOfTheContactStayOutOfTheNotifyRequestUri) {
  Subscriber w;
  RequestBuilder b = subscribe_request(w);
  b.set("Contact", "<sip:watcher@127.0.0.1:5099?Subject=x>");
  EXPECT_EQ(send_subscribe(w, b).status_code(), 200);
  ASSERT_EQ(last.notifies.size(), 1u);
  auto n = sip::Message::from_bytes(last.notifies[0].request, sip::Framing::kStream);
  ASSERT_TRUE(n.ok()) << n.error().reason;
  EXPECT_EQ(n->request_uri().text, "sip:watcher@127.0.0.1:5099");
}

TEST_F(SubscribeTest, LowerCSeqInTheDialogIs500) {
  Subscriber w;
  w.cseq = 10;
  subscribe(w);  // CSeq 11
  answer_all();
  w.cseq = 4;
  sip::Message r = subscribe(w);  // CSeq 5
  EXPECT_EQ(r.status_code(), 500);
  EXPECT_TRUE(last.notifies.empty());
  w.cseq = 11;
  EXPECT_EQ(subscribe(w).status_code(), 200);  // CSeq 12
}

TEST_F(SubscribeTest, ExpiryWithoutRefreshSendsTerminatedTimeout) {
  publish("open", {}, 7200);
  Subscriber w;
  subscribe(w, 120);
  answer_all();
  EXPECT_EQ(service().next_deadline(), clock.now() + seconds(120));
  clock.advance(seconds(119));
  EXPECT_TRUE(service().on_timer().notifies.empty());
  clock.advance(seconds(1));
  last = service().on_timer();
  ASSERT_EQ(last.notifies.size(), 1u);
  const SubscriptionId id = last.notifies[0].subscription;
  sip::Message n = parse(last.notifies[0].request);
  EXPECT_EQ(header(n, "Subscription-State"), "terminated;reason=timeout");
  EXPECT_EQ(n.body(), "open");
  EXPECT_EQ(subscribe(w).status_code(), 481);
  EXPECT_EQ(service().subscriptions().size(), 1u);  // until the final NOTIFY is answered
  EXPECT_TRUE(service().on_notify_result(id, 200).notifies.empty());
  EXPECT_EQ(service().subscriptions().size(), 0u);
}

TEST_F(SubscribeTest, PerSourceLimitIs503WithRetryAfter) {
  config.max_subscriptions_per_source = 2;
  config.retry_after_s = 42;
  Subscriber a, b, c;
  a.call_id = "a";
  b.call_id = "b";
  c.call_id = "c";
  EXPECT_EQ(subscribe(a).status_code(), 200);
  answer_all();
  EXPECT_EQ(subscribe(b).status_code(), 200);
  answer_all();
  sip::Message r = subscribe(c);
  EXPECT_EQ(r.status_code(), 503);
  EXPECT_EQ(header(r, "Retry-After"), "42");
  EXPECT_TRUE(last.notifies.empty());
  // Refreshes of existing subscriptions are not limited.
  EXPECT_EQ(subscribe(a).status_code(), 200);
  answer_all();
  // Another source has its own budget.
  context.source.address = "127.0.0.9";
  Subscriber d;
  d.call_id = "d";
  EXPECT_EQ(subscribe(d).status_code(), 200);
  answer_all();
  // Once a subscription of the first source is gone, it may subscribe again.
  context.source.address = "127.0.0.1";
  subscribe(a, 0);
  answer_all();
  c.to_tag.clear();
  EXPECT_EQ(subscribe(c).status_code(), 200);
}

TEST_F(SubscribeTest, SubscribeAfterShutdownIs503) {
  service().shutdown();
  Subscriber w;
  sip::Message r = subscribe(w);
  EXPECT_EQ(r.status_code(), 503);
  EXPECT_FALSE(header(r, "Retry-After").empty());
}

}  // namespace
}  // namespace pinana::presence::testing
