// ClientTransaction: every transition of the non-INVITE client state machine (RFC 3261 §17.1.2),
// with fake time.
#include "pinana/sip/transaction/client_transaction.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace pinana::sip::transaction {
namespace {

using testing::cancelled;
using testing::FakeLoop;
using testing::kinds;
using testing::request_text;
using testing::response;
using testing::ResponseSpec;
using testing::started;
using K = ActionKind;

class ClientTransactionTest : public ::testing::Test {
 protected:
  ClientTransaction& make(Reliability r, TimerConfig config = {}) {
    txn_.emplace(loop_.clock, config, r, request_text({}));
    return *txn_;
  }
  // Starts the transaction and lets the loop execute what it asks for.
  ClientTransaction& start(Reliability r, TimerConfig config = {}) {
    make(r, config);
    loop_.apply(txn_->start());
    return *txn_;
  }
  Actions fire(TimerId id) { return txn_->on_timer(id); }
  auto firer() {
    return [this](TimerId id) { return txn_->on_timer(id); };
  }

  FakeLoop loop_;
  std::optional<ClientTransaction> txn_;
};

TEST_F(ClientTransactionTest, StartOverUdpSendsRequestAndArmsFAndE) {
  auto& t = make(Reliability::kUnreliable);
  Actions a = t.start();
  ASSERT_EQ(kinds(a), (std::vector<K>{K::kSend, K::kStartTimer, K::kStartTimer}));
  EXPECT_EQ(a[0].bytes, request_text({}));
  EXPECT_EQ(started(a, TimerId::kF), Duration(32000));
  EXPECT_EQ(started(a, TimerId::kE), Duration(500));
  EXPECT_EQ(t.state(), ClientState::kTrying);
}

TEST_F(ClientTransactionTest, StartOverTcpArmsNoTimerE) {
  auto& t = make(Reliability::kReliable);
  Actions a = t.start();
  ASSERT_EQ(kinds(a), (std::vector<K>{K::kSend, K::kStartTimer}));
  EXPECT_EQ(started(a, TimerId::kF), Duration(32000));
  EXPECT_FALSE(started(a, TimerId::kE));
}

// Timer E: 500, 1000, 2000, 4000, 4000 ... ms apart; Timer F ends it all at 32 s.
TEST_F(ClientTransactionTest, TimerEDoublesUpToT2AndTimerFTimesOutAt32s) {
  start(Reliability::kUnreliable);
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{0, 500, 1500, 3500, 7500, 11500, 15500,
                                                            19500, 23500, 27500, 31500}));
  EXPECT_EQ(loop_.times_of(K::kTimeout), (std::vector<int64_t>{32000}));
  EXPECT_EQ(loop_.times_of(K::kTerminated), (std::vector<int64_t>{32000}));
  EXPECT_TRUE(loop_.times_of(K::kDeliverResponse).empty());
  EXPECT_EQ(txn_->state(), ClientState::kTerminated);
  // Every retransmission is the request, byte for byte; the timeout sends nothing (no 408).
  for (const auto& e : loop_.log) {
    if (e.kind == K::kSend) {
      EXPECT_EQ(e.bytes, request_text({}));
    }
  }
}

TEST_F(ClientTransactionTest, TimerEIntervalsAreT1DoublingCappedAtT2) {
  start(Reliability::kUnreliable);
  std::vector<Duration> delays;
  for (int i = 0; i < 6; ++i) {
    loop_.clock.advance(txn_->timer_e_interval());
    Actions a = fire(TimerId::kE);
    ASSERT_EQ(kinds(a), (std::vector<K>{K::kSend, K::kStartTimer})) << i;
    delays.push_back(*started(a, TimerId::kE));
  }
  EXPECT_EQ(delays, (std::vector<Duration>{Duration(1000), Duration(2000), Duration(4000),
                                           Duration(4000), Duration(4000), Duration(4000)}));
}

