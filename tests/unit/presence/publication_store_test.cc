// PublicationStore::compact (issue 6's memory work): moving every publication and document into
// fresh memory after a burst must keep every look-up, order, version and deadline exact.
#include "pinana/presence/publication_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "text_package.h"

namespace pinana::presence {
namespace {

using std::chrono::seconds;
using testing::TextDocument;

std::unique_ptr<Document> doc(std::string text) {
  return std::make_unique<TextDocument>(std::move(text));
}

std::vector<std::string> texts(const ResourceView& v) {
  std::vector<std::string> out;
  for (const PublicationView& p : v.publications)
    out.push_back(std::string(p.id) + "=" + dynamic_cast<const TextDocument&>(p.document).text);
  return out;
}

TEST(PublicationStoreTest, CompactKeepsEverythingButTheAddresses) {
  PublicationStore store;
  const ResourceKey alice{"sip:alice@example.com", "text-test"};
  const ResourceKey bob{"sip:bob@example.com", "text-test"};
  const TimePoint t0{};
  store.add(alice, doc("a1"), "etag-a1", t0 + seconds(30));
  StoreChange a2 = store.add(alice, doc("a2"), "etag-a2", t0 + seconds(10));
  store.add(bob, doc("b1"), "etag-b1", t0 + seconds(20));
  const PublicationId a2_id = store.find(alice, "etag-a2")->id();
  store.modify(a2_id, doc("a2-modified"), "etag-a2b", t0 + seconds(40));
  ASSERT_EQ(a2.publication_id, "p2");

  const std::vector<std::string> alice_before = texts(store.view(alice));
  const uint64_t alice_version = store.version(alice);
  const uint64_t bob_version = store.version(bob);
  const Document* old_doc = &store.find(alice, "etag-a2b")->document();

  store.compact();

  EXPECT_EQ(texts(store.view(alice)), alice_before);
  EXPECT_EQ(alice_before, (std::vector<std::string>{"p1=a1", "p2=a2-modified"}));
  EXPECT_EQ(texts(store.view(bob)), std::vector<std::string>{"p3=b1"});
  EXPECT_EQ(store.version(alice), alice_version) << "watchers saw no change";
  EXPECT_EQ(store.version(bob), bob_version);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.resource_count(), 2u);

  const ServerPublication* moved = store.find(alice, "etag-a2b");
  ASSERT_NE(moved, nullptr);
  EXPECT_NE(&moved->document(), old_doc) << "the document was moved, not kept";
  EXPECT_EQ(moved->id(), a2_id);
  EXPECT_EQ(moved->expires_at(), t0 + seconds(40));
  EXPECT_EQ(store.find(alice, "etag-a2"), nullptr) << "a superseded etag stays unknown";
  EXPECT_EQ(store.find(bob, "etag-a1"), nullptr) << "an etag of another resource";

  // Deadlines are kept, oldest first, and the store still mutates normally afterwards.
  EXPECT_EQ(store.next_expiry(), t0 + seconds(20));
  std::vector<StoreChange> gone = store.expire(t0 + seconds(30));
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone[0].publication_id, "p3");
  EXPECT_EQ(gone[1].publication_id, "p1");
  EXPECT_EQ(dynamic_cast<const TextDocument&>(*gone[1].before).text, "a1");
  EXPECT_GT(store.version(alice), alice_version);

  StoreChange next = store.add(alice, doc("a3"), "etag-a3", t0 + seconds(50));
  EXPECT_EQ(next.publication_id, "p4") << "ids are never reused";
  EXPECT_EQ(texts(store.view(alice)), (std::vector<std::string>{"p2=a2-modified", "p4=a3"}));
  store.refresh(a2_id, "etag-a2c", t0 + seconds(60));
  EXPECT_NE(store.find(alice, "etag-a2c"), nullptr);
  EXPECT_EQ(store.find(alice, "etag-a2b"), nullptr);
}

TEST(PublicationStoreTest, CompactOfAnEmptyStoreIsHarmless) {
  PublicationStore store;
  store.compact();
  EXPECT_EQ(store.size(), 0u);
  EXPECT_FALSE(store.next_expiry());
}

}  // namespace
}  // namespace pinana::presence
