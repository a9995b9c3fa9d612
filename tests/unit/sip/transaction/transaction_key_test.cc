// TransactionKey: RFC 3261 §17.2.3 server matching (magic cookie and RFC 2543 fallback),
// §17.1.3 client matching, and the §8.2.2.2 merged-request key.
#include "pinana/sip/transaction/transaction_key.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "test_support.h"

namespace pinana::sip::transaction {
namespace {

using testing::parse;
using testing::read_data_file;
using testing::request;
using testing::RequestSpec;
using testing::response;
using testing::ResponseSpec;
using Rule = TransactionKey::Rule;
using Role = TransactionKey::Role;

TransactionKey server_key(const RequestSpec& s) {
  Message m = request(s);
  auto k = TransactionKey::for_server(m);
  EXPECT_TRUE(k.ok());
  return k.ok() ? *k : TransactionKey();
}

TransactionKey client_key(const Message& m) {
  auto k = TransactionKey::for_client(m);
  EXPECT_TRUE(k.ok()) << (k.ok() ? "" : k.error().reason);
  return k.ok() ? *k : TransactionKey();
}

TEST(TransactionKeyTest, MagicCookieKeyIsBranchSentByAndMethod) {
  TransactionKey k = server_key({});
  EXPECT_EQ(k.role(), Role::kServer);
  EXPECT_EQ(k.rule(), Rule::kRfc3261);
  EXPECT_EQ(k.branch(), "nashds8") << "kept without the magic cookie";
  EXPECT_EQ(k.sent_by_host(), "192.0.2.10");
  EXPECT_EQ(k.sent_by_port(), 5060);
  EXPECT_EQ(k.method(), "SUBSCRIBE");
  EXPECT_EQ(k.call_id(), "");  // not part of an RFC 3261 key
  // Under the RFC 3261 rule only branch, sent-by and method count.
  EXPECT_EQ(
      k,
      server_key(
          {.ruri = "sip:other@example.com", .from_tag = "x", .call_id = "other@host", .cseq = 1}));
  EXPECT_EQ(k.hash(), server_key({.call_id = "other@host"}).hash());
}

TEST(TransactionKeyTest, MagicCookieKeyDiffersByEachOfItsParts) {
  TransactionKey k = server_key({});
  EXPECT_NE(k, server_key({.branch = "z9hG4bKnashds9"}));
  EXPECT_NE(k, server_key({.via_host = "192.0.2.11"}));
  EXPECT_NE(k, server_key({.via_port = "5062"}));
  EXPECT_NE(k, server_key({.via_port = ""}));  // sent-by compared as written
  EXPECT_NE(k, server_key({.method = "PUBLISH"}));
  // Hostnames compare without case.
  EXPECT_EQ(server_key({.via_host = "PC33.Example.COM"}),
            server_key({.via_host = "pc33.example.com"}));
}

TEST(TransactionKeyTest, AckMapsToInviteAndCancelIsDistinct) {
  TransactionKey invite = server_key({.method = "INVITE"});
  TransactionKey ack = server_key({.method = "ACK"});
  TransactionKey cancel = server_key({.method = "CANCEL"});
  EXPECT_EQ(ack, invite);
  EXPECT_EQ(ack.method(), "INVITE");
  EXPECT_NE(cancel, invite);
  EXPECT_EQ(cancel.method(), "CANCEL");
  // A CANCEL shares the branch of the request it cancels, yet is a transaction of its own.
  EXPECT_NE(server_key({.method = "CANCEL"}), server_key({.method = "SUBSCRIBE"}));
  // RFC 2543 keys map ACK the same way.
  EXPECT_EQ(server_key({.method = "ACK", .branch = ""}).method(), "INVITE");
  EXPECT_EQ(server_key({.method = "ACK", .branch = ""}),
            server_key({.method = "INVITE", .branch = ""}));
}

TEST(TransactionKeyTest, BadBranchTortureMessageUsesRfc2543Fallback) {
  const std::string bytes = read_data_file("rfc4475/badbranch.dat");
  Message m = parse(bytes);
  ASSERT_EQ(m.top_via()->branch(), "z9hG4bK");
  auto k = TransactionKey::for_server(m);
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->rule(), Rule::kRfc2543);
  EXPECT_EQ(k->request_uri(), "sip:user@example.com");
  EXPECT_EQ(k->from_tag(), "33242");
  EXPECT_EQ(k->to_tag(), "");
  EXPECT_EQ(k->call_id(), "badbranch.sadonfo23i420jv0as0derf3j3n");
  EXPECT_EQ(k->cseq(), 8u);
  EXPECT_EQ(k->method(), "OPTIONS");
  EXPECT_EQ(k->branch(), "z9hG4bK");
  EXPECT_EQ(k->sent_by_host(), "192.0.2.1");

