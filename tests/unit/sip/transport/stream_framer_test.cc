#include "pinana/sip/transport/stream_framer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "pinana/sip/message.h"
#include "pinana/sip/transport/inbound.h"
#include "test_support.h"

namespace pinana::sip::transport {
namespace {

using Kind = StreamFramer::Kind;
using testing::options_request;
using testing::read_torture;

// What a framer produced from a whole input: messages (copied out), ping count, and a fault.
struct Output {
  std::vector<std::string> messages;
  int pings = 0;
  bool fault = false;
  Error error;
  std::string fault_bytes;
};

void drain(StreamFramer& f, Output& out) {
  for (;;) {
    auto fr = f.next();
    switch (fr.kind) {
      case Kind::kNeedMore:
        return;
      case Kind::kPing:
        ++out.pings;
        break;
      case Kind::kMessage:
        out.messages.emplace_back(fr.bytes);
        break;
      case Kind::kFault:
        if (!out.fault) out.fault_bytes = std::string(fr.bytes);
        out.fault = true;
        out.error = fr.fault;
        return;
    }
  }
}

Output feed_in_chunks(const std::string& input, const std::vector<size_t>& chunks,
                      FramerLimits limits = {}) {
  StreamFramer f(limits);
  Output out;
  size_t pos = 0, i = 0;
  while (pos < input.size() && !out.fault) {
    size_t n =
        chunks.empty() ? input.size() : std::min(chunks[i++ % chunks.size()], input.size() - pos);
    f.feed(std::string_view(input).substr(pos, n));
    pos += n;
    drain(f, out);
  }
  return out;
}

Output feed_all(const std::string& input, FramerLimits limits = {}) {
  return feed_in_chunks(input, {}, limits);
}

std::string msg(const std::string& call_id, const std::string& body = "") {
  return options_request("SIP/2.0/TCP client.example.net;branch=z9hG4bK-" + call_id, call_id, body);
}

// A stream mixing keep-alives, compact and folded Content-Length, bodies and pipelining.
std::string mixed_stream() {
  std::string compact =
      "NOTIFY sip:hub@example.net SIP/2.0\r\n"
      "v: SIP/2.0/TCP c.example.net;branch=z9hG4bK-n1\r\n"
      "Max-Forwards: 70\r\nf: <sip:a@example.net>;tag=1\r\nt: <sip:b@example.net>\r\n"
      "i: n1\r\nCSeq: 2 NOTIFY\r\nEvent: presence\r\nSubscription-State: active\r\n"
      "L:   8\r\n\r\nabc\r\ndef";
  std::string folded =
      "OPTIONS sip:hub@example.net SIP/2.0\r\n"
      "Via: SIP/2.0/TCP c.example.net;branch=z9hG4bK-f1\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:a@example.net>;tag=1\r\nTo: <sip:b@example.net>\r\n"
      "Call-ID: f1\r\nCSeq: 3 OPTIONS\r\ncontent-LENGTH :\r\n   4\r\n\r\nwxyz";
  return "\r\n\r\n" + msg("one", "hello") + "\r\n" + compact + "\r\n\r\n" + folded + msg("two") +
         "\r\n\r\n\r\n\r\n";
}

void expect_mixed(const Output& out) {
  ASSERT_FALSE(out.fault) << out.error.reason;
  ASSERT_EQ(out.messages.size(), 4u);
  EXPECT_EQ(out.pings, 4);
  for (const auto& m : out.messages) {
    auto parsed = Message::from_bytes(m, Framing::kStream);
    ASSERT_TRUE(parsed.ok()) << parsed.error().reason << "\n" << m;
  }
  EXPECT_EQ(Message::from_bytes(out.messages[0], Framing::kStream)->body(), "hello");
  EXPECT_EQ(Message::from_bytes(out.messages[1], Framing::kStream)->body(), "abc\r\ndef");
  EXPECT_EQ(Message::from_bytes(out.messages[2], Framing::kStream)->body(), "wxyz");
  EXPECT_EQ(Message::from_bytes(out.messages[3], Framing::kStream)->call_id(), "two");
}

TEST(StreamFramer, OneMessageExactly) {
  const std::string m = msg("a", "body!");
  auto out = feed_all(m);
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_EQ(out.messages[0], m);
  EXPECT_EQ(out.pings, 0);
}

TEST(StreamFramer, MixedStreamInOneChunk) {
  expect_mixed(feed_all(mixed_stream()));
}

TEST(StreamFramer, MixedStreamOneByteAtATime) {
  expect_mixed(feed_in_chunks(mixed_stream(), {1}));
}

TEST(StreamFramer, MixedStreamRandomChunks) {
  for (unsigned seed = 1; seed <= 50; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<size_t> size(1, 97);
    std::vector<size_t> chunks(64);
    for (auto& c : chunks) c = size(rng);
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_mixed(feed_in_chunks(mixed_stream(), chunks));
  }
}

TEST(StreamFramer, ZeroCopyPrepareCommit) {
  const std::string input = mixed_stream();
  StreamFramer f;
  Output out;
  for (size_t pos = 0; pos < input.size(); pos += 5) {
    auto span = f.prepare(64);
    const size_t n = std::min<size_t>(5, input.size() - pos);
    std::copy_n(input.data() + pos, n, span.data());
    f.commit(n);
    drain(f, out);
  }
  expect_mixed(out);
}

TEST(StreamFramer, BackToBackMessagesInOneChunk) {
  std::string input;
  for (int i = 0; i < 20; ++i) input += msg("m" + std::to_string(i), i % 2 ? "x" : "");
  auto out = feed_all(input);
  ASSERT_EQ(out.messages.size(), 20u);
  EXPECT_EQ(Message::from_bytes(out.messages[19], Framing::kStream)->call_id(), "m19");
}

TEST(StreamFramer, PingIsReportedAndSingleCrlfIsSkipped) {
  StreamFramer f;
  f.feed("\r\n");
  EXPECT_EQ(f.next().kind, Kind::kNeedMore);  // could still become a ping
  f.feed("\r");
  EXPECT_EQ(f.next().kind, Kind::kNeedMore);
  f.feed("\n");
  EXPECT_EQ(f.next().kind, Kind::kPing);
  EXPECT_EQ(f.next().kind, Kind::kNeedMore);
  EXPECT_EQ(f.buffered(), 0u);

  // A lone CRLF (the peer's pong) followed by a message: no ping, just the message.
  const std::string m = msg("after-pong");
  f.feed("\r\n" + m);
  auto fr = f.next();
  ASSERT_EQ(fr.kind, Kind::kMessage);
  EXPECT_EQ(fr.bytes, m);
  EXPECT_TRUE(f.between_messages());
}

TEST(StreamFramer, TwoPingsInARow) {
  auto out = feed_all("\r\n\r\n\r\n\r\n");
  EXPECT_EQ(out.pings, 2);
  EXPECT_TRUE(out.messages.empty());
}

TEST(StreamFramer, WaitsForTheWholeBody) {
  StreamFramer f;
  const std::string m = msg("b", "0123456789");
  f.feed(m.substr(0, m.size() - 1));
  EXPECT_EQ(f.next().kind, Kind::kNeedMore);
  f.feed(m.substr(m.size() - 1));
  auto fr = f.next();
  ASSERT_EQ(fr.kind, Kind::kMessage);
  EXPECT_EQ(fr.bytes, m);
}

// --- RFC 4475 torture messages over a stream
// ------------------------------------------------------

TEST(StreamFramer, TortureNegativeContentLengthIsAFault) {
  const std::string ncl = read_torture("ncl.dat");
  ASSERT_FALSE(ncl.empty());
  auto out = feed_all(ncl);
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 400);
  EXPECT_NE(out.error.reason.find("negative"), std::string::npos) << out.error.reason;
  EXPECT_TRUE(out.messages.empty());
  // The header section comes with the fault so the owner can answer it before closing.
  auto reply = stateless_response(out.fault_bytes, out.error,
                                  Endpoint{boost::asio::ip::make_address("192.0.2.53"), 5060});
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->rfind("SIP/2.0 400 ", 0), 0u) << *reply;
  EXPECT_NE(reply->find("Call-ID: ncl.0ha0isndaksdj2193423r542w35\r\n"), std::string::npos);
}

