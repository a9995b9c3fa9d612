// SubscriptionManager and ServerSubscription: the compact text block and the pool (issue 6's
// memory work) must keep every identity, dialog and resource look-up exact, across refreshes that
// rewrite the text and across the retire/remove life cycle.
#include "pinana/presence/subscription_manager.h"

#include <gtest/gtest.h>

#include <string>

#include "text_package.h"

namespace pinana::presence {
namespace {

class SubscriptionManagerTest : public ::testing::Test {
 protected:
  ServerSubscription& add(const std::string& call_id, const std::string& uri,
                          bool terminating = false, std::string address = "192.0.2.7") {
    SubscriptionKey key{DialogId{call_id, "hubtag", "watchertag"}, "text-test", ""};
    SubscriptionDialog d;
    d.local_party = "<" + uri + ">;tag=hubtag";
    d.remote_party = "<sip:watcher@example.com>;tag=watchertag";
    d.remote_target = "sip:watcher@192.0.2.7:5062";
    d.route_set = {"<sip:proxy.example.com;lr>"};
    d.remote_cseq = 7;
    Flow flow{Transport::kUdp, std::move(address), 5062, std::nullopt};
    return m.add(m.next_id(), key, ResourceKey{uri, package.name()}, package, "text/plain",
                 std::move(d), flow, TimePoint{} + std::chrono::seconds(60),
                 package.new_watcher_state(), terminating);
  }

  testing::TextPackage package;
  SubscriptionManager m;
};

TEST_F(SubscriptionManagerTest, KeepsEveryFieldItWasGiven) {
  ServerSubscription& s = add("call-1@example.com", "sip:alice@example.com");
  EXPECT_EQ(s.key().call_id, "call-1@example.com");
  EXPECT_EQ(s.key().local_tag, "hubtag");
  EXPECT_EQ(s.key().remote_tag, "watchertag");
  EXPECT_EQ(s.key().event_type, "text-test");
  EXPECT_EQ(s.key().event_id, "");
  EXPECT_EQ(s.dialog().local_party, "<sip:alice@example.com>;tag=hubtag");
  EXPECT_EQ(s.dialog().remote_party, "<sip:watcher@example.com>;tag=watchertag");
  EXPECT_EQ(s.dialog().remote_target, "sip:watcher@192.0.2.7:5062");
  ASSERT_EQ(s.dialog().route_set.size(), 1u);
  EXPECT_EQ(s.dialog().remote_cseq, 7u);
  EXPECT_EQ(s.flow().address, "192.0.2.7");
  EXPECT_EQ(s.flow().port, 5062);
  EXPECT_EQ(s.source_address(), "192.0.2.7");
  EXPECT_EQ(s.resource().uri, "sip:alice@example.com");
  EXPECT_NE(s.watcher_state(), nullptr);
}

TEST_F(SubscriptionManagerTest, FindsByIdentityFromViewsOfARequest) {
  ServerSubscription& s = add("call-1@example.com", "sip:alice@example.com");
  add("call-2@example.com", "sip:alice@example.com");
  const std::string call_id = "call-1@example.com";  // a different buffer than the stored text
  EXPECT_EQ(m.find(SubscriptionKeyView{call_id, "hubtag", "watchertag", "text-test", ""}), &s);
  EXPECT_EQ(m.find(SubscriptionKeyView{call_id, "hubtag", "watchertag", "text-test", "x"}),
            nullptr);
  EXPECT_EQ(m.find(SubscriptionKeyView{call_id, "other", "watchertag", "text-test", ""}), nullptr);
}

TEST_F(SubscriptionManagerTest, ARefreshThatMovesTheWatcherRewritesOnlyWhatMoved) {
  ServerSubscription& s = add("call-1@example.com", "sip:alice@example.com");
  m.refresh(s, TimePoint{} + std::chrono::seconds(120),
            Flow{Transport::kTcp, "2001:db8::9", 5070, 42}, 9, std::string("sip:w@[2001:db8::9]"));
  EXPECT_EQ(s.flow().address, "2001:db8::9");
  EXPECT_EQ(s.flow().transport, Transport::kTcp);
  EXPECT_EQ(s.flow().connection, std::optional<uint64_t>(42));
  EXPECT_EQ(s.dialog().remote_target, "sip:w@[2001:db8::9]");
  EXPECT_EQ(s.dialog().remote_cseq, 9u);
  EXPECT_EQ(s.source_address(), "192.0.2.7");  // the creator, for the per-source count
  EXPECT_EQ(s.key().call_id, "call-1@example.com");
  EXPECT_EQ(s.dialog().local_party, "<sip:alice@example.com>;tag=hubtag");
  EXPECT_EQ(
      m.find(SubscriptionKeyView{"call-1@example.com", "hubtag", "watchertag", "text-test", ""}),
      &s);
  EXPECT_EQ(m.next_expiry(), TimePoint{} + std::chrono::seconds(120));
  EXPECT_EQ(m.count_for_source("192.0.2.7"), 1u);
}

TEST_F(SubscriptionManagerTest, TheResourceOutlivesTheLastSubscriptionUntilItIsReleased) {
  ServerSubscription& a = add("call-1@example.com", "sip:alice@example.com");
  ServerSubscription& b = add("call-2@example.com", "sip:alice@example.com");
  const ResourceKey alice{"sip:alice@example.com", package.name()};
  EXPECT_EQ(&a.resource(), &b.resource());  // one copy of the URI per resource
  EXPECT_EQ(m.watchers(alice).size(), 2u);

  m.retire(a, TerminationReason::kTimeout);
  EXPECT_TRUE(m.watched(alice));
  EXPECT_EQ(m.find(a.key()), nullptr);  // a retired subscription has left the identity index
  EXPECT_EQ(m.find(a.id()), &a);
  m.retire(b, TerminationReason::kTimeout);
  EXPECT_FALSE(m.watched(alice));
  EXPECT_TRUE(m.watchers(alice).empty());

  const SubscriptionId bid = b.id();
  {
    SubscriptionManager::Handle gone = m.remove(a.id());
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->resource().uri, "sip:alice@example.com");
  }
  SubscriptionManager::Handle last = m.remove(bid);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(last->resource().uri, "sip:alice@example.com");  // still readable by the caller
  EXPECT_EQ(m.count_for_source("192.0.2.7"), 0u);
  last.reset();
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.remove(bid), nullptr);

