// compute_ha1 / compute_response against the published vectors of RFC 2617 §3.5 and RFC 7616
// §3.9.1, and the auth-int / -sess / no-qop forms against independently written-out hashes.
#include "pinana/sip/auth/digest_response.h"

#include <gtest/gtest.h>

#include "pinana/sip/auth/auth_header.h"
#include "pinana/sip/auth/digest_params.h"

namespace pinana::sip::auth {
namespace {

// RFC 2617 §3.5. The RFC's own Authorization header is parsed, then its response recomputed.
TEST(DigestResponse, Rfc2617Md5Vector) {
  const std::string_view header =
      "Digest username=\"Mufasa\",\r\n"
      "        realm=\"testrealm@host.com\",\r\n"
      "        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
      "        uri=\"/dir/index.html\",\r\n"
      "        qop=auth,\r\n"
      "        nc=00000001,\r\n"
      "        cnonce=\"0a4f113b\",\r\n"
      "        response=\"6629fae49393a05397450978507c4ef1\",\r\n"
      "        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
  auto h = parse_auth_header(header);
  ASSERT_TRUE(h.ok()) << h.error().reason;
  auto c = parse_digest_credentials(*h);
  ASSERT_TRUE(c.ok()) << c.error().reason;
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kMd5);

  const std::string ha1 =
      compute_ha1(DigestAlgorithm::kMd5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  DigestInput in;
  in.algorithm = DigestAlgorithm::kMd5;
  in.ha1 = ha1;
  in.nonce = c->nonce;
  in.cnonce = c->cnonce;
  in.nc = c->nc_text;
  in.qop = c->qop;
  in.method = "GET";
  in.uri = c->uri;
  EXPECT_EQ(compute_response(in), "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(compute_response(in), c->response);

  // Any change of input changes the response.
  in.method = "POST";
  EXPECT_NE(compute_response(in), "6629fae49393a05397450978507c4ef1");
}

struct Rfc7616 {
  static constexpr std::string_view kNonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  static constexpr std::string_view kCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  static DigestInput input(DigestAlgorithm a, const std::string& ha1) {
    DigestInput in;
    in.algorithm = a;
    in.ha1 = ha1;
    in.nonce = kNonce;
    in.cnonce = kCnonce;
    in.nc = "00000001";
    in.qop = "auth";
    in.method = "GET";
    in.uri = "/dir/index.html";
    return in;
  }
};

// RFC 7616 §3.9.1: SHA-256 and the MD5 response of the same exchange.
TEST(DigestResponse, Rfc7616Sha256Vector) {
  const std::string ha1 =
      compute_ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(Rfc7616::input(DigestAlgorithm::kSha256, ha1)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  const std::string md5 =
      compute_ha1(DigestAlgorithm::kMd5, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(Rfc7616::input(DigestAlgorithm::kMd5, md5)),
            "8ca523f5e9506fed4657c9700eebdbec");
  // The password is case-sensitive.
  const std::string wrong =
      compute_ha1(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle Of Life");
  EXPECT_NE(compute_response(Rfc7616::input(DigestAlgorithm::kSha256, wrong)),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

// The variants, each checked against the formula written out with hash_hex.
TEST(DigestResponse, SessAuthIntAndNoQopForms) {
  const auto a = DigestAlgorithm::kSha256;
  const std::string ha1 = compute_ha1(a, "u", "r", "p");
  EXPECT_EQ(ha1, hash_hex(a, "u:r:p"));

  DigestInput in;
  in.algorithm = DigestAlgorithm::kSha256Sess;
  in.ha1 = ha1;
  in.nonce = "N";
  in.cnonce = "C";
  in.nc = "00000002";
  in.qop = "auth";
  in.method = "PUBLISH";
  in.uri = "sip:a@b";
  const std::string sess_ha1 = hash_hex(a, ha1 + ":N:C");
  EXPECT_EQ(compute_response(in),
            hash_hex(a, sess_ha1 + ":N:00000002:C:auth:" + hash_hex(a, "PUBLISH:sip:a@b")));

  in.algorithm = a;
  in.qop = "auth-int";
  in.body = "<x/>";
  EXPECT_EQ(compute_response(in),
            hash_hex(a, ha1 + ":N:00000002:C:auth-int:" +
                            hash_hex(a, "PUBLISH:sip:a@b:" + hash_hex(a, "<x/>"))));

  in.qop = "";
  EXPECT_EQ(compute_response(in), hash_hex(a, ha1 + ":N:" + hash_hex(a, "PUBLISH:sip:a@b")));
}

}  // namespace
}  // namespace pinana::sip::auth
