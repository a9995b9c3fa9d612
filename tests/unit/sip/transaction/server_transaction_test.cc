// ServerTransaction: every transition of the non-INVITE server state machine (RFC 3261 §17.2.2)
// and the RFC 4320 rules on provisional responses, with fake time.
#include "pinana/sip/transaction/server_transaction.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pinana::sip::transaction {
namespace {

using testing::cancelled;
using testing::FakeLoop;
using testing::kinds;
using testing::parse;
using testing::request;
using testing::RequestSpec;
using testing::started;
using K = ActionKind;

constexpr char k200[] = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
constexpr char k486[] = "SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n";
constexpr char k100[] = "SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n";

class ServerTransactionTest : public ::testing::Test {
 protected:
  ServerTransaction& start(Reliability r, TimerConfig config = {}, RequestSpec spec = {}) {
    Message req = request(spec);
    txn_.emplace(loop_.clock, config, r, req);
    first_ = txn_->start();
    loop_.apply(first_);
    return *txn_;
  }
  Actions send(int status, std::string bytes) {
    auto r = txn_->send_response(status, std::move(bytes));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
    Actions a = r.ok() ? *r : Actions();
    loop_.apply(a);
    return a;
  }
  auto firer() {
    return [this](TimerId id) { return txn_->on_timer(id); };
  }

  FakeLoop loop_;
  std::optional<ServerTransaction> txn_;
  Actions first_;
};

TEST_F(ServerTransactionTest, StartDeliversRequestAndArmsLateTrying) {
  start(Reliability::kUnreliable);
  EXPECT_EQ(kinds(first_), (std::vector<K>{K::kDeliverRequest, K::kStartTimer}));
  EXPECT_EQ(started(first_, TimerId::kTrying), Duration(3500));
  EXPECT_EQ(txn_->state(), ServerState::kTrying);
}

TEST_F(ServerTransactionTest, LateTryingCanBeTurnedOff) {
  TimerConfig config;
  config.late_trying = false;
  start(Reliability::kUnreliable, config);
  EXPECT_EQ(kinds(first_), (std::vector<K>{K::kDeliverRequest}));
}

TEST_F(ServerTransactionTest, RetransmissionInTryingIsAbsorbed) {
  start(Reliability::kUnreliable);
  EXPECT_TRUE(txn_->on_request().empty());
  EXPECT_EQ(txn_->state(), ServerState::kTrying);
}

TEST_F(ServerTransactionTest, FinalOverUdpCompletesReplaysAndEndsOnTimerJ) {
  start(Reliability::kUnreliable);
  loop_.advance_to_ms(20);
  Actions a = send(200, k200);
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kCancelTimer, K::kSend, K::kStartTimer}));
  EXPECT_TRUE(cancelled(a, TimerId::kTrying));
  EXPECT_EQ(a[1].bytes, k200);
  EXPECT_EQ(started(a, TimerId::kJ), Duration(32000));  // 64*T1 on UDP
  EXPECT_EQ(txn_->state(), ServerState::kCompleted);

  // Each retransmission gets the final again.
  Actions r = txn_->on_request();
  ASSERT_EQ(kinds(r), (std::vector<K>{K::kSend}));
  EXPECT_EQ(r[0].bytes, k200);
  // A later final from the TU is discarded: nothing sent, and the replay stays the 200.
  auto later = txn_->send_response(486, k486);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
  EXPECT_EQ(txn_->on_request()[0].bytes, k200);
  EXPECT_EQ(txn_->last_response(), k200);
  // So is a provisional.
  EXPECT_TRUE(txn_->send_response(100, k100)->empty());

  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kTerminated), (std::vector<int64_t>{32020}));
  EXPECT_EQ(txn_->state(), ServerState::kTerminated);
  EXPECT_TRUE(txn_->on_request().empty());
}

TEST_F(ServerTransactionTest, FinalOverTcpTerminatesAtOnce) {
  start(Reliability::kReliable);
  Actions a = send(200, k200);
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kCancelTimer, K::kSend, K::kTerminated}));  // J = 0
  EXPECT_EQ(a[1].bytes, k200);
  EXPECT_FALSE(started(a, TimerId::kJ));
  EXPECT_EQ(txn_->state(), ServerState::kTerminated);
}

TEST_F(ServerTransactionTest, TimerJFollowsConfiguredT1) {
  TimerConfig config;
  config.t1 = Duration(1000);
  start(Reliability::kUnreliable, config);
  EXPECT_EQ(started(send(200, k200), TimerId::kJ), Duration(64000));
}

TEST_F(ServerTransactionTest, LateTryingIsSentAtThreePointFiveSecondsAndReplayed) {
  start(Reliability::kUnreliable, {}, {.extra = "Timestamp: 54.2\r\n"});
  loop_.advance_to_ms(3499);
  EXPECT_TRUE(txn_->on_timer(TimerId::kTrying).empty());  // early fire: ignored
  ASSERT_TRUE(loop_.run_next(firer()));
  EXPECT_EQ(loop_.ms_now(), 3500);
  ASSERT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{3500}));
  EXPECT_EQ(txn_->state(), ServerState::kProceeding);

  const std::string trying = loop_.log.back().bytes;
  Message m = parse(trying);
  EXPECT_EQ(m.status_code(), 100);
  EXPECT_EQ(m.top_via()->branch(), "z9hG4bKnashds8");
  EXPECT_EQ(m.cseq()->method, "SUBSCRIBE");
  EXPECT_EQ(m.value(HeaderId::kTimestamp), "54.2");

  // A retransmission in Proceeding gets the 100 again.
  Actions r = txn_->on_request();
  ASSERT_EQ(kinds(r), (std::vector<K>{K::kSend}));
  EXPECT_EQ(r[0].bytes, trying);
  // The final still completes the transaction.
  Actions f = send(200, k200);
  EXPECT_EQ(f[0].kind, K::kSend);
  EXPECT_EQ(txn_->state(), ServerState::kCompleted);
  EXPECT_EQ(txn_->on_request()[0].bytes, k200);
}

