// Message: parsing of presence requests, compact forms, folding, framing modes, limits, edits and
// byte-exact serialization.
#include <gtest/gtest.h>

#include <string>

#include "pinana/sip/message.h"
#include "pinana/sip/method.h"
#include "pinana/sip/writer.h"

namespace pinana::sip {
namespace {

const std::string kPublish =
    "PUBLISH sip:alice@example.com SIP/2.0\r\n"
    "v: SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "t: <sip:alice@example.com>\r\n"
    "f: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n"
    "i: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 PUBLISH\r\n"
    "o: presence;id=42\r\n"
    "Expires: 3600\r\n"
    "SIP-If-Match: dx200xyz\r\n"
    "u: presence, dialog,\r\n message-summary\r\n"
    "Accept: application/pidf+xml, application/dialog-info+xml;q=0.5\r\n"
    "k: 100rel\r\n"
    "Require: pref\r\n"
    "c: application/pidf+xml\r\n"
    "l: 5\r\n"
    "\r\n"
    "<x/>\n";

TEST(MethodName, IsTheInverseOfMethodFromName) {
  for (int m = static_cast<int>(Method::kAck); m <= static_cast<int>(Method::kUpdate); ++m) {
    const auto method = static_cast<Method>(m);
    EXPECT_FALSE(method_name(method).empty()) << m;
    EXPECT_EQ(method_from_name(method_name(method)), method) << method_name(method);
  }
  EXPECT_EQ(method_name(Method::kUnknown), "");
}

TEST(Message, PresencePublish) {
  auto r = Message::from_bytes(kPublish, Framing::kStream);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const Message& m = r.value();
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method_id(), Method::kPublish);
  EXPECT_EQ(m.request_uri().user, "alice");
  EXPECT_EQ(m.top_via()->branch(), "z9hG4bK776asdhds");
  EXPECT_TRUE(m.top_via()->has_rport());
  EXPECT_EQ(m.to()->uri.user, "alice");
  EXPECT_EQ(m.from()->tag(), "1928301774");
  EXPECT_EQ(m.call_id(), "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(m.cseq()->sequence, 314159u);
  EXPECT_EQ(m.event()->package, "presence");
  EXPECT_EQ(m.event()->id(), "42");
  EXPECT_EQ(*m.expires(), 3600u);
  EXPECT_EQ(m.value(HeaderId::kSipIfMatch), "dx200xyz");
  std::vector<std::string> events;
  m.for_each_value(HeaderId::kAllowEvents, [&](std::string_view e) { events.emplace_back(e); });
  EXPECT_EQ(events, (std::vector<std::string>{"presence", "dialog", "message-summary"}));
  EXPECT_EQ(m.find("Allow-Events"), m.find("u"));
  EXPECT_EQ(m.find(HeaderId::kContentType)->name, "c");
  EXPECT_EQ(m.body(), "<x/>\n");
  EXPECT_EQ(m.serialize(), kPublish);
}

TEST(Message, ResponseAndSubscriptionState) {
  const std::string text =
      "SIP/2.0 423 Interval Too Brief\r\n"
      "Via: SIP/2.0/TCP [::1]:5070;branch=z9hG4bKx\r\n"
      "To: <sip:b@example.com>;tag=9\r\nFrom: <sip:a@example.com>;tag=8\r\n"
      "Call-ID: c1\r\nCSeq: 2 SUBSCRIBE\r\nMin-Expires: 60\r\n"
      "Subscription-State: terminated;reason=noresource\r\nSIP-ETag: abc.123\r\n"
      "Content-Length: 0\r\n\r\n";
  auto r = Message::from_bytes(text, Framing::kStream);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_TRUE(r->is_response());
  EXPECT_EQ(r->status_code(), 423);
  EXPECT_EQ(r->reason_phrase(), "Interval Too Brief");
  EXPECT_EQ(parse_number(r->value(HeaderId::kMinExpires), 0xffffffffu).value(), 60u);
  EXPECT_EQ(parse_subscription_state(r->value(HeaderId::kSubscriptionState))->reason, "noresource");
  EXPECT_EQ(r->serialize(), text);
}

std::string with_header(const std::string& header) {
  return "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\n"
         "From: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n" +
         header + "Content-Length: 0\r\n\r\n";
}

TEST(Message, RejectsBadKnownHeaders) {
  for (const char* h : {"SIP-ETag: a b\r\n", "SIP-If-Match: \r\n", "Event: \r\n",
                        "Expires: soon\r\n", "Subscription-State: ;x\r\n", "Accept: text\r\n",
                        "Require: a,,b\r\n", "Content-Type: text\r\n", "Max-Forwards: 256\r\n",
                        "Contact: <sip:a@b\r\n", "Allow-Events: presence;id=1\r\n",
                        "Route: <sip:a@b> x\r\n", "NoColon\r\n", " leading: space\r\n",
                        "Call-ID: a b\r\n", "To: <sip:x@y>;tag\r\n", "From: <sip:x@y>;tag=\r\n"}) {
    auto r = Message::from_bytes(with_header(h), Framing::kDatagram);
    EXPECT_FALSE(r.ok()) << h;
    if (!r.ok()) {
      EXPECT_EQ(r.error().status, 400) << h;
    }
  }
  EXPECT_TRUE(Message::from_bytes(with_header("Accept:\r\nSupported:\r\nContact: *\r\n"),
                                  Framing::kDatagram)
                  .ok());
}

TEST(Message, StreamNeedsContentLengthDatagramDoesNot) {
  std::string no_cl =
      "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\n\r\n";
  EXPECT_FALSE(Message::from_bytes(no_cl, Framing::kStream).ok());
  auto d = Message::from_bytes(no_cl + "body", Framing::kDatagram);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->body(), "body");
}

TEST(Message, LeadingKeepAliveCrlfsAreSkipped) {
  auto r = Message::from_bytes("\r\n\r\n" + with_header(""), Framing::kStream);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->serialize(), with_header(""));
}

