// Client and server together over real SIP messages: request, 401/407 built from the outcome,
// client learns it, re-sends with credentials, server accepts; then stale nonces and refusals.
#include <gtest/gtest.h>

#include "auth_test_util.h"
#include "pinana/sip/auth/digest_client.h"
#include "pinana/sip/auth/digest_server.h"
#include "pinana/sip/writer.h"

namespace pinana::sip::auth {
namespace {

class RoundTrip : public ::testing::Test {
 protected:
  RoundTrip() { users_.add("alice", "example.com", "secret"); }

  DigestServer make(std::vector<DigestAlgorithm> algorithms, bool proxy = false) {
    DigestServerOptions o;
    o.realm = "example.com";
    o.algorithms = std::move(algorithms);
    o.proxy = proxy;
    o.nonce_lifetime = std::chrono::seconds(60);
    return std::move(DigestServer::create(std::move(o), clock_)).value();
  }

  // The server's answer to `request` as the client receives it.
  static Message response_for(const Message& request, const AuthOutcome& outcome) {
    Message r = testing::parse_message(make_response(request, outcome.status, {}, "srv1"));
    outcome.add_challenges_to(r);
    return testing::over_the_wire(r);
  }

  // A new request (next CSeq) with the client's credentials, as the server receives it.
  Message send(DigestClient& client, std::string_view method, int cseq,
               std::string_view body = {}) {
    Message m = testing::request(method, "sip:alice@example.com", cseq, body);
    EXPECT_TRUE(client.authorize(m).ok());
    return testing::over_the_wire(m);
  }

  FakeClock clock_;
  testing::MapCredentials users_;
};

TEST_F(RoundTrip, Md5AndSha256) {
  for (auto a : {DigestAlgorithm::kMd5, DigestAlgorithm::kSha256}) {
    SCOPED_TRACE(std::string(algorithm_name(a)));
    DigestServer server = make({a});
    DigestClient client("alice", "secret");

    Message first = send(client, "PUBLISH", 1, "<presence/>");
    EXPECT_EQ(first.count(HeaderId::kAuthorization), 0u);
    AuthOutcome o1 = server.verify(first, users_);
    ASSERT_EQ(o1.verdict, AuthVerdict::kChallenge);
    Message r1 = response_for(first, o1);
    EXPECT_EQ(r1.status_code(), 401);
    EXPECT_EQ(r1.count(HeaderId::kWwwAuthenticate), 1u);
    ASSERT_TRUE(client.on_challenge(r1).ok());

    Message second = send(client, "PUBLISH", 2, "<presence/>");
    EXPECT_EQ(second.count(HeaderId::kAuthorization), 1u);
    AuthOutcome o2 = server.verify(second, users_);
    EXPECT_TRUE(o2.accepted()) << reason_text(o2.reason);
    EXPECT_EQ(o2.username, "alice");
    EXPECT_EQ(o2.algorithm, a);

    // Later requests reuse the nonce with nc+1, without another challenge.
    for (int cseq = 3; cseq < 6; ++cseq) {
      Message next = send(client, "SUBSCRIBE", cseq);
      EXPECT_TRUE(server.verify(next, users_).accepted()) << cseq;
    }
    // The exact bytes of an accepted request, sent again, are a replay.
    Message again = testing::over_the_wire(second);
    EXPECT_FALSE(server.verify(again, users_).accepted());
  }
}

TEST_F(RoundTrip, ServerPrefersSha256AndClientFollows) {
  DigestServer server = make({DigestAlgorithm::kSha256, DigestAlgorithm::kMd5});
  DigestClient client("alice", "secret");
  Message first = send(client, "REGISTER", 1);
  Message r1 = response_for(first, server.verify(first, users_));
  ASSERT_EQ(r1.count(HeaderId::kWwwAuthenticate), 2u);
  ASSERT_TRUE(client.on_challenge(r1).ok());
  AuthOutcome o = server.verify(send(client, "REGISTER", 2), users_);
  EXPECT_TRUE(o.accepted());
  EXPECT_EQ(o.algorithm, DigestAlgorithm::kSha256);

  // A client that speaks only MD5 answers the second challenge of its own 401.
  DigestClient legacy("alice", "secret", {DigestAlgorithm::kMd5});
  Message lfirst = send(legacy, "REGISTER", 3);
  ASSERT_TRUE(legacy.on_challenge(response_for(lfirst, server.verify(lfirst, users_))).ok());
  AuthOutcome l = server.verify(send(legacy, "REGISTER", 4), users_);
  EXPECT_TRUE(l.accepted());
  EXPECT_EQ(l.algorithm, DigestAlgorithm::kMd5);
}

TEST_F(RoundTrip, StaleNonceIsRenewedTransparently) {
  DigestServer server = make({DigestAlgorithm::kSha256});
  DigestClient client("alice", "secret");
  Message first = send(client, "SUBSCRIBE", 1);
  ASSERT_TRUE(client.on_challenge(response_for(first, server.verify(first, users_))).ok());
  EXPECT_TRUE(server.verify(send(client, "SUBSCRIBE", 2), users_).accepted());

  clock_.advance(std::chrono::seconds(61));
  Message late = send(client, "SUBSCRIBE", 3);
  AuthOutcome o = server.verify(late, users_);
  ASSERT_EQ(o.verdict, AuthVerdict::kChallenge);
  EXPECT_TRUE(o.stale);
  ASSERT_TRUE(client.on_challenge(response_for(late, o)).ok());
  EXPECT_TRUE(server.verify(send(client, "SUBSCRIBE", 4), users_).accepted());
}

TEST_F(RoundTrip, WrongPasswordEndsAfterOneRetry) {
  DigestServer server = make({DigestAlgorithm::kSha256});
  DigestClient client("alice", "guess");
  Message first = send(client, "REGISTER", 1);
  ASSERT_TRUE(client.on_challenge(response_for(first, server.verify(first, users_))).ok());
  Message second = send(client, "REGISTER", 2);
  AuthOutcome o = server.verify(second, users_);
  ASSERT_EQ(o.verdict, AuthVerdict::kChallenge);
  EXPECT_FALSE(o.stale);
  EXPECT_FALSE(client.on_challenge(response_for(second, o)).ok());
}

TEST_F(RoundTrip, ProxyAuthentication) {
  DigestServer server = make({DigestAlgorithm::kSha256}, /*proxy=*/true);
  DigestClient client("alice", "secret");
  Message first = send(client, "SUBSCRIBE", 1);
  AuthOutcome o1 = server.verify(first, users_);
  Message r1 = response_for(first, o1);
  EXPECT_EQ(r1.status_code(), 407);
  EXPECT_EQ(r1.count(HeaderId::kProxyAuthenticate), 1u);
  ASSERT_TRUE(client.on_challenge(r1).ok());
  Message second = send(client, "SUBSCRIBE", 2);
  EXPECT_EQ(second.count(HeaderId::kProxyAuthorization), 1u);
  EXPECT_EQ(second.count(HeaderId::kAuthorization), 0u);
  EXPECT_TRUE(server.verify(second, users_).accepted());
}

}  // namespace
}  // namespace pinana::sip::auth
