#include "pinana/api/url_codec.h"

#include <gtest/gtest.h>

namespace pinana::api {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsTheRest) {
  EXPECT_EQ(percent_decode("PJSIP%2Falice").value(), "PJSIP/alice");
  EXPECT_EQ(percent_decode("Custom:lamp%201").value(), "Custom:lamp 1");
  EXPECT_EQ(percent_decode("a%2fb").value(), "a/b");
  EXPECT_EQ(percent_decode("a+b").value(), "a+b");
  EXPECT_EQ(percent_decode("PJSIP/alice").value(), "PJSIP/alice");
  EXPECT_EQ(percent_decode("").value(), "");
}

TEST(PercentDecode, RejectsBadEscapes) {
  for (const char* bad : {"%", "%2", "a%", "a%4", "%zz", "%2g", "%g2", "%00", "x%0"}) {
    const auto r = percent_decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().status, 400) << bad;
  }
}

TEST(PercentEncode, EncodesAllButUnreservedAndRoundTrips) {
  EXPECT_EQ(percent_encode("PJSIP/alice"), "PJSIP%2Falice");
  EXPECT_EQ(percent_encode("Custom:lamp 1"), "Custom%3Alamp%201");
  EXPECT_EQ(percent_encode("a-b.c_d~e"), "a-b.c_d~e");
  const std::string all = [] {
    std::string s;
    for (int c = 1; c < 256; ++c) s.push_back(static_cast<char>(c));
    return s;
  }();
  EXPECT_EQ(percent_decode(percent_encode(all)).value(), all);
}

}  // namespace
}  // namespace pinana::api
