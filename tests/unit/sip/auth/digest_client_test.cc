// DigestClient: challenge choice (RFC 8760 §2.4), the credentials it writes, nonce counting, and
// how it notices that its password was refused.
#include "pinana/sip/auth/digest_client.h"

#include <gtest/gtest.h>

#include <set>

#include "auth_test_util.h"
#include "pinana/sip/auth/auth_header.h"
#include "pinana/sip/auth/digest_params.h"
#include "pinana/sip/auth/digest_response.h"

namespace pinana::sip::auth {
namespace {

std::string param(std::string_view header_value, std::string_view name) {
  auto h = parse_auth_header(header_value);
  if (!h) return "<unparsable>";
  auto p = h->params.find(name);
  return p ? std::string(p->value) : std::string("<absent>");
}

std::string challenge(std::string_view algorithm, std::string_view nonce = "n1",
                      std::string_view realm = "example.com", std::string_view extra = {}) {
  return "Digest realm=\"" + std::string(realm) + "\", nonce=\"" + std::string(nonce) +
         "\", opaque=\"op\", algorithm=" + std::string(algorithm) + ", qop=\"auth\"" +
         std::string(extra);
}

Status learn(DigestClient& c, std::initializer_list<std::string> values, int status = 401) {
  std::vector<std::string_view> v(values.begin(), values.end());
  if (status == 407) return c.on_challenge(status, {}, v);
  return c.on_challenge(status, v, {});
}

// RFC 2617 §3.5 from the client side: the RFC's challenge and cnonce give the RFC's response.
TEST(DigestClient, Rfc2617Vector) {
  DigestClient c("Mufasa", "Circle Of Life");
  c.set_cnonce_source([] { return Result<std::string>(std::string("0a4f113b")); });
  ASSERT_TRUE(learn(c, {"Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""})
                  .ok());
  auto v = c.credentials_for("testrealm@host.com", "GET", "/dir/index.html");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(param(*v, "response"), "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(param(*v, "algorithm"), "MD5");
  EXPECT_EQ(param(*v, "opaque"), "5ccc069c403ebaf9f0171e9517f40e41");
}

// RFC 7616 §3.9.1: the SHA-256 challenge is listed first and is the one answered.
TEST(DigestClient, Rfc7616Sha256Vector) {
  DigestClient c("Mufasa", "Circle of Life");
  c.set_cnonce_source([] {
    return Result<std::string>(std::string("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"));
  });
  ASSERT_TRUE(
      learn(c, {"Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                "algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
                "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                "algorithm=MD5, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""})
          .ok());
  auto v = c.credentials_for("http-auth@example.org", "GET", "/dir/index.html");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(param(*v, "algorithm"), "SHA-256");
  EXPECT_EQ(param(*v, "response"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(DigestClient, PicksTheTopmostSupportedChallenge) {
  {
    DigestClient c("alice", "pw");
    ASSERT_TRUE(learn(c, {challenge("SHA3-999"), challenge("SHA-256"), challenge("MD5")}).ok());
    EXPECT_EQ(c.algorithm_for("example.com"), DigestAlgorithm::kSha256);
  }
  {
    // The server's order decides, even if the client could do better (RFC 8760 §2.4).
    DigestClient c("alice", "pw");
    ASSERT_TRUE(learn(c, {challenge("MD5"), challenge("SHA-256")}).ok());
    EXPECT_EQ(c.algorithm_for("example.com"), DigestAlgorithm::kMd5);
  }
  {
    DigestClient c("alice", "pw", {DigestAlgorithm::kMd5});
    ASSERT_TRUE(learn(c, {challenge("SHA-256"), challenge("MD5")}).ok());
    EXPECT_EQ(c.algorithm_for("example.com"), DigestAlgorithm::kMd5);
    auto v = c.credentials_for("example.com", "REGISTER", "sip:example.com");
    EXPECT_EQ(param(*v, "algorithm"), "MD5");
  }
  {
    // Other schemes, broken challenges and qop values we do not know are skipped.
    DigestClient c("alice", "pw");
    ASSERT_TRUE(learn(c, {"Basic realm=\"example.com\"", "Digest realm=\"example.com\"",
                          "Digest realm=\"example.com\", nonce=\"x\", qop=\"auth-conf\"",
                          "Digest realm=\"example.com\", nonce=\"unterminated",
                          challenge("SHA-512-256", "good")})
                    .ok());
    EXPECT_EQ(c.algorithm_for("example.com"), DigestAlgorithm::kSha512_256);
    EXPECT_EQ(param(*c.credentials_for("example.com", "R", "sip:x"), "nonce"), "good");
  }
  {
    DigestClient c("alice", "pw", {DigestAlgorithm::kSha256});
    Status s = learn(c, {challenge("MD5"), "Basic realm=\"x\""});
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.error().status, 401);
    EXPECT_FALSE(c.knows_realm("example.com"));
  }
}

TEST(DigestClient, CredentialsFieldsAndNonceCount) {
  DigestClient c("alice", "pw");
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "n1")}).ok());
  std::set<std::string> cnonces;
  for (int i = 1; i <= 3; ++i) {
    auto v = c.credentials_for("example.com", "SUBSCRIBE", "sip:bob@example.com;transport=tcp");
    ASSERT_TRUE(v.ok());
    auto h = parse_auth_header(*v);
    ASSERT_TRUE(h.ok()) << *v;
    auto cr = parse_digest_credentials(*h);
    ASSERT_TRUE(cr.ok()) << *v;
    EXPECT_EQ(cr->username, "alice");
    EXPECT_EQ(cr->realm, "example.com");
    EXPECT_EQ(cr->nonce, "n1");
    EXPECT_EQ(cr->uri, "sip:bob@example.com;transport=tcp");
    EXPECT_TRUE(h->params.find("uri")->quoted);  // RFC 3261 §22.4 item 2
    EXPECT_EQ(cr->opaque, "op");
    EXPECT_EQ(cr->qop, "auth");
    EXPECT_EQ(cr->nc, static_cast<uint32_t>(i));
    EXPECT_EQ(cr->cnonce.size(), 32u);
    cnonces.insert(std::string(cr->cnonce));
    // The response is what the formula gives for those fields.
    const std::string ha1 = compute_ha1(DigestAlgorithm::kSha256, "alice", "example.com", "pw");
    DigestInput in{DigestAlgorithm::kSha256,
                   ha1,
                   cr->nonce,
                   cr->cnonce,
                   cr->nc_text,
                   cr->qop,
                   "SUBSCRIBE",
                   cr->uri,
                   {}};
    EXPECT_EQ(cr->response, compute_response(in));
  }
  EXPECT_EQ(cnonces.size(), 3u);

  // A stale re-challenge brings a new nonce and restarts nc.
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "n2", "example.com", ", stale=true")}).ok());
  auto v = c.credentials_for("example.com", "SUBSCRIBE", "sip:bob@example.com");
  EXPECT_EQ(param(*v, "nonce"), "n2");
  EXPECT_EQ(param(*v, "nc"), "00000001");
  EXPECT_FALSE(c.credentials_for("elsewhere", "SUBSCRIBE", "sip:bob@example.com").ok());
}