TEST(StreamFramer, TortureNegativeContentLengthByteAtATime) {
  auto out = feed_in_chunks(read_torture("ncl.dat"), {1});
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 400);
}

TEST(StreamFramer, TortureMultipleContentLengthsIsAFault) {
  auto out = feed_all(read_torture("mcl01.dat"));
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 400);
  EXPECT_NE(out.error.reason.find("more than one Content-Length"), std::string::npos);
}

TEST(StreamFramer, TortureContentLengthLargerThanBodyWaits) {
  const std::string clerr = read_torture("clerr.dat");
  StreamFramer f;
  f.feed(clerr);
  EXPECT_EQ(f.next().kind, Kind::kNeedMore);  // 9999 octets announced: the rest is still to come
  EXPECT_FALSE(f.failed());
  EXPECT_FALSE(f.between_messages());
  EXPECT_EQ(f.buffered(), clerr.size());
}

TEST(StreamFramer, TortureMissingEmptyLineNeedsCrlf) {
  const std::string baddn = read_torture("baddn.dat");
  StreamFramer f;
  f.feed(baddn);
  EXPECT_EQ(f.next().kind, Kind::kNeedMore);
  f.feed("\r\n");
  auto fr = f.next();
  ASSERT_EQ(fr.kind, Kind::kMessage);
  EXPECT_EQ(fr.bytes, baddn + "\r\n");
}

