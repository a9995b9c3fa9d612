// parse_auth_header / parse_digest_challenge / parse_digest_credentials: syntax, LWS, quoted-pairs,
// other schemes, and the malformed inputs that must come back as 400.
#include "pinana/sip/auth/auth_header.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "auth_test_util.h"
#include "pinana/sip/auth/digest_params.h"

namespace pinana::sip::auth {
namespace {

TEST(AuthHeader, DigestParamsWithLwsFoldsAndQuotedPairs) {
  // LWS around "=" and ",", a line fold inside the list and one inside a quoted string.
  const std::string_view v =
      "Digest  username = \"bob\" ,realm=\"a\\\"b\\\\c\",\r\n nonce=\"n1\" , "
      "uri=\"sip:x@\r\n y\",response=\"0a\",qop=auth,nc=0000000A, cnonce=\"c\"";
  auto h = parse_auth_header(v);
  ASSERT_TRUE(h.ok()) << h.error().reason;
  EXPECT_TRUE(h->is_digest());
  EXPECT_EQ(h->scheme, "Digest");
  EXPECT_EQ(h->params.size(), 8u);
  auto realm = h->params.find("REALM");  // names compare without case
  ASSERT_TRUE(realm);
  EXPECT_TRUE(realm->quoted);
  EXPECT_EQ(realm->value, "a\\\"b\\\\c");  // a view, quoted-pairs as written
  EXPECT_TRUE(needs_unquote(realm->value));
  EXPECT_EQ(unquote_param(realm->value), "a\"b\\c");
  EXPECT_EQ(unquote_param(h->params.find("uri")->value), "sip:x@ y");
  auto qop = h->params.find("qop");
  ASSERT_TRUE(qop);
  EXPECT_FALSE(qop->quoted);
  EXPECT_EQ(qop->value, "auth");
  // Views point into the input.
  EXPECT_GE(realm->value.data(), v.data());
  EXPECT_LE(realm->value.data() + realm->value.size(), v.data() + v.size());

  auto c = parse_digest_credentials(*h);
  ASSERT_TRUE(c.ok()) << c.error().reason;
  EXPECT_EQ(c->username, "bob");
  EXPECT_EQ(c->nc, 10u);
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kMd5);  // absent: MD5
  EXPECT_TRUE(c->algorithm_text.empty());
}

TEST(AuthHeader, SchemeIsCaseInsensitive) {
  auto h = parse_auth_header("dIgEsT realm=\"r\", nonce=\"n\"");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->is_digest());
  EXPECT_EQ(h->scheme, "dIgEsT");
}

TEST(AuthHeader, UnknownSchemeIsReportedNotRefused) {
  auto h = parse_auth_header("NoOneKnowsThisScheme opaque-data=here");
  ASSERT_TRUE(h.ok()) << h.error().reason;
  EXPECT_FALSE(h->is_digest());
  EXPECT_EQ(h->scheme, "NoOneKnowsThisScheme");
  ASSERT_TRUE(h->params.find("opaque-data"));
  EXPECT_EQ(h->params.find("opaque-data")->value, "here");

  // Data that is not an auth-param list (token68) is kept as text for such schemes.
  auto b = parse_auth_header("Bearer abc.def/ghi==");
  ASSERT_TRUE(b.ok()) << b.error().reason;
  EXPECT_EQ(b->scheme, "Bearer");
  EXPECT_TRUE(b->params.empty());
  EXPECT_EQ(b->data, "abc.def/ghi==");

  auto n = parse_auth_header("Negotiate");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->scheme, "Negotiate");
  EXPECT_TRUE(n->data.empty());
}

// RFC 4475 §3.1.2.16 (regaut01): an unknown scheme in Authorization. The message parses and the
// scheme is exposed so the element can ignore the credentials and challenge.
TEST(AuthHeader, Rfc4475Regaut01) {
  std::ifstream f(std::string(PINANA_TEST_DATA) + "/rfc4475/regaut01.dat", std::ios::binary);
  ASSERT_TRUE(f) << "missing torture message";
  std::stringstream ss;
  ss << f.rdbuf();
  auto m = Message::from_bytes(ss.str(), Framing::kDatagram);
  ASSERT_TRUE(m.ok()) << m.error().reason;
  const HeaderField* a = m->find(HeaderId::kAuthorization);
  ASSERT_NE(a, nullptr);
  auto h = parse_auth_header(a->value);
  ASSERT_TRUE(h.ok()) << h.error().reason;
  EXPECT_EQ(h->scheme, "NoOneKnowsThisScheme");
  EXPECT_FALSE(h->is_digest());
  EXPECT_FALSE(parse_digest_credentials(*h).ok());
}

TEST(AuthHeader, MalformedDigestIs400) {
  for (std::string_view bad : {
           "",                                 // no scheme
           "   ",                              // no scheme
           "Digest",                           // no parameters
           "Digest realm=\"abc",               // unterminated quoted string
           "Digest realm=\"abc\", nonce=\"x",  // unterminated at the end
           "Digest realm",                     // no "="
           "Digest realm=",                    // no value
           "Digest realm=\"a\",,nonce=\"b\"",  // empty element
           "Digest realm=\"a\" nonce=\"b\"",   // missing comma
           "Digest realm=\"a\",",              // trailing comma
           "Digest realm=a b",                 // stray text
           "Digest =\"a\"",                    // no name
           "Digest realm=\"a\r\nb\"",          // bare CRLF in a quoted string
           "Digest, realm=\"a\"",              // comma right after the scheme
           "\"Digest\" realm=\"a\"",           // scheme not a token
       }) {
    auto h = parse_auth_header(bad);
    EXPECT_FALSE(h.ok()) << "accepted: " << bad;
    if (!h.ok()) {
      EXPECT_EQ(h.error().status, 400) << bad;
    }
  }
}