TEST(Message, ResponseErrorsAreDropped) {
  auto r = Message::from_bytes("SIP/2.0 2000 OK\r\nContent-Length: 0\r\n\r\n", Framing::kDatagram);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 0);
  auto v = Message::from_bytes("SIP/3.0 200 OK\r\nContent-Length: 0\r\n\r\n", Framing::kDatagram);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().status, 0);
}

TEST(Message, TooManyHeaders) {
  std::string many;
  for (size_t i = 0; i <= Message::kMaxHeaders; ++i) many += "X-H: 1\r\n";
  auto r = Message::from_bytes(with_header(many), Framing::kDatagram);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().reason.find("too many"), std::string::npos);
}

TEST(Message, EditsSerializeAsNameValue) {
  auto r = Message::from_bytes(kPublish, Framing::kStream);
  ASSERT_TRUE(r.ok());
  Message m = std::move(r.value());
  m.set_value(0,
              "SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bK776asdhds;rport=5062;received=192.0.2.9");
  m.add_header("SIP-ETag", "new1");
  const size_t require = static_cast<size_t>(m.find(HeaderId::kRequire) - m.headers().data());
  m.remove_header(require);
  std::string out = m.serialize();
  EXPECT_EQ(out.find("v: SIP/2.0/UDP "
                     "192.0.2.1:5062;branch=z9hG4bK776asdhds;rport=5062;received=192.0.2.9\r\n"),
            out.find("\r\n") + 2);
  EXPECT_NE(out.find("SIP-ETag: new1\r\n"), std::string::npos);
  auto again = Message::from_bytes(out, Framing::kDatagram);
  ASSERT_TRUE(again.ok()) << again.error().reason;
  EXPECT_EQ(again->top_via()->received(), "192.0.2.9");
  EXPECT_EQ(again->value(HeaderId::kSipETag), "new1");
  EXPECT_EQ(again->find(HeaderId::kRequire), nullptr);
  EXPECT_EQ(again->body(), "<x/>\n");
}

TEST(Message, MoveAndCloneKeepViewsValid) {
  auto r = Message::from_bytes(kPublish, Framing::kStream);
  ASSERT_TRUE(r.ok());
  Message moved = std::move(r.value());
  Message copy = moved.clone();
  moved = Message();
  EXPECT_EQ(copy.call_id(), "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(copy.serialize(), kPublish);
}

TEST(Message, ReusedMessageParsesAgain) {
  Message m;
  ASSERT_TRUE(m.parse(kPublish, Framing::kStream).ok());
  ASSERT_FALSE(m.parse("garbage", Framing::kDatagram).ok());
  EXPECT_EQ(m.headers().size(), 0u);
  ASSERT_TRUE(m.parse(with_header(""), Framing::kDatagram).ok());
  EXPECT_EQ(m.method_id(), Method::kOptions);
  EXPECT_FALSE(m.event());
}

}  // namespace
}  // namespace pinana::sip

namespace pinana::sip {
namespace {

TEST(Writer, ResponseEchoesViasFromToCallIdCSeqAndAddsTag) {
  const std::string req =
      "SUBSCRIBE sip:bob@example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
      "v: SIP/2.0/UDP b.example.com;branch=z9hG4bK2, SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
      "To: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=a1\r\n"
      "Call-ID: x@y\r\nCSeq: 4 SUBSCRIBE\r\nMax-Forwards: 70\r\nEvent: presence\r\n"
      "Content-Length: 0\r\n\r\n";
  auto m = Message::from_bytes(req, Framing::kStream);
  ASSERT_TRUE(m.ok());
  const std::pair<std::string_view, std::string_view> extra[] = {{"Expires", "600"}};
  std::string resp = make_response(*m, 200, {}, "t9", extra);
  auto r = Message::from_bytes(resp, Framing::kStream);
  ASSERT_TRUE(r.ok()) << r.error().reason << "\n" << resp;
  EXPECT_EQ(r->status_code(), 200);
  EXPECT_EQ(r->reason_phrase(), "OK");
  EXPECT_EQ(r->count(HeaderId::kVia), 2u);
  EXPECT_EQ(r->top_via()->branch(), "z9hG4bK1");
  EXPECT_EQ(r->to()->tag(), "t9");
  EXPECT_EQ(r->from()->tag(), "a1");
  EXPECT_EQ(r->call_id(), "x@y");
  EXPECT_EQ(r->cseq()->method, "SUBSCRIBE");
  EXPECT_EQ(*r->expires(), 600u);
  EXPECT_EQ(*r->content_length(), 0u);
  // 100 Trying never gets a To tag.
  auto trying = Message::from_bytes(make_response(*m, 100, {}, "t9"), Framing::kStream);
  EXPECT_EQ(trying->to()->tag(), "");
  EXPECT_EQ(reason_phrase(412), "Conditional Request Failed");
}

}  // namespace
}  // namespace pinana::sip