  // The resource can be watched again afterwards.
  ServerSubscription& c = add("call-3@example.com", "sip:alice@example.com");
  EXPECT_EQ(c.resource().uri, "sip:alice@example.com");
  EXPECT_TRUE(m.watched(alice));
}

TEST_F(SubscriptionManagerTest, AFetchIsKnownByIdOnly) {
  ServerSubscription& f = add("call-9@example.com", "sip:bob@example.com", /*terminating=*/true);
  EXPECT_TRUE(f.terminating());
  EXPECT_EQ(m.find(f.id()), &f);
  EXPECT_EQ(m.find(f.key()), nullptr);
  EXPECT_FALSE(m.watched(ResourceKey{"sip:bob@example.com", package.name()}));
  EXPECT_FALSE(m.next_expiry().has_value());
}

TEST_F(SubscriptionManagerTest, ManySubscriptionsWithLongFieldsStayExact) {
  std::vector<SubscriptionId> ids;
  for (int i = 0; i < 2000; ++i) {
    // Some fields longer than the pool's largest block go to the upstream allocator.
    std::string call_id = "c" + std::to_string(i) + std::string(i % 7 == 0 ? 1500 : 10, 'x');
    ids.push_back(add(call_id, "sip:r" + std::to_string(i % 13) + "@example.com").id());
  }
  for (int i = 0; i < 2000; i += 2) m.retire(*m.find(ids[i]), TerminationReason::kTimeout);
  for (int i = 0; i < 2000; i += 2) EXPECT_NE(m.remove(ids[i]), nullptr);
  for (int i = 1; i < 2000; i += 2) {
    std::string call_id = "c" + std::to_string(i) + std::string(i % 7 == 0 ? 1500 : 10, 'x');
    ServerSubscription* s =
        m.find(SubscriptionKeyView{call_id, "hubtag", "watchertag", "text-test", ""});
    ASSERT_NE(s, nullptr) << i;
    EXPECT_EQ(s->id(), ids[i]);
    EXPECT_EQ(s->resource().uri, "sip:r" + std::to_string(i % 13) + "@example.com");
  }
  EXPECT_EQ(m.size(), 1000u);
}

}  // namespace
}  // namespace pinana::presence