TEST(StreamFramer, FaultIsSticky) {
  StreamFramer f;
  f.feed(read_torture("mcl01.dat"));
  EXPECT_EQ(f.next().kind, Kind::kFault);
  f.feed(msg("later"));
  EXPECT_EQ(f.next().kind, Kind::kFault);
  EXPECT_TRUE(f.failed());
}

// --- Content-Length forms
// -------------------------------------------------------------------------

std::string with_length_lines(const std::string& lines, const std::string& body = "") {
  return "OPTIONS sip:x@example.net SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n" + lines +
         "\r\n" + body;
}

TEST(StreamFramer, ContentLengthForms) {
  const size_t max = 1000;
  auto cl = [&](const std::string& lines) {
    return StreamFramer::content_length(with_length_lines(lines), max);
  };
  EXPECT_EQ(cl("Content-Length: 5\r\n").value(), 5u);
  EXPECT_EQ(cl("content-length:5\r\n").value(), 5u);
  EXPECT_EQ(cl("CONTENT-LENGTH \t:  12  \r\n").value(), 12u);
  EXPECT_EQ(cl("l: 7\r\n").value(), 7u);
  EXPECT_EQ(cl("L:0\r\n").value(), 0u);
  EXPECT_EQ(cl("Content-Length:\r\n 42\r\n").value(), 42u);
  EXPECT_EQ(cl("Content-Length: 0042\r\nX-Length: 3\r\n").value(), 42u);
  EXPECT_EQ(cl("Content-Length: 1000\r\n").value(), 1000u);
}

