// make_response: the header fields RFC 3261 §8.2.6 copies into a response.
#include "pinana/sip/writer.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pinana::sip::transaction {
namespace {

using testing::parse;
using testing::request_text;

constexpr char kRequest[] =
    "SUBSCRIBE sip:alice@example.com SIP/2.0\r\n"
    "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1\r\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1;received=192.0.2.99\r\n"
    "Max-Forwards: 69\r\n"
    "To: <sip:alice@example.com>\r\n"
    "From: \"Bob\" <sip:bob@example.org>;tag=77\r\n"
    "Call-ID: c1@host\r\n"
    "CSeq: 5 SUBSCRIBE\r\n"
    "Timestamp: 12.5\r\n"
    "Event: presence\r\n"
    "Contact: <sip:bob@192.0.2.10>\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(MakeResponseTest, TryingCopiesViasInOrderAndTimestamp) {
  Message req = parse(kRequest);
  std::string text = make_response(req, 100, "Trying");
  EXPECT_EQ(text,
            "SIP/2.0 100 Trying\r\n"
            "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1\r\n"
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1;received=192.0.2.99\r\n"
            "To: <sip:alice@example.com>\r\n"
            "From: \"Bob\" <sip:bob@example.org>;tag=77\r\n"
            "Call-ID: c1@host\r\n"
            "CSeq: 5 SUBSCRIBE\r\n"
            "Timestamp: 12.5\r\n"
            "Content-Length: 0\r\n\r\n");
  Message m = parse(text);
  EXPECT_TRUE(m.is_response());
  EXPECT_EQ(m.status_code(), 100);
  EXPECT_EQ(m.count(HeaderId::kVia), 2u);
}

TEST(MakeResponseTest, FinalAddsToTagAndDropsTimestamp) {
  Message req = parse(kRequest);
  Message m = parse(make_response(req, 482, "Loop Detected", "abc123"));
  EXPECT_EQ(m.status_code(), 482);
  EXPECT_EQ(m.reason_phrase(), "Loop Detected");
  EXPECT_EQ(m.to()->tag(), "abc123");
  EXPECT_EQ(m.from()->tag(), "77");
  EXPECT_EQ(m.call_id(), "c1@host");
  EXPECT_EQ(m.cseq()->sequence, 5u);
  EXPECT_EQ(m.find(HeaderId::kTimestamp), nullptr);
  EXPECT_EQ(m.find(HeaderId::kEvent), nullptr);
  EXPECT_EQ(m.find(HeaderId::kContact), nullptr);
  EXPECT_EQ(m.content_length(), 0u);
}

TEST(MakeResponseTest, ExistingToTagIsKept) {
  Message req = parse(request_text({.to_tag = "dialog1"}));
  Message m = parse(make_response(req, 200, "OK", "ignored"));
  EXPECT_EQ(m.to()->tag(), "dialog1");
  EXPECT_EQ(m.count(HeaderId::kTo), 1u);
}

}  // namespace
}  // namespace pinana::sip::transaction
