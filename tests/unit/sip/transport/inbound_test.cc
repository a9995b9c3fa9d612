#include "pinana/sip/transport/inbound.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pinana::sip::transport {
namespace {

using boost::asio::ip::make_address;
using testing::options_request;
using testing::read_torture;

const Endpoint kV4{make_address("192.0.2.7"), 40123};
const Endpoint kV6{make_address("2001:db8::7"), 40124};

std::string stamp(std::string_view element, const Endpoint& source) {
  auto via = parse_via(element);
  EXPECT_TRUE(via.ok()) << element;
  return via.ok() ? stamp_via_element(element, via.value(), source) : std::string();
}

TEST(StampVia, SameAddressNoRportIsUnchanged) {
  EXPECT_EQ(stamp("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1", kV4),
            "SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1");
  EXPECT_EQ(stamp("SIP/2.0/UDP [2001:db8::7];branch=z9hG4bK1", kV6),
            "SIP/2.0/UDP [2001:db8::7];branch=z9hG4bK1");
  // Another spelling of the same IPv6 address is the same address.
  EXPECT_EQ(stamp("SIP/2.0/UDP [2001:DB8:0::7];branch=z9hG4bK1", kV6),
            "SIP/2.0/UDP [2001:DB8:0::7];branch=z9hG4bK1");
}

TEST(StampVia, DifferentHostGetsReceived) {
  EXPECT_EQ(stamp("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1", kV4),
            "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;received=192.0.2.7");
  EXPECT_EQ(stamp("SIP/2.0/TCP pc.example.com;branch=z9hG4bK1", kV4),
            "SIP/2.0/TCP pc.example.com;branch=z9hG4bK1;received=192.0.2.7");
  // IPv6 received values go without brackets (RFC 3261 §25.1 received = IPv6address).
  EXPECT_EQ(stamp("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1", kV6),
            "SIP/2.0/UDP pc.example.com;branch=z9hG4bK1;received=2001:db8::7");
}

TEST(StampVia, EmptyRportIsFilledAndReceivedAlwaysAdded) {
  // RFC 3581 §4: with rport, received is added even when it equals sent-by.
  EXPECT_EQ(stamp("SIP/2.0/UDP 192.0.2.7:5060;rport;branch=z9hG4bK1", kV4),
            "SIP/2.0/UDP 192.0.2.7:5060;rport=40123;branch=z9hG4bK1;received=192.0.2.7");
  EXPECT_EQ(stamp("SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK1;rport", kV4),
            "SIP/2.0/UDP 10.1.1.1;branch=z9hG4bK1;rport=40123;received=192.0.2.7");
}

TEST(StampVia, FilledRportIsKeptAndExistingReceivedReplaced) {
  EXPECT_EQ(stamp("SIP/2.0/UDP 10.1.1.1;rport=1234;received=10.9.9.9;branch=z9hG4bK1", kV4),
            "SIP/2.0/UDP 10.1.1.1;rport=1234;received=192.0.2.7;branch=z9hG4bK1");
}

TEST(StampVia, ValuelessReceivedAndRportAreBothFilledInPlace) {
  EXPECT_EQ(stamp("SIP/2.0/UDP 10.1.1.1;received;rport", kV4),
            "SIP/2.0/UDP 10.1.1.1;received=192.0.2.7;rport=40123");
  EXPECT_EQ(stamp("SIP/2.0/UDP 10.1.1.1;rport;branch=z9hG4bK1;received", kV4),
            "SIP/2.0/UDP 10.1.1.1;rport=40123;branch=z9hG4bK1;received=192.0.2.7");
  std::vector<char> out{'x'};
  auto via = parse_via("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1");
  ASSERT_TRUE(via.ok());
  EXPECT_FALSE(append_stamped_via_element("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1", via.value(),
                                          kV4, out));
  EXPECT_EQ(out.size(), 1u) << "nothing appended when nothing applies";
}

TEST(StampVia, TopViaOfAMessageIsStampedAndReparsed) {
  auto m =
      Message::from_bytes(options_request("SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bK-top;rport, "
                                          "SIP/2.0/UDP p.example.net;branch=z9hG4bK-2",
                                          "stamp-1"),
                          Framing::kDatagram);
  ASSERT_TRUE(m.ok());
  ASSERT_TRUE(stamp_top_via(m.value(), kV4, Framing::kDatagram));
  ASSERT_NE(m->top_via(), nullptr);
  EXPECT_EQ(m->top_via()->received(), "192.0.2.7");
  EXPECT_EQ(m->top_via()->params.get("rport"), "40123");
  EXPECT_EQ(m->top_via()->branch(), "z9hG4bK-top");
  EXPECT_EQ(m->value(HeaderId::kVia),
            "SIP/2.0/UDP 10.1.1.1:5070;branch=z9hG4bK-top;rport=40123;received=192.0.2.7, "
            "SIP/2.0/UDP p.example.net;branch=z9hG4bK-2");
  EXPECT_EQ(m->call_id(), "stamp-1");
}

TEST(Receive, RequestIsParsedAndStamped) {
  auto r = receive(options_request("SIP/2.0/UDP host.invalid;branch=z9hG4bK1", "r1"),
                   Framing::kDatagram, kV4);
  ASSERT_TRUE(r.message.has_value());
  EXPECT_FALSE(r.reply.has_value());
  EXPECT_EQ(r.message->top_via()->received(), "192.0.2.7");
}

TEST(Receive, ResponseIsNotStamped) {
  const std::string bytes =
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.invalid;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
      "To: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  auto r = receive(bytes, Framing::kDatagram, kV4);
  ASSERT_TRUE(r.message.has_value());
  EXPECT_EQ(r.message->serialize(), bytes);
}

TEST(Receive, TrailingOctetsInADatagramAreIgnored) {
  auto r = receive(read_torture("dblreq.dat"), Framing::kDatagram, kV4);
  ASSERT_TRUE(r.message.has_value()) << r.error.reason;
  EXPECT_EQ(r.message->method(), "REGISTER");
}

TEST(Receive, ShortBodyInADatagramGets400) {
  auto r = receive(read_torture("clerr.dat"), Framing::kDatagram, kV4);
  ASSERT_FALSE(r.message.has_value());
  EXPECT_EQ(r.error.status, 400);
  ASSERT_TRUE(r.reply.has_value());
  auto reply = Message::from_bytes(*r.reply, Framing::kDatagram);
  ASSERT_TRUE(reply.ok()) << reply.error().reason << "\n" << *r.reply;
  EXPECT_EQ(reply->status_code(), 400);
  EXPECT_NE(reply->reason_phrase().find("Content-Length"), std::string_view::npos);
  EXPECT_EQ(reply->call_id(), "clerr.0ha0isndaksdjweiafasdk3");
  EXPECT_EQ(reply->cseq()->method, "INVITE");
  EXPECT_EQ(reply->top_via()->received(), "192.0.2.7");
  EXPECT_FALSE(reply->to()->tag().empty());
}

TEST(Receive, BadVersionGets505) {
  auto r = receive(read_torture("badvers.dat"), Framing::kDatagram, kV4);
  ASSERT_FALSE(r.message.has_value());
  ASSERT_TRUE(r.reply.has_value());
  EXPECT_EQ(r.reply->rfind("SIP/2.0 505 Version Not Supported", 0), 0u) << *r.reply;
}

TEST(Receive, MalformedResponseGetsNoReply) {
  auto r = receive(
      "SIP/2.0 2000 Nope\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n",
      Framing::kDatagram, kV4);
  EXPECT_FALSE(r.message.has_value());
  EXPECT_FALSE(r.reply.has_value());
  EXPECT_EQ(r.error.status, 0);
}

TEST(StatelessResponse, NeedsAVia) {
  const Error bad{400, "bad"};
  EXPECT_FALSE(stateless_response("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n", bad, kV4));
  // A malformed Via (RFC 4475 badinv01) still gets its 400, with the Via echoed as it came.
  auto echoed = stateless_response(
      "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.15;;,;,,\r\nCall-ID: x\r\n\r\n", bad,
      kV4);
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->rfind("SIP/2.0 400 ", 0), 0u);
  EXPECT_NE(echoed->find("Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n"), std::string::npos);
  EXPECT_NE(echoed->find("Call-ID: x\r\n"), std::string::npos);
  EXPECT_FALSE(stateless_response("no line end at all", bad, kV4));
  EXPECT_FALSE(stateless_response("", bad, kV4));
  // Never answer an ACK, nor with a status of 0 or below 300.
  EXPECT_FALSE(stateless_response(
      "ACK sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", bad, kV4));
  EXPECT_FALSE(stateless_response(
      "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", Error{0, "x"}, kV4));
}