TEST_F(ClientTransactionTest, TimersFollowConfiguredT1AndT2) {
  TimerConfig config;
  config.t1 = Duration(200);
  config.t2 = Duration(1000);
  start(Reliability::kUnreliable, config);
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kTimeout), (std::vector<int64_t>{12800}));  // F = 64*T1
  auto sends = loop_.times_of(K::kSend);
  ASSERT_GE(sends.size(), 6u);
  EXPECT_EQ(std::vector<int64_t>(sends.begin(), sends.begin() + 6),
            (std::vector<int64_t>{0, 200, 600, 1400, 2400, 3400}));
}

TEST_F(ClientTransactionTest, ProvisionalMovesToProceedingAndTimerEGoesToT2) {
  start(Reliability::kUnreliable);
  loop_.advance_to_ms(200);
  Actions a = txn_->on_response(response({.status = 100, .reason = "Trying"}));
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kDeliverResponse}));
  EXPECT_EQ(txn_->state(), ClientState::kProceeding);
  // E keeps its schedule (fires at 500), then re-arms at T2 instead of doubling.
  ASSERT_TRUE(loop_.run_next(firer()));
  EXPECT_EQ(loop_.ms_now(), 500);
  ASSERT_TRUE(loop_.run_next(firer()));
  EXPECT_EQ(loop_.ms_now(), 4500);
  ASSERT_TRUE(loop_.run_next(firer()));
  EXPECT_EQ(loop_.ms_now(), 8500);
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{0, 500, 4500, 8500}));
  // Further provisionals still reach the TU.
  EXPECT_EQ(kinds(txn_->on_response(response({.status = 180, .reason = "Ringing"}))),
            (std::vector<K>{K::kDeliverResponse}));
  // Timer F still runs in Proceeding.
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kTimeout), (std::vector<int64_t>{32000}));
}

TEST_F(ClientTransactionTest, FinalInTryingOverUdpCompletesAndAbsorbsRetransmissions) {
  start(Reliability::kUnreliable);
  loop_.advance_to_ms(100);
  Actions a = txn_->on_response(response({}));
  EXPECT_TRUE(cancelled(a, TimerId::kE));
  EXPECT_TRUE(cancelled(a, TimerId::kF));
  EXPECT_TRUE(a.has(K::kDeliverResponse));
  EXPECT_EQ(started(a, TimerId::kK), Duration(5000));  // T4 on UDP
  EXPECT_FALSE(a.terminated());
  loop_.apply(a);
  EXPECT_EQ(txn_->state(), ClientState::kCompleted);
  EXPECT_TRUE(txn_->request().empty());  // nothing is resent from Completed: bytes released

  // Retransmitted finals and late provisionals are absorbed.
  EXPECT_TRUE(txn_->on_response(response({})).empty());
  EXPECT_TRUE(txn_->on_response(response({.status = 100, .reason = "Trying"})).empty());
  EXPECT_TRUE(txn_->on_response(response({.status = 500, .reason = "Oops"})).empty());

  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kTerminated), (std::vector<int64_t>{5100}));
  EXPECT_EQ(loop_.times_of(K::kDeliverResponse), (std::vector<int64_t>{100}));
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{0}));  // no retransmission after
  EXPECT_EQ(txn_->state(), ClientState::kTerminated);
}

TEST_F(ClientTransactionTest, FinalInProceedingCompletes) {
  start(Reliability::kUnreliable);
  loop_.apply(txn_->on_response(response({.status = 100, .reason = "Trying"})));
  Actions a = txn_->on_response(response({.status = 404, .reason = "Not Found"}));
  EXPECT_TRUE(a.has(K::kDeliverResponse));
  EXPECT_EQ(started(a, TimerId::kK), Duration(5000));
  EXPECT_EQ(txn_->state(), ClientState::kCompleted);
}