  // The same bytes again match; the same branch with another Call-ID does not (under the
  // RFC 3261 rule it would).
  EXPECT_EQ(*k, *TransactionKey::for_server(parse(bytes)));
  std::string other = bytes;
  other.replace(other.find("badbranch.sadonfo"), 9, "goodbrnch");
  EXPECT_NE(*k, *TransactionKey::for_server(parse(other)));
}

TEST(TransactionKeyTest, Rfc2543KeyComparesAllItsFields) {
  const RequestSpec base{.branch = ""};
  TransactionKey k = server_key(base);
  EXPECT_EQ(k.rule(), Rule::kRfc2543);
  EXPECT_EQ(k, server_key(base));
  auto with = [&](auto edit) {
    RequestSpec s = base;
    edit(s);
    return server_key(s);
  };
  EXPECT_NE(k, with([](RequestSpec& s) { s.ruri = "sip:carol@example.com"; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.to_tag = "abc"; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.from_tag = "other"; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.call_id = "other@host"; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.cseq = 2; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.method = "NOTIFY"; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.via_host = "192.0.2.99"; }));
  EXPECT_NE(k, with([](RequestSpec& s) { s.branch = "1234"; }));  // old-style branch counts too
  // And the RFC 3261 key of the same request is another key.
  EXPECT_NE(k, server_key({}));
}

TEST(TransactionKeyTest, ServerKeyNeedsViaAndCSeq) {
  Message no_via = parse(
      "OPTIONS sip:a@example.com SIP/2.0\r\nTo: <sip:a@example.com>\r\n"
      "From: <sip:b@example.com>;tag=1\r\nCall-ID: x@y\r\nCSeq: 1 OPTIONS\r\n"
      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
  auto k = TransactionKey::for_server(no_via);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().status, 400);
}

TEST(TransactionKeyTest, ClientKeyMatchesResponseByBranchAndCSeqMethod) {
  Message req = request({});
  TransactionKey k = client_key(req);
  EXPECT_EQ(k.role(), Role::kClient);
  EXPECT_EQ(k, client_key(response({})));
  EXPECT_EQ(k, client_key(response({.status = 404, .to_tag = "other"})));
  EXPECT_NE(k, client_key(response({.branch = "z9hG4bKnashds9"})));
  EXPECT_NE(k, client_key(response({.cseq_method = "CANCEL"})));  // the CANCEL's own response
  // Client and server transactions for the same message never collide.
  EXPECT_NE(k, server_key({}));
}

TEST(TransactionKeyTest, ClientKeyNeedsAnRfc3261Branch) {
  EXPECT_FALSE(TransactionKey::for_client(request({.branch = ""})).ok());
  EXPECT_FALSE(TransactionKey::for_client(response({.branch = "z9hG4bK"})).ok());
  EXPECT_FALSE(TransactionKey::for_client(response({.branch = "abc"})).ok());
}

TEST(TransactionKeyTest, ClientKeyFromMethodAndBranchEqualsTheParsedOne) {
  Message m = request({.method = "NOTIFY", .branch = "z9hG4bKnotify1"});
  auto parsed = TransactionKey::for_client(m);
  auto given = TransactionKey::for_client("NOTIFY", "z9hG4bKnotify1");
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(*given, *parsed);
  EXPECT_EQ(given->hash(), parsed->hash());
  EXPECT_NE(*TransactionKey::for_client("PUBLISH", "z9hG4bKnotify1"), *parsed);
  EXPECT_FALSE(TransactionKey::for_client("NOTIFY", "z9hG4bK").ok());
  EXPECT_FALSE(TransactionKey::for_client("NOTIFY", "abc").ok());
  EXPECT_FALSE(TransactionKey::for_client("NOTIFY", "").ok());
}

TEST(TransactionKeyTest, KeysWorkInHashedContainers) {
  std::unordered_set<TransactionKey> set;
  set.insert(server_key({}));
  set.insert(server_key({.call_id = "ignored@host"}));
  set.insert(server_key({.branch = "z9hG4bKother"}));
  set.insert(server_key({.branch = ""}));
  set.insert(client_key(request({})));
  EXPECT_EQ(set.size(), 4u);
}

TEST(MergedRequestKeyTest, FromTagCallIdAndCSeq) {
  auto k = MergedRequestKey::of(request({}));
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->from_tag, "1928301774");
  EXPECT_EQ(k->call_id, "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(k->cseq, 314159u);
  EXPECT_EQ(k->method, "SUBSCRIBE");
  // Different branch and Via: same merge key.
  EXPECT_EQ(*k, *MergedRequestKey::of(request({.via_host = "198.51.100.1", .branch = "z9hG4bKb"})));
  EXPECT_NE(*k, *MergedRequestKey::of(request({.cseq = 314160})));
  EXPECT_NE(*k, *MergedRequestKey::of(request({.method = "CANCEL"})));
  // Requests with a To tag are in a dialog and never merged.
  EXPECT_FALSE(MergedRequestKey::of(request({.to_tag = "abc"})).has_value());
}

}  // namespace
}  // namespace pinana::sip::transaction