TEST(StreamFramer, ContentLengthErrors) {
  const size_t max = 1000;
  auto err = [&](const std::string& lines) {
    auto r = StreamFramer::content_length(with_length_lines(lines), max);
    EXPECT_FALSE(r.ok()) << lines;
    return r.ok() ? Error{} : r.error();
  };
  EXPECT_EQ(err("Content-Length: -1\r\n").status, 400);
  EXPECT_EQ(err("Content-Length: 5a\r\n").status, 400);
  EXPECT_EQ(err("Content-Length: +5\r\n").status, 400);
  EXPECT_EQ(err("Content-Length: 5, 5\r\n").status, 400);
  EXPECT_EQ(err("Content-Length:\r\n").status, 400);
  EXPECT_EQ(err("Content-Length: 99999999999999999999999\r\n").reason, "Content-Length overflows");
  EXPECT_EQ(err("Content-Length: 1\r\n 2\r\n").status, 400);  // a fold inside the number
  EXPECT_EQ(err("Content-Length: 3\r\nl: 3\r\n").reason, "more than one Content-Length");
  EXPECT_EQ(err("Content-Length: 3\r\nContent-Length: 3\r\n").reason,
            "more than one Content-Length");
  EXPECT_EQ(err("Max-Forwards: 70\r\n").reason, "no Content-Length on a stream transport");
  EXPECT_EQ(err("Content-Length: 1001\r\n").status, 413);
}

TEST(StreamFramer, MissingContentLengthOnAStreamIsAFault) {
  auto out = feed_all(with_length_lines("Max-Forwards: 70\r\n"));
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 400);
}

// --- limits
// ---------------------------------------------------------------------------------------

TEST(StreamFramer, HeaderSectionOverLimitWithoutEnd) {
  FramerLimits limits;
  limits.max_header_bytes = 1024;
  std::string input = "OPTIONS sip:x@example.net SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n";
  while (input.size() < 2000) input += "X-Filler: 0123456789abcdef0123456789abcdef\r\n";
  auto out = feed_in_chunks(input, {100}, limits);
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 513);
  EXPECT_LE(out.fault_bytes.size(), 1024u);
  EXPECT_EQ(out.fault_bytes.substr(out.fault_bytes.size() - 2), "\r\n");  // whole lines only
}

TEST(StreamFramer, HeaderSectionOverLimitWithEnd) {
  FramerLimits limits;
  limits.max_header_bytes = 256;
  std::string filler;
  while (filler.size() < 300) filler += "X-Filler: 0123456789abcdef\r\n";
  auto out = feed_all(with_length_lines(filler + "Content-Length: 0\r\n"), limits);
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 513);
}

TEST(StreamFramer, HeaderSectionAtLimitIsAccepted) {
  const std::string m = msg("fits");
  const size_t header_size = m.find("\r\n\r\n") + 4;
  FramerLimits limits;
  limits.max_header_bytes = header_size;
  auto out = feed_in_chunks(m, {1}, limits);
  EXPECT_FALSE(out.fault) << out.error.reason;
  EXPECT_EQ(out.messages.size(), 1u);
}

TEST(StreamFramer, BodyOverLimit) {
  FramerLimits limits;
  limits.max_body_bytes = 10;
  auto ok = feed_all(msg("ten", "0123456789"), limits);
  EXPECT_EQ(ok.messages.size(), 1u);
  auto out = feed_all(msg("eleven", "0123456789A"), limits);
  ASSERT_TRUE(out.fault);
  EXPECT_EQ(out.error.status, 413);
  EXPECT_TRUE(out.messages.empty());
}

TEST(StreamFramer, BufferedBytesAreBounded) {
  FramerLimits limits;
  limits.max_buffered_bytes = 4096;
  StreamFramer f(limits);
  // Feeding without draining: the framer refuses to hold more than the bound.
  std::string chunk(1000, 'A');
  for (int i = 0; i < 5; ++i) f.feed(chunk);
  EXPECT_TRUE(f.failed());
  auto fr = f.next();
  EXPECT_EQ(fr.kind, Kind::kFault);
  EXPECT_EQ(fr.fault.status, 513);
}

TEST(StreamFramer, GarbageNeverCrashes) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 200; ++round) {
    std::string input(static_cast<size_t>(byte(rng)) * 8, '\0');
    for (auto& c : input)
      c = static_cast<char>(byte(rng) < 40 ? "\r\n:l0-"[byte(rng) % 6] : byte(rng));
    FramerLimits limits;
    limits.max_header_bytes = 512;
    auto out = feed_in_chunks(input, {3, 1, 17}, limits);
    (void)out;
  }
}

}  // namespace
}  // namespace pinana::sip::transport