TEST(StatelessResponse, CopiesOnlyWellFormedFieldsAndSanitizesTheReason) {
  const std::string raw =
      "OPTIONS sip:a@b SIP/2.0\r\n"
      "Via: SIP/2.0/UDP h.invalid;branch=z9hG4bK1\r\n"
      "Via: SIP/2.0/UDP proxy.invalid;branch=z9hG4bK0\r\n"
      "From: <sip:a@b>;tag=9\r\n"
      "To: not a uri at all <<<\r\n"
      "Call-ID: ok-1\r\n"
      "CSeq: abc OPTIONS\r\n"
      "\r\n";
  auto reply = stateless_response(raw, Error{400, "bad CSeq\r\nInjected: yes\x01"}, kV4);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->find("Injected: yes\r\n"), std::string::npos);
  EXPECT_EQ(reply->rfind("SIP/2.0 400 Bad Request (bad CSeq??Injected: yes?)\r\n", 0), 0u)
      << *reply;
  auto m = Message::from_bytes(*reply, Framing::kDatagram);
  ASSERT_TRUE(m.ok()) << m.error().reason << "\n" << *reply;
  EXPECT_EQ(m->count(HeaderId::kVia), 2u);
  EXPECT_EQ(m->find(HeaderId::kTo), nullptr);
  EXPECT_EQ(m->find(HeaderId::kCSeq), nullptr);
  EXPECT_EQ(m->call_id(), "ok-1");
  EXPECT_EQ(m->from()->tag(), "9");
}

}  // namespace
}  // namespace pinana::sip::transport

namespace pinana::sip::transport {
namespace {

TEST(EndpointText, AddressesAsTheyGoIntoAVia) {
  auto text = [](const char* address) {
    return Endpoint{boost::asio::ip::make_address(address), 5060}.address_text();
  };
  EXPECT_EQ(text("0.0.0.0"), "0.0.0.0");
  EXPECT_EQ(text("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(text("10.20.199.255"), "10.20.199.255");
  EXPECT_EQ(text("255.255.255.255"), "255.255.255.255");
  EXPECT_EQ(text("2001:db8::5"), "2001:db8::5") << "IPv6 without brackets";
  EXPECT_EQ(
      Endpoint::normalized(boost::asio::ip::make_address("::ffff:192.0.2.7"), 5060).address_text(),
      "192.0.2.7");
}

}  // namespace
}  // namespace pinana::sip::transport