TEST(DigestClient, ExactWireForm) {
  DigestClient c("alice", "pw");
  c.set_cnonce_source([] { return Result<std::string>(std::string("c0ffee")); });
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "abc")}).ok());
  auto v = c.credentials_for("example.com", "REGISTER", "sip:example.com");
  const std::string ha1 = compute_ha1(DigestAlgorithm::kSha256, "alice", "example.com", "pw");
  const std::string response = compute_response({DigestAlgorithm::kSha256,
                                                 ha1,
                                                 "abc",
                                                 "c0ffee",
                                                 "00000001",
                                                 "auth",
                                                 "REGISTER",
                                                 "sip:example.com",
                                                 {}});
  EXPECT_EQ(*v,
            "Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\", "
            "uri=\"sip:example.com\", response=\"" +
                response +
                "\", algorithm=SHA-256, cnonce=\"c0ffee\", opaque=\"op\", qop=auth, "
                "nc=00000001");
}

TEST(DigestClient, SecondNonStaleChallengeMeansRefused) {
  DigestClient c("alice", "wrong");
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "n1")}).ok());
  // Learning again before answering is fine (e.g. a challenge to a parallel request).
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "n1b")}).ok());
  ASSERT_TRUE(c.credentials_for("example.com", "REGISTER", "sip:example.com").ok());
  Status s = learn(c, {challenge("SHA-256", "n2")});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().reason.find("refused"), std::string::npos);
  EXPECT_FALSE(c.knows_realm("example.com"));
}

TEST(DigestClient, ProxyChallengeGivesProxyAuthorization) {
  DigestClient c("alice", "pw");
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "pn", "proxy.example.com")}, 407).ok());
  ASSERT_TRUE(learn(c, {challenge("SHA-256", "un", "example.com")}).ok());
  Message req = testing::request("PUBLISH", "sip:alice@example.com", 2, "<x/>");
  ASSERT_TRUE(c.authorize(req).ok());
  ASSERT_EQ(req.count(HeaderId::kProxyAuthorization), 1u);
  ASSERT_EQ(req.count(HeaderId::kAuthorization), 1u);
  EXPECT_EQ(param(req.value(HeaderId::kProxyAuthorization), "realm"), "proxy.example.com");
  EXPECT_EQ(param(req.value(HeaderId::kAuthorization), "realm"), "example.com");
  EXPECT_EQ(param(req.value(HeaderId::kAuthorization), "uri"), "sip:alice@example.com");

  // Authorizing the same request again replaces, not adds (one set per realm).
  ASSERT_TRUE(c.authorize(req).ok());
  EXPECT_EQ(req.count(HeaderId::kProxyAuthorization), 1u);
  EXPECT_EQ(req.count(HeaderId::kAuthorization), 1u);
  EXPECT_EQ(param(req.value(HeaderId::kAuthorization), "nc"), "00000002");
  Message wire = testing::over_the_wire(req);
  EXPECT_EQ(wire.count(HeaderId::kAuthorization), 1u);
}

}  // namespace
}  // namespace pinana::sip::auth
