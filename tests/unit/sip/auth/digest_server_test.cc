// DigestServer: challenges, and each way credentials can be accepted, re-challenged or refused.
#include "pinana/sip/auth/digest_server.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "auth_test_util.h"
#include "pinana/sip/auth/digest_client.h"
#include "pinana/sip/auth/digest_response.h"

namespace pinana::sip::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class DigestServerTest : public ::testing::Test {
 protected:
  DigestServerTest() { users_.add("alice", "example.com", "secret"); }

  DigestServer make(DigestServerOptions o = {}) {
    if (o.realm.empty()) o.realm = "example.com";
    auto s = DigestServer::create(std::move(o), clock_);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().reason);
    return std::move(s).value();
  }

  // The credentials `client` sends after being challenged by `server`.
  std::string answer(DigestServer& server, DigestClient& client, std::string_view method,
                     std::string_view uri, std::string_view body = {}) {
    AuthOutcome c = server.challenge();
    std::vector<std::string_view> values(c.challenges.begin(), c.challenges.end());
    EXPECT_TRUE(client.on_challenge(c.status, values, {}).ok());
    auto v = client.credentials_for(server.options().realm, method, uri, body);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : std::string();
  }

  AuthOutcome verify(DigestServer& server, std::string_view value,
                     std::string_view method = "REGISTER", std::string_view uri = "sip:example.com",
                     std::string_view body = {}) {
    std::string_view values[] = {value};
    return server.verify(method, uri, body, values, users_);
  }

  static std::string param(std::string_view header_value, std::string_view name) {
    auto h = parse_auth_header(header_value);
    if (!h) return "<unparsable>";
    auto p = h->params.find(name);
    return p ? std::string(p->value) : std::string("<absent>");
  }

  static std::string replace(std::string s, std::string_view from, std::string_view to) {
    auto pos = s.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) s.replace(pos, from.size(), to);
    return s;
  }

  FakeClock clock_;
  testing::MapCredentials users_;
};

