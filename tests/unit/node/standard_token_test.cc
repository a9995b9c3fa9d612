// The standard profile's device / mailbox tokens: exact encodings, round trips, canonical-only
// decoding, and that every output is a valid SIP user part that needs no escaping.
#include "pinana/node/device_token.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "pinana/sip/uri.h"

namespace pinana::node {
namespace {

TEST(DeviceToken, KnownEncodings) {
  EXPECT_EQ(encode_token("PJSIP/alice"), ".pjsip-.alice");
  EXPECT_EQ(encode_token("Custom:lamp 1"), ".c.ustom_3alamp_201");
  EXPECT_EQ(encode_token("DAHDI/1-1"), ".dahdi-1_2d1");
  EXPECT_EQ(encode_token("SIP/1000"), ".sip-1000");
  EXPECT_EQ(encode_token("1000@default"), "1000_40default");
  EXPECT_EQ(encode_token("Custom:caf\xc3\xa9"), ".c.ustom_3acaf_c3_a9");
  EXPECT_EQ(encode_token("a.b_c"), "a_2eb_5fc");
  EXPECT_EQ(encode_token(""), "");
  EXPECT_EQ(device_user("PJSIP/alice"), "dev-.pjsip-.alice");
  EXPECT_EQ(mailbox_user("1000@default", *state::Eid::parse("02:00:00:00:00:0A")),
            "mwi-02000000000a-1000_40default");
}

bool valid_sip_user(const std::string& user) {
  const std::string text = "sip:" + user + "@example.com";  // the Uri views into it
  auto uri = sip::parse_uri(text);
  if (!uri || uri->user != user) return false;
  // No escapes, no upper case: the server compares what we send byte for byte, in any collation.
  for (char c : user) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

void expect_round_trip(const std::string& name) {
  const std::string token = encode_token(name);
  auto back = decode_token(token);
  ASSERT_TRUE(back) << token;
  EXPECT_EQ(*back, name);
  EXPECT_TRUE(valid_sip_user(device_user(name))) << device_user(name);
  auto device = device_of_user(device_user(name));
  if (!name.empty()) {
    ASSERT_TRUE(device);
    EXPECT_EQ(*device, name);
  }
}

TEST(DeviceToken, RoundTripsNamedExamples) {
  for (const char* name : {"PJSIP/alice", "Custom:lamp 1", "DAHDI/1-1", "SIP/1000", "IAX2/a/b",
                           "Custom:caf\xc3\xa9", "aBcDeF", "ABC", "abc", "a..b__c--d//e",
                           "Queue:sales_avail", "MixedCASEand123", "\x01\x7f\xff"}) {
    expect_round_trip(name);
  }
}

TEST(DeviceToken, RoundTripsEveryByteAndRandomNames) {
  std::string all;
  for (int b = 1; b < 256; ++b) all += static_cast<char>(b);
  expect_round_trip(all);
  expect_round_trip(std::string(1, '\0'));
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> len(1, 40), byte(0, 255), pick(0, 3);
  const std::string common = "ABCXYZabcxyz0189/:- ._@";
  for (int i = 0; i < 2000; ++i) {
    std::string name;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) {
      name += pick(rng) == 0 ? static_cast<char>(byte(rng))
                             : common[static_cast<size_t>(byte(rng)) % common.size()];
    }
    expect_round_trip(name);
  }
}

TEST(DeviceToken, DecodesOnlyCanonicalTokens) {
  for (const char* bad : {".", "..a", ".a.", "a.", "_4", "_zz", "_41", "_61", "_2f", "_30", "A",
                          "a b", "%41", "_2D", "a.1", "+", "~"}) {
    EXPECT_FALSE(decode_token(bad)) << bad;
  }
  EXPECT_EQ(*decode_token(".ab"), "AB");
  EXPECT_EQ(*decode_token(".a.b"), "Ab");
  EXPECT_EQ(*decode_token("_2d_2e_5f"), "-._");
}

TEST(DeviceToken, DeviceOfUserNeedsThePrefixAndAName) {
  EXPECT_FALSE(device_of_user("1000"));
  EXPECT_FALSE(device_of_user("dev-"));
  EXPECT_FALSE(device_of_user("dev-A"));
  EXPECT_EQ(*device_of_user("dev-.pjsip-.alice"), "PJSIP/alice");
}

}  // namespace
}  // namespace pinana::node