TEST(DigestCredentials, RequiredParameters) {
  const std::string full =
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:a@b\", response=\"00ff\", "
      "qop=auth, nc=00000001, cnonce=\"c\"";
  ASSERT_TRUE(parse_digest_credentials(*parse_auth_header(full)).ok());

  auto without = [&](std::string_view param) {
    // Rebuild the header without `param`.
    std::string out = "Digest ";
    auto h = parse_auth_header(full);
    bool first = true;
    h->params.for_each([&](const AuthParam& p) {
      if (p.name == param) return true;
      if (!first) out += ", ";
      first = false;
      out += std::string(p.name) + "=" + (p.quoted ? "\"" : "") + std::string(p.value) +
             (p.quoted ? "\"" : "");
      return true;
    });
    return out;
  };
  for (std::string_view p : {"username", "realm", "nonce", "uri", "response", "nc", "cnonce"}) {
    const std::string v = without(p);
    auto h = parse_auth_header(v);
    ASSERT_TRUE(h.ok()) << v;
    auto c = parse_digest_credentials(*h);
    ASSERT_FALSE(c.ok()) << "accepted without " << p;
    EXPECT_EQ(c.error().status, 400);
    EXPECT_NE(c.error().reason.find("without " + std::string(p)), std::string::npos)
        << c.error().reason;
  }
}

TEST(DigestCredentials, RejectsRepeatsBadNcAndNonHexResponse) {
  const std::string_view cases[] = {
      "Digest username=\"u\", realm=\"r\", realm=\"s\", nonce=\"n\", uri=\"u\", response=\"00\"",
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", qop=auth, "
      "nc=1, cnonce=\"c\"",
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"00\", qop=auth, "
      "nc=0000000g, cnonce=\"c\"",
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"xyz\"",
      "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"\"",
  };
  for (auto v : cases) {
    auto h = parse_auth_header(v);
    ASSERT_TRUE(h.ok()) << v;
    EXPECT_FALSE(parse_digest_credentials(*h).ok()) << v;
  }
}

TEST(DigestChallenge, FieldsAndQopOptions) {
  auto h = parse_auth_header(
      "Digest realm=\"biloxi.com\", qop=\"auth-int, auth\", nonce=\"n\", opaque=\"o\", "
      "algorithm=SHA-256, stale=TRUE, extension=\"ignored\"");
  ASSERT_TRUE(h.ok());
  auto c = parse_digest_challenge(*h);
  ASSERT_TRUE(c.ok()) << c.error().reason;
  EXPECT_EQ(c->realm, "biloxi.com");
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(c->stale);
  EXPECT_TRUE(c->has_opaque);
  EXPECT_TRUE(c->offers_qop("auth"));
  EXPECT_TRUE(c->offers_qop("auth-int"));
  EXPECT_FALSE(c->offers_qop("auth-conf"));

  auto unknown =
      parse_digest_challenge(*parse_auth_header("Digest realm=\"r\", nonce=\"n\", "
                                                "algorithm=SHA3-999"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->algorithm.has_value());
  EXPECT_EQ(unknown->algorithm_text, "SHA3-999");

  EXPECT_FALSE(parse_digest_challenge(*parse_auth_header("Digest nonce=\"n\"")).ok());
  EXPECT_FALSE(parse_digest_challenge(*parse_auth_header("Digest realm=\"r\"")).ok());
}

TEST(DigestChallenge, FormatThenParseRoundTrips) {
  ChallengeFields f;
  f.realm = "we \"quote\" \\ this";
  f.nonce = "abc";
  f.opaque = "op";
  f.algorithm = DigestAlgorithm::kSha512_256;
  f.stale = true;
  const std::string s = format_challenge(f);
  EXPECT_EQ(s,
            "Digest realm=\"we \\\"quote\\\" \\\\ this\", nonce=\"abc\", opaque=\"op\", "
            "algorithm=SHA-512-256, qop=\"auth\", stale=true");
  auto c = parse_digest_challenge(*parse_auth_header(s));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(unquote_param(c->realm), f.realm);
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kSha512_256);
  EXPECT_TRUE(c->stale);
}

TEST(DigestAlgorithm, NamesAndSizes) {
  EXPECT_EQ(algorithm_from_name("sha-256"), DigestAlgorithm::kSha256);
  EXPECT_EQ(algorithm_from_name("MD5-SESS"), DigestAlgorithm::kMd5Sess);
  EXPECT_EQ(algorithm_from_name("SHA-512-256-sess"), DigestAlgorithm::kSha512_256Sess);
  EXPECT_FALSE(algorithm_from_name("SHA-1"));
  EXPECT_EQ(algorithm_name(DigestAlgorithm::kSha256Sess), "SHA-256-sess");
  EXPECT_EQ(hash_hex(DigestAlgorithm::kMd5, "").size(), 32u);
  EXPECT_EQ(hash_hex(DigestAlgorithm::kMd5, ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hash_hex(DigestAlgorithm::kSha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // FIPS 180-4 SHA-512/256("abc").
  EXPECT_EQ(hash_hex(DigestAlgorithm::kSha512_256, "abc"),
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
}

}  // namespace
}  // namespace pinana::sip::auth