TEST_F(ClientTransactionTest, FinalOverTcpTerminatesAtOnce) {
  start(Reliability::kReliable);
  Actions a = txn_->on_response(response({}));
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kCancelTimer, K::kDeliverResponse, K::kTerminated}));
  EXPECT_TRUE(cancelled(a, TimerId::kF));
  EXPECT_EQ(txn_->state(), ClientState::kTerminated);
  EXPECT_TRUE(txn_->on_response(response({})).empty());
}

TEST_F(ClientTransactionTest, TimeoutOverTcpAt64T1) {
  start(Reliability::kReliable);
  loop_.run_all(firer());
  EXPECT_EQ(loop_.times_of(K::kSend), (std::vector<int64_t>{0}));  // no retransmission on TCP
  EXPECT_EQ(loop_.times_of(K::kTimeout), (std::vector<int64_t>{32000}));
  EXPECT_EQ(txn_->state(), ClientState::kTerminated);
}

TEST_F(ClientTransactionTest, TransportErrorTerminatesAndTellsTu) {
  start(Reliability::kUnreliable);
  Actions a = txn_->on_transport_error();
  EXPECT_TRUE(a.has(K::kTransportError));
  EXPECT_TRUE(cancelled(a, TimerId::kE));
  EXPECT_TRUE(cancelled(a, TimerId::kF));
  EXPECT_TRUE(a.terminated());
  EXPECT_EQ(txn_->state(), ClientState::kTerminated);
  // Nothing happens to a terminated transaction.
  EXPECT_TRUE(txn_->on_response(response({})).empty());
  EXPECT_TRUE(txn_->on_transport_error().empty());
  loop_.clock.advance(Duration(60000));
  EXPECT_TRUE(fire(TimerId::kF).empty());
}

TEST_F(ClientTransactionTest, TransportErrorInProceedingTellsTu) {
  start(Reliability::kUnreliable);
  (void)txn_->on_response(response({.status = 100, .reason = "Trying"}));
  Actions a = txn_->on_transport_error();
  EXPECT_TRUE(a.has(K::kTransportError));
  EXPECT_TRUE(a.terminated());
}

TEST_F(ClientTransactionTest, TransportErrorInCompletedEndsQuietly) {
  start(Reliability::kUnreliable);
  loop_.apply(txn_->on_response(response({})));
  Actions a = txn_->on_transport_error();
  // The TU already has its final response: no error for it, just the end of the wait (K).
  EXPECT_EQ(kinds(a), (std::vector<K>{K::kCancelTimer, K::kTerminated}));
  EXPECT_TRUE(cancelled(a, TimerId::kK));
  EXPECT_EQ(txn_->state(), ClientState::kTerminated);
}

TEST_F(ClientTransactionTest, EarlyAndUnarmedTimerFiresAreIgnored) {
  start(Reliability::kUnreliable);
  loop_.advance_to_ms(499);
  EXPECT_TRUE(fire(TimerId::kE).empty());  // not due yet
  EXPECT_TRUE(fire(TimerId::kK).empty());  // not armed
  EXPECT_TRUE(fire(TimerId::kJ).empty());  // a server timer
  loop_.advance_to_ms(500);
  EXPECT_EQ(kinds(fire(TimerId::kE)), (std::vector<K>{K::kSend, K::kStartTimer}));
  EXPECT_TRUE(fire(TimerId::kE).empty());  // a duplicate (stale) fire: re-armed for 1500
  // After the final, a queued E fire is stale.
  (void)txn_->on_response(response({}));
  loop_.advance_to_ms(1500);
  EXPECT_TRUE(fire(TimerId::kE).empty());
  EXPECT_TRUE(fire(TimerId::kF).empty());
}

TEST_F(ClientTransactionTest, ResponseOutsideStatusRangeIsIgnored) {
  start(Reliability::kUnreliable);
  EXPECT_TRUE(txn_->on_response(99).empty());
  EXPECT_TRUE(txn_->on_response(700).empty());
  EXPECT_EQ(txn_->state(), ClientState::kTrying);
}

}  // namespace
}  // namespace pinana::sip::transaction