TEST_F(ServerTransactionTest, LateTryingIsSentOverTcpToo) {
  start(Reliability::kReliable);
  EXPECT_EQ(started(first_, TimerId::kTrying), Duration(3500));
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{3500}));
}

TEST_F(ServerTransactionTest, NoLateTryingOnceAnswered) {
  start(Reliability::kUnreliable);
  loop_.advance_to_ms(1000);
  send(200, k200);
  loop_.advance_to_ms(3500);
  EXPECT_TRUE(txn_->on_timer(TimerId::kTrying).empty());  // a stale fire after the cancel
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{1000}));
}

TEST_F(ServerTransactionTest, EarlyHundredOverUdpIsNotSent) {
  start(Reliability::kUnreliable);
  loop_.advance_to_ms(3499);
  Actions a = send(100, k100);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(txn_->state(), ServerState::kTrying);
  EXPECT_TRUE(txn_->on_request().empty());
  // The late 100 still goes out on time.
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{3500}));
}

TEST_F(ServerTransactionTest, HundredFromTuOverUdpAfterT2Point) {
  TimerConfig config;
  config.late_trying = false;
  start(Reliability::kUnreliable, config);
  loop_.advance_to_ms(3500);
  Actions a = send(100, k100);
  ASSERT_EQ(kinds(a), (std::vector<K>{K::kSend}));
  EXPECT_EQ(txn_->state(), ServerState::kProceeding);
  EXPECT_EQ(txn_->on_request()[0].bytes, k100);
}

TEST_F(ServerTransactionTest, HundredFromTuOverTcpAtOnce) {
  start(Reliability::kReliable);
  Actions a = send(100, k100);
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kCancelTimer, K::kSend}));  // the late 100 is moot
  EXPECT_EQ(txn_->state(), ServerState::kProceeding);
  Actions r = txn_->on_request();
  ASSERT_EQ(kinds(r), (std::vector<K>{K::kSend}));
  EXPECT_EQ(r[0].bytes, k100);
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{0}));
}

TEST_F(ServerTransactionTest, RefusesOtherProvisionalsAnd408) {
  start(Reliability::kReliable);
  EXPECT_FALSE(txn_->send_response(180, "SIP/2.0 180 Ringing\r\n\r\n").ok());
  EXPECT_FALSE(txn_->send_response(183, "SIP/2.0 183 Progress\r\n\r\n").ok());
  EXPECT_FALSE(txn_->send_response(408, "SIP/2.0 408 Request Timeout\r\n\r\n").ok());
  EXPECT_FALSE(txn_->send_response(99, "x").ok());
  EXPECT_FALSE(txn_->send_response(700, "x").ok());
  EXPECT_FALSE(txn_->send_response(200, "").ok());
  EXPECT_EQ(txn_->state(), ServerState::kTrying);
  EXPECT_TRUE(txn_->on_request().empty());
}

TEST_F(ServerTransactionTest, SendResponseFromMessageSerializesIt) {
  start(Reliability::kReliable);
  Message ok = parse(k200);
  auto a = txn_->send_response(ok);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->has(K::kSend));
  EXPECT_EQ(a->find(K::kSend)->bytes, k200);
}

TEST_F(ServerTransactionTest, TransportErrorTerminatesAndTellsTu) {
  start(Reliability::kUnreliable);
  send(200, k200);
  Actions a = txn_->on_transport_error();
  EXPECT_TRUE(a.has(K::kTransportError));
  EXPECT_TRUE(cancelled(a, TimerId::kJ));
  EXPECT_TRUE(a.terminated());
  EXPECT_EQ(txn_->state(), ServerState::kTerminated);
  EXPECT_TRUE(txn_->on_request().empty());
  EXPECT_TRUE(txn_->on_transport_error().empty());
}

TEST_F(ServerTransactionTest, TransportErrorInTrying) {
  start(Reliability::kUnreliable);
  Actions a = txn_->on_transport_error();
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kTransportError, K::kCancelTimer, K::kTerminated}));
  EXPECT_TRUE(cancelled(a, TimerId::kTrying));
}

TEST(TimerConfigTest, LateTryingDelayIsWhenTimerEReachesT2) {
  EXPECT_EQ(TimerConfig{}.late_trying_delay(), Duration(3500));
  TimerConfig c;
  c.t1 = Duration(1000);  // 1000 + 2000 = 3000, then E = 4000
  EXPECT_EQ(c.late_trying_delay(), Duration(3000));
  c.t1 = Duration(4000);  // already at T2 after the first interval
  EXPECT_EQ(c.late_trying_delay(), Duration(4000));
  c.t1 = Duration(300);  // 300 + 600 + 1200 + 2400 = 4500, then E = min(4800, 4000)
  EXPECT_EQ(c.late_trying_delay(), Duration(4500));
}

TEST(TimerConfigTest, ReliabilityOfViaTransport) {
  EXPECT_EQ(reliability_of("UDP"), Reliability::kUnreliable);
  EXPECT_EQ(reliability_of("udp"), Reliability::kUnreliable);
  EXPECT_EQ(reliability_of("TCP"), Reliability::kReliable);
  EXPECT_EQ(reliability_of("TLS"), Reliability::kReliable);
  EXPECT_EQ(reliability_of("SCTP"), Reliability::kReliable);
}

}  // namespace
}  // namespace pinana::sip::transaction