TEST_F(DigestServerTest, OneChallengePerAlgorithmMostPreferredFirst) {
  DigestServer s = make();
  AuthOutcome c = s.challenge();
  EXPECT_EQ(c.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(c.status, 401);
  EXPECT_EQ(c.challenge_header, HeaderId::kWwwAuthenticate);
  ASSERT_EQ(c.challenges.size(), 2u);
  EXPECT_EQ(param(c.challenges[0], "algorithm"), "SHA-256");
  EXPECT_EQ(param(c.challenges[1], "algorithm"), "MD5");
  for (const auto& v : c.challenges) {
    auto ch = parse_digest_challenge(*parse_auth_header(v));
    ASSERT_TRUE(ch.ok()) << v;
    EXPECT_EQ(ch->realm, "example.com");
    EXPECT_EQ(ch->qop_options, "auth");
    EXPECT_TRUE(ch->has_opaque);
    EXPECT_FALSE(ch->opaque.empty());
    EXPECT_FALSE(ch->stale);
    EXPECT_EQ(ch->nonce.size(), NonceCodec::kNonceSize);
  }
  EXPECT_EQ(param(c.challenges[0], "nonce"), param(c.challenges[1], "nonce"));
  EXPECT_NE(param(s.challenge().challenges[0], "nonce"), param(c.challenges[0], "nonce"));

  DigestServerOptions o;
  o.algorithms = {DigestAlgorithm::kMd5, DigestAlgorithm::kSha512_256, DigestAlgorithm::kSha256};
  o.proxy = true;
  o.offer_auth_int = true;
  DigestServer p = make(o);
  AuthOutcome pc = p.challenge(true);
  EXPECT_EQ(pc.status, 407);
  EXPECT_EQ(pc.challenge_header, HeaderId::kProxyAuthenticate);
  ASSERT_EQ(pc.challenges.size(), 3u);
  EXPECT_EQ(param(pc.challenges[0], "algorithm"), "MD5");
  EXPECT_EQ(param(pc.challenges[1], "algorithm"), "SHA-512-256");
  EXPECT_EQ(param(pc.challenges[2], "algorithm"), "SHA-256");
  for (const auto& v : pc.challenges) {
    EXPECT_EQ(param(v, "qop"), "auth,auth-int");
    EXPECT_EQ(param(v, "stale"), "true");
  }
}

TEST_F(DigestServerTest, CreateRefusesBadOptions) {
  auto bad = [&](auto edit) {
    DigestServerOptions o;
    o.realm = "example.com";
    edit(o);
    return !DigestServer::create(std::move(o), clock_).ok();
  };
  EXPECT_TRUE(bad([](DigestServerOptions& o) { o.realm.clear(); }));
  EXPECT_TRUE(bad([](DigestServerOptions& o) { o.realm = "a\r\nb"; }));
  EXPECT_TRUE(bad([](DigestServerOptions& o) { o.algorithms.clear(); }));
  EXPECT_TRUE(bad([](DigestServerOptions& o) {
    o.algorithms = {DigestAlgorithm::kMd5, DigestAlgorithm::kMd5};
  }));
  EXPECT_TRUE(bad([](DigestServerOptions& o) { o.secret = "short"; }));
  EXPECT_TRUE(bad([](DigestServerOptions& o) { o.nonce_lifetime = seconds(0); }));
  EXPECT_FALSE(bad([](DigestServerOptions&) {}));
}

TEST_F(DigestServerTest, AcceptsRightCredentialsForEachAlgorithm) {
  for (auto a : {DigestAlgorithm::kMd5, DigestAlgorithm::kSha256, DigestAlgorithm::kSha512_256,
                 DigestAlgorithm::kMd5Sess, DigestAlgorithm::kSha256Sess}) {
    DigestServerOptions o;
    o.algorithms = {a};
    DigestServer s = make(o);
    DigestClient client("alice", "secret");
    AuthOutcome r = verify(s, answer(s, client, "REGISTER", "sip:example.com"));
    EXPECT_TRUE(r.accepted()) << algorithm_name(a) << ": " << reason_text(r.reason);
    EXPECT_EQ(r.username, "alice");
    EXPECT_EQ(r.algorithm, a);
    EXPECT_EQ(r.status, 0);
  }
}

TEST_F(DigestServerTest, AcceptsWithHa1OnlyStore) {
  users_.ha1_only = true;
  for (auto a : {DigestAlgorithm::kMd5, DigestAlgorithm::kSha256}) {
    DigestServerOptions o;
    o.algorithms = {a};
    DigestServer s = make(o);
    DigestClient client("alice", "secret");
    EXPECT_TRUE(verify(s, answer(s, client, "REGISTER", "sip:example.com")).accepted());
  }
}

TEST_F(DigestServerTest, NoCredentialsIsAChallenge) {
  DigestServer s = make();
  AuthOutcome r = s.verify(testing::request("SUBSCRIBE", "sip:bob@example.com", 1), users_);
  EXPECT_EQ(r.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(r.reason, AuthReason::kNoCredentials);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.challenges.size(), 2u);
  EXPECT_FALSE(r.stale);
}

TEST_F(DigestServerTest, UnknownSchemeRfc4475Regaut01IsChallenged) {
  std::ifstream f(std::string(PINANA_TEST_DATA) + "/rfc4475/regaut01.dat", std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  auto m = Message::from_bytes(ss.str(), Framing::kDatagram);
  ASSERT_TRUE(m.ok()) << m.error().reason;
  DigestServer s = make();
  AuthOutcome r = s.verify(*m, users_);
  EXPECT_EQ(r.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(r.reason, AuthReason::kNoCredentials);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(users_.lookups, 0);
}

TEST_F(DigestServerTest, CredentialsForAnotherRealmAreIgnored) {
  DigestServerOptions o;
  o.realm = "other.org";
  DigestServer other = make(o);
  DigestServer s = make();
  DigestClient client("alice", "secret");
  AuthOutcome r = verify(s, answer(other, client, "REGISTER", "sip:example.com"));
  EXPECT_EQ(r.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(r.reason, AuthReason::kNoCredentials);
}

TEST_F(DigestServerTest, WrongPasswordChallengesAgainOrForbids) {
  DigestServer s = make();
  DigestClient client("alice", "not-the-secret");
  AuthOutcome r = verify(s, answer(s, client, "REGISTER", "sip:example.com"));
  EXPECT_EQ(r.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(r.reason, AuthReason::kWrongResponse);
  EXPECT_FALSE(r.stale);
  EXPECT_EQ(r.status, 401);

  DigestClient stranger("mallory", "secret");
  AuthOutcome u = verify(s, answer(s, stranger, "REGISTER", "sip:example.com"));
  EXPECT_EQ(u.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(u.reason, AuthReason::kUnknownUser);
  EXPECT_FALSE(u.stale);

  DigestServerOptions o;
  o.forbid_wrong_credentials = true;
  DigestServer strict = make(o);
  DigestClient again("alice", "nope");
  AuthOutcome f = verify(strict, answer(strict, again, "REGISTER", "sip:example.com"));
  EXPECT_EQ(f.verdict, AuthVerdict::kForbidden);
  EXPECT_EQ(f.status, 403);
  EXPECT_TRUE(f.challenges.empty());
}

TEST_F(DigestServerTest, ExpiredNonceWithRightPasswordIsStale) {
  DigestServerOptions o;
  o.nonce_lifetime = seconds(30);
  DigestServer s = make(o);
  DigestClient client("alice", "secret");
  const std::string first = answer(s, client, "REGISTER", "sip:example.com");
  clock_.advance(seconds(30));  // exactly the lifetime: still good
  EXPECT_TRUE(verify(s, first).accepted());

  auto second = client.credentials_for("example.com", "REGISTER", "sip:example.com");
  clock_.advance(milliseconds(1));
  AuthOutcome r = verify(s, *second);
  EXPECT_EQ(r.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(r.reason, AuthReason::kStaleNonce);
  EXPECT_TRUE(r.stale);
  ASSERT_EQ(r.challenges.size(), 2u);
  for (const auto& v : r.challenges) EXPECT_EQ(param(v, "stale"), "true");

  // The client takes the new nonce without prompting and gets in.
  std::vector<std::string_view> values(r.challenges.begin(), r.challenges.end());
  ASSERT_TRUE(client.on_challenge(401, values, {}).ok());
  auto third = client.credentials_for("example.com", "REGISTER", "sip:example.com");
  EXPECT_EQ(param(*third, "nc"), "00000001");
  EXPECT_TRUE(verify(s, *third).accepted());
}

TEST_F(DigestServerTest, ExpiredNonceWithWrongPasswordIsNotStale) {
  DigestServer s = make();
  DigestClient client("alice", "wrong");
  const std::string v = answer(s, client, "REGISTER", "sip:example.com");
  clock_.advance(std::chrono::hours(1));
  AuthOutcome r = verify(s, v);
  EXPECT_EQ(r.reason, AuthReason::kWrongResponse);
  EXPECT_FALSE(r.stale);
}

TEST_F(DigestServerTest, TamperedNonceIsRejected) {
  DigestServer s = make();
  DigestClient client("alice", "secret");
  const std::string v = answer(s, client, "REGISTER", "sip:example.com");
  const std::string nonce = param(v, "nonce");
  std::string forged_nonce = nonce;
  forged_nonce[3] = forged_nonce[3] == 'x' ? 'y' : 'x';
  AuthOutcome r = verify(s, replace(v, nonce, forged_nonce));
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(r.reason, AuthReason::kWrongResponse);  // the response covers the nonce
  EXPECT_FALSE(r.stale);
}

TEST_F(DigestServerTest, ForgedNonceWithConsistentResponseIsNotAccepted) {
  // A client (with the password) answering a nonce we never issued — or one a restarted server
  // issued with another secret — gets a fresh nonce (stale=true), never access.
  DigestServer s = make();
  DigestServerOptions o;
  o.secret = std::string(32, 'k');
  DigestServer other = make(o);  // same realm, other secret
  DigestClient client("alice", "secret");
  AuthOutcome r = verify(s, answer(other, client, "REGISTER", "sip:example.com"));
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(r.reason, AuthReason::kBadNonce);
  EXPECT_TRUE(r.stale);

  // A server with the same secret takes it.
  DigestServer twin = make(o);
  DigestClient c2("alice", "secret");
  EXPECT_TRUE(verify(twin, answer(other, c2, "REGISTER", "sip:example.com")).accepted());
}

TEST_F(DigestServerTest, OpaqueMustComeBack) {
  DigestServer s = make();
  DigestClient client("alice", "secret");
  const std::string v = answer(s, client, "REGISTER", "sip:example.com");
  const std::string opaque = param(v, "opaque");
  AuthOutcome r = verify(s, replace(v, ", opaque=\"" + opaque + "\"", ""));
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(r.reason, AuthReason::kBadNonce);
}

TEST_F(DigestServerTest, NonceCountReplayIsRejectedAndIncreasingIsAccepted) {
  DigestServer s = make();
  DigestClient client("alice", "secret");
  const std::string v1 = answer(s, client, "REGISTER", "sip:example.com");
  const std::string v2 = *client.credentials_for("example.com", "REGISTER", "sip:example.com");
  const std::string v3 = *client.credentials_for("example.com", "REGISTER", "sip:example.com");
  EXPECT_EQ(param(v2, "nc"), "00000002");
  EXPECT_TRUE(verify(s, v1).accepted());

  AuthOutcome replay = verify(s, v1);  // the same request again
  EXPECT_FALSE(replay.accepted());
  EXPECT_EQ(replay.reason, AuthReason::kNonceCountReplay);
  EXPECT_TRUE(replay.stale);

  EXPECT_TRUE(verify(s, v3).accepted());  // nc 3 after 1: increasing
  AuthOutcome late = verify(s, v2);       // nc 2 after 3: not increasing
  EXPECT_FALSE(late.accepted());
  EXPECT_EQ(late.reason, AuthReason::kNonceCountReplay);

  for (int i = 0; i < 5; ++i) {
    auto v = client.credentials_for("example.com", "REGISTER", "sip:example.com");
    EXPECT_TRUE(verify(s, *v).accepted()) << i;
  }
  EXPECT_EQ(s.tracked_nonces(), 1u);
}

TEST_F(DigestServerTest, NonceMemoryIsBounded) {
  DigestServerOptions o;
  o.max_tracked_nonces = 4;
  DigestServer s = make(o);
  std::vector<std::pair<std::unique_ptr<DigestClient>, std::string>> used;
  for (int i = 0; i < 10; ++i) {
    clock_.advance(milliseconds(10));
    auto c = std::make_unique<DigestClient>("alice", "secret");
    std::string v = answer(s, *c, "REGISTER", "sip:example.com");
    EXPECT_TRUE(verify(s, v).accepted()) << i;
    used.emplace_back(std::move(c), v);
  }
  EXPECT_EQ(s.tracked_nonces(), 4u);
  // Replaying the first (evicted) nonce's request still fails.
  AuthOutcome r = verify(s, used.front().second);
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(r.reason, AuthReason::kForgottenNonce);
  // Its client moves on with the next nc and is re-challenged, not refused.
  auto next = used.front().first->credentials_for("example.com", "REGISTER", "sip:example.com");
  AuthOutcome n = verify(s, *next);
  EXPECT_EQ(n.verdict, AuthVerdict::kChallenge);
  EXPECT_TRUE(n.stale);
}

TEST_F(DigestServerTest, UnsupportedAlgorithmIsChallenged) {
  DigestServerOptions md5;
  md5.algorithms = {DigestAlgorithm::kMd5};
  md5.secret = std::string(32, 's');
  DigestServer old = make(md5);
  DigestServerOptions sha;
  sha.algorithms = {DigestAlgorithm::kSha256};
  sha.secret = md5.secret;
  DigestServer s = make(sha);
  DigestClient client("alice", "secret");
  AuthOutcome r = verify(s, answer(old, client, "REGISTER", "sip:example.com"));
  EXPECT_EQ(r.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(r.reason, AuthReason::kUnsupportedAlgorithm);
  ASSERT_EQ(r.challenges.size(), 1u);
  EXPECT_EQ(param(r.challenges[0], "algorithm"), "SHA-256");

  DigestClient fresh("alice", "secret");
  const std::string v = answer(s, fresh, "REGISTER", "sip:example.com");
  EXPECT_EQ(verify(s, replace(v, "algorithm=SHA-256", "algorithm=SHA-1")).reason,
            AuthReason::kUnsupportedAlgorithm);
}

// Credentials written by hand, with a correct response for what they claim.
std::string handmade(std::string_view nonce, std::string_view opaque, std::string_view qop,
                     std::string_view uri, std::string_view body = {}) {
  const std::string ha1 = compute_ha1(DigestAlgorithm::kSha256, "alice", "example.com", "secret");
  DigestInput in;
  in.algorithm = DigestAlgorithm::kSha256;
  in.ha1 = ha1;
  in.nonce = nonce;
  in.cnonce = "cn";
  in.nc = "00000001";
  in.qop = qop;
  in.method = "PUBLISH";
  in.uri = uri;
  in.body = body;
  const std::string response = compute_response(in);
  CredentialsFields f;
  f.username = "alice";
  f.realm = "example.com";
  f.nonce = nonce;
  f.uri = uri;
  f.response = response;
  f.algorithm = DigestAlgorithm::kSha256;
  f.cnonce = "cn";
  f.opaque = opaque;
  f.has_opaque = true;
  f.qop = qop;
  f.nc = 1;
  return format_credentials(f);
}

TEST_F(DigestServerTest, QopRules) {
  DigestServer s = make();
  const AuthOutcome c = s.challenge();
  const std::string nonce = param(c.challenges[0], "nonce");
  const std::string opaque = param(c.challenges[0], "opaque");
  auto check = [&](const std::string& v, std::string_view body = {}) {
    return verify(s, v, "PUBLISH", "sip:alice@example.com", body);
  };
  EXPECT_TRUE(check(handmade(nonce, opaque, "auth", "sip:alice@example.com")).accepted());

  AuthOutcome none = check(handmade(nonce, opaque, "", "sip:alice@example.com"));
  EXPECT_EQ(none.verdict, AuthVerdict::kBadRequest);
  EXPECT_EQ(none.reason, AuthReason::kQopMissing);
  EXPECT_EQ(none.status, 400);

  // auth-int not offered by this server.
  AuthOutcome ai =
      check(handmade(nonce, opaque, "auth-int", "sip:alice@example.com", "<x/>"), "<x/>");
  EXPECT_EQ(ai.verdict, AuthVerdict::kChallenge);
  EXPECT_EQ(ai.reason, AuthReason::kUnsupportedQop);
}

TEST_F(DigestServerTest, AuthIntCoversTheBody) {
  DigestServerOptions o;
  o.offer_auth_int = true;
  o.algorithms = {DigestAlgorithm::kSha256};
  DigestServer s = make(o);
  const AuthOutcome c = s.challenge();
  const std::string nonce = param(c.challenges[0], "nonce");
  const std::string opaque = param(c.challenges[0], "opaque");
  const std::string v = handmade(nonce, opaque, "auth-int", "sip:alice@example.com", "<x/>");
  AuthOutcome altered = verify(s, v, "PUBLISH", "sip:alice@example.com", "<y/>");
  EXPECT_EQ(altered.reason, AuthReason::kWrongResponse);
  EXPECT_TRUE(verify(s, v, "PUBLISH", "sip:alice@example.com", "<x/>").accepted());
}

TEST_F(DigestServerTest, UriMustBeTheRequestUri) {
  DigestServer s = make();
  DigestClient client("alice", "secret");
  const std::string v = answer(s, client, "PUBLISH", "sip:alice@example.com");
  AuthOutcome r = verify(s, v, "PUBLISH", "sip:bob@example.com");
  EXPECT_EQ(r.verdict, AuthVerdict::kBadRequest);
  EXPECT_EQ(r.reason, AuthReason::kUriMismatch);
  EXPECT_EQ(r.status, 400);
  // The same URI with the host in another case is the same URI.
  EXPECT_TRUE(verify(s, v, "PUBLISH", "sip:alice@EXAMPLE.com").accepted());
}

TEST_F(DigestServerTest, MalformedCredentialsAre400) {
  DigestServer s = make();
  DigestClient client("alice", "secret");
  const std::string good = answer(s, client, "REGISTER", "sip:example.com");
  const std::string response = param(good, "response");

  const std::string opaque = param(good, "opaque");
  const std::string unterminated = replace(good, "\"" + opaque + "\"", "\"" + opaque);
  const std::string missing_response = replace(good, "response=\"" + response + "\", ", "");
  const std::string bad_nc = replace(good, "nc=00000001", "nc=1");
  const std::string repeated = good + ", realm=\"example.com\"";
  for (const std::string& v : {unterminated, missing_response, bad_nc, repeated}) {
    AuthOutcome r = verify(s, v);
    EXPECT_EQ(r.verdict, AuthVerdict::kBadRequest) << v;
    EXPECT_EQ(r.reason, AuthReason::kMalformed) << v;
    EXPECT_EQ(r.status, 400) << v;
    EXPECT_FALSE(r.detail.empty());
  }
  EXPECT_EQ(users_.lookups, 0);
  EXPECT_TRUE(verify(s, good).accepted());  // and the original was fine
}

TEST_F(DigestServerTest, AckAndCancelAreNeverChallenged) {
  DigestServer s = make();
  for (std::string_view m : {"ACK", "CANCEL"}) {
    AuthOutcome r = s.verify(testing::request(m, "sip:bob@example.com", 1), users_);
    EXPECT_EQ(r.verdict, AuthVerdict::kExempt) << m;
    EXPECT_TRUE(r.challenges.empty());
    EXPECT_FALSE(DigestServer::is_challengeable(m));
  }
  EXPECT_TRUE(DigestServer::is_challengeable("SUBSCRIBE"));
}

}  // namespace
}  // namespace pinana::sip::auth
