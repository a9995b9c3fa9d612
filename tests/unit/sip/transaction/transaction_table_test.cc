// TransactionTable: routing requests and responses to transactions, creating and removing them,
// merged-request detection (RFC 3261 §8.2.2.2), and driving timers through transaction ids.
#include "pinana/sip/transaction/transaction_table.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "pinana/sip/writer.h"
#include "test_support.h"

namespace pinana::sip::transaction {
namespace {

using testing::kinds;
using testing::parse;
using testing::read_data_file;
using testing::request;
using testing::request_text;
using testing::RequestSpec;
using testing::response;
using testing::ResponseSpec;
using testing::started;
using K = ActionKind;

constexpr char k200[] = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";

class TransactionTableTest : public ::testing::Test {
 protected:
  Outcome in(const Message& m, Reliability r = Reliability::kUnreliable) {
    auto o = table_.on_request(m, r);
    EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().reason);
    return o.ok() ? *o : Outcome{};
  }
  Outcome answer(TransactionId id, int status, std::string bytes) {
    auto o = table_.send_response(id, status, std::move(bytes));
    EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().reason);
    return o.ok() ? *o : Outcome{};
  }
  // Plays the owner: executes timer actions per (transaction, timer) and fires them in order.
  void apply(const Outcome& o) {
    for (const Action& a : o.actions) {
      if (a.kind == K::kStartTimer) timers_[{o.id.value, a.timer}] = clock_.now() + a.delay;
      if (a.kind == K::kCancelTimer) timers_.erase({o.id.value, a.timer});
      if (a.kind == K::kSend) sent_.emplace_back(a.bytes);
      if (a.kind == K::kTerminated) terminated_.push_back(o.id.value);
    }
  }
  void run_until(Duration limit) {
    const TimePoint end = clock_.now() + limit;
    while (!timers_.empty()) {
      auto next = timers_.begin();
      for (auto it = timers_.begin(); it != timers_.end(); ++it)
        if (it->second < next->second) next = it;
      if (next->second > end) break;
      auto [id, timer] = next->first;
      clock_.set(next->second);
      timers_.erase(next);
      apply(table_.on_timer(TransactionId{id}, timer));
    }
    clock_.set(end);
  }

  FakeClock clock_;
  TransactionTable table_{clock_};
  std::map<std::pair<uint64_t, TimerId>, TimePoint> timers_;
  std::vector<std::string> sent_;
  std::vector<uint64_t> terminated_;
};

TEST_F(TransactionTableTest, NewRequestCreatesServerTransactionAndRetransmissionsFindIt) {
  Outcome first = in(request({}));
  ASSERT_TRUE(first.id.valid());
  EXPECT_EQ(kinds(first.actions), (std::vector<K>{K::kDeliverRequest, K::kStartTimer}));
  EXPECT_EQ(table_.size(), 1u);
  ASSERT_NE(table_.server(first.id), nullptr);
  EXPECT_EQ(table_.client(first.id), nullptr);

  // A retransmission goes to the same transaction and is absorbed while the TU works.
  Outcome again = in(request({}));
  EXPECT_EQ(again.id, first.id);
  EXPECT_TRUE(again.actions.empty());
  EXPECT_EQ(table_.size(), 1u);

  // After the TU's final (over UDP) the table keeps the transaction through Timer J by itself:
  // the owner is told it terminated, right after the send, and retransmissions get the final again.
  Outcome done = answer(first.id, 200, k200);
  EXPECT_EQ(kinds(done.actions), (std::vector<K>{K::kCancelTimer, K::kSend, K::kTerminated}));
  EXPECT_EQ(done.actions.find(K::kSend)->bytes, k200);
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.completed_servers(), 1u);
  EXPECT_EQ(table_.server(first.id), nullptr);
  Outcome replay = in(request({}));
  EXPECT_EQ(replay.id, first.id);
  ASSERT_EQ(kinds(replay.actions), (std::vector<K>{K::kSend}));
  EXPECT_EQ(replay.actions[0].bytes, k200);

  // A request with another branch is another transaction.
  Outcome other = in(request({.branch = "z9hG4bKsecond", .cseq = 314160}));
  EXPECT_NE(other.id, first.id);
  EXPECT_TRUE(other.actions.has(K::kDeliverRequest));
  EXPECT_EQ(table_.size(), 1u);
  // Another sent-by or method with the same branch is another transaction too, not a replay.
  Outcome elsewhere = in(request({.via_host = "198.51.100.9"}));
  EXPECT_NE(elsewhere.id, first.id);
  EXPECT_FALSE(elsewhere.actions.has(K::kSend));
}

TEST_F(TransactionTableTest, TimerJRemovesCompletedServerTransactionOverUdp) {
  Outcome o = in(request({}));
  apply(o);
  apply(answer(o.id, 200, k200));
  EXPECT_EQ(terminated_, (std::vector<uint64_t>{o.id.value})) << "the owner's part is over";
  EXPECT_TRUE(timers_.empty()) << "J is the table's own";
  run_until(Duration(31999));
  Outcome replay = in(request({}));
  EXPECT_EQ(replay.id, o.id);
  ASSERT_EQ(kinds(replay.actions), (std::vector<K>{K::kSend}));
  EXPECT_EQ(replay.actions[0].bytes, k200);
  EXPECT_EQ(table_.completed_servers(), 1u);
  run_until(Duration(1));
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.server(o.id), nullptr);
  // Late fires and TU calls for a removed transaction do nothing.
  EXPECT_TRUE(table_.on_timer(o.id, TimerId::kJ).actions.empty());
  EXPECT_FALSE(table_.send_response(o.id, 200, k200).ok());
  // The same request now would start a new transaction.
  Outcome fresh = in(request({}));
  EXPECT_NE(fresh.id, o.id);
  EXPECT_TRUE(fresh.actions.has(K::kDeliverRequest));
}

TEST_F(TransactionTableTest, CompactAfterABurstKeepsTheLiveTransactionsWorking) {
  // A burst: 3,000 SUBSCRIBEs answered at once; all but the last one end (Timer J).
  std::vector<TransactionId> ids;
  for (int i = 0; i < 3000; ++i) {
    RequestSpec r;
    r.branch = "z9hG4bKburst" + std::to_string(i);
    r.call_id = "burst" + std::to_string(i);
    Outcome o = in(request(r));
    apply(o);
    apply(answer(o.id, 200, k200));
    ids.push_back(o.id);
  }
  run_until(Duration(31999));
  RequestSpec late;
  late.branch = "z9hG4bKlate";
  Outcome live = in(request(late));
  apply(live);
  run_until(Duration(1));
  EXPECT_EQ(table_.size(), 1u);
  table_.compact();
  EXPECT_EQ(table_.size(), 1u);
  // The live one still absorbs its retransmission and still takes its answer.
  Outcome again = in(request(late));
  EXPECT_EQ(again.id, live.id);
  EXPECT_FALSE(again.actions.has(K::kDeliverRequest));
  apply(answer(live.id, 200, k200));
  Outcome third = in(request(late));
  EXPECT_TRUE(third.actions.has(K::kSend));  // the 200 again
  // An ended one is gone: the same request starts a new transaction.
  RequestSpec first;
  first.branch = "z9hG4bKburst0";
  first.call_id = "burst0";
  Outcome fresh = in(request(first));
  EXPECT_NE(fresh.id, ids[0]);
  EXPECT_TRUE(fresh.actions.has(K::kDeliverRequest));
}

TEST_F(TransactionTableTest, FinalOverTcpRemovesTransactionButKeepsBytesUntilNextCall) {
  Outcome o = in(request({.transport = "TCP"}), Reliability::kReliable);
  auto done = table_.send_response(o.id, 200, std::string(k200) + std::string(200, ' '));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(kinds(done->actions), (std::vector<K>{K::kCancelTimer, K::kSend, K::kTerminated}));
  EXPECT_EQ(table_.size(), 0u);
  // The bytes are still readable (ASan would flag a dangling view).
  EXPECT_EQ(done->actions[1].bytes.substr(0, 15), "SIP/2.0 200 OK\r");
}

TEST_F(TransactionTableTest, MergedRequestGetsLoopDetected) {
  Outcome first = in(request({}));
  ASSERT_TRUE(first.actions.has(K::kDeliverRequest));
  // The same request forked along another path: other branch and Via, same From tag, Call-ID
  // and CSeq, no To tag.
  Message forked = request({.via_host = "198.51.100.7", .branch = "z9hG4bKfork2"});
  Outcome merged = in(forked);
  ASSERT_TRUE(merged.id.valid());
  EXPECT_NE(merged.id, first.id);
  EXPECT_TRUE(merged.actions.has(K::kAnswerLoopDetected));
  EXPECT_FALSE(merged.actions.has(K::kDeliverRequest));

  // The owner answers 482 through the merged request's own transaction, which replays it.
  std::string loop = make_response(forked, 482, "Loop Detected", "t482");
  Outcome sent = answer(merged.id, 482, loop);
  ASSERT_TRUE(sent.actions.has(K::kSend));
  Outcome replay = in(request({.via_host = "198.51.100.7", .branch = "z9hG4bKfork2"}));
  EXPECT_EQ(replay.id, merged.id);
  ASSERT_EQ(kinds(replay.actions), (std::vector<K>{K::kSend}));
  EXPECT_EQ(parse(std::string(replay.actions[0].bytes)).status_code(), 482);

  // The original is untouched.
  EXPECT_EQ(table_.server(first.id)->state(), ServerState::kTrying);
}

TEST_F(TransactionTableTest, RequestsThatDoNotMergeAreDelivered) {
  in(request({}));
  // With a To tag (in a dialog): not a merge candidate.
  EXPECT_TRUE(
      in(request({.branch = "z9hG4bKb2", .to_tag = "dlg"})).actions.has(K::kDeliverRequest));
  // Another CSeq number or method, From tag or Call-ID: a different request.
  EXPECT_TRUE(in(request({.branch = "z9hG4bKb3", .cseq = 1})).actions.has(K::kDeliverRequest));
  EXPECT_TRUE(
      in(request({.method = "CANCEL", .branch = "z9hG4bKb4"})).actions.has(K::kDeliverRequest));
  EXPECT_TRUE(
      in(request({.branch = "z9hG4bKb5", .from_tag = "9"})).actions.has(K::kDeliverRequest));
  EXPECT_TRUE(
      in(request({.branch = "z9hG4bKb6", .call_id = "x@y"})).actions.has(K::kDeliverRequest));
}

TEST_F(TransactionTableTest, MergedRequestWhileTheOriginalIsCompletedIsStillALoop) {
  Outcome first = in(request({}));
  apply(answer(first.id, 200, k200));  // UDP: Completed, kept by the table until J
  Message forked = request({.via_host = "198.51.100.7", .branch = "z9hG4bKfork2"});
  Outcome merged = in(forked);
  EXPECT_TRUE(merged.actions.has(K::kAnswerLoopDetected));
  EXPECT_FALSE(merged.actions.has(K::kDeliverRequest));
  // Its 482 completes it too, without a merged-request key of its own: after the original's J a
  // third copy is a request like any other.
  apply(answer(merged.id, 482, make_response(forked, 482, "Loop Detected", "t482")));
  EXPECT_EQ(table_.completed_servers(), 2u);
  run_until(Duration(32000));
  Outcome third = in(request({.via_host = "198.51.100.8", .branch = "z9hG4bKfork3"}));
  EXPECT_TRUE(third.actions.has(K::kDeliverRequest));
  EXPECT_EQ(table_.completed_servers(), 0u);
}

TEST_F(TransactionTableTest, ManyCompletedServersAnswerExactlyTheirOwnRetransmissions) {
  // 5,000 requests over UDP, each answered with its own body; then every retransmission gets its
  // own response, also after a compact, and none after J.
  std::vector<std::pair<TransactionId, std::string>> done;
  auto spec = [](int i) {
    RequestSpec r;
    r.branch = "z9hG4bKmany" + std::to_string(i);
    r.call_id = "many" + std::to_string(i);
    return r;
  };
  for (int i = 0; i < 5000; ++i) {
    Outcome o = in(request(spec(i)));
    std::string bytes = "SIP/2.0 200 OK\r\nX-N: " + std::to_string(i) + "\r\n\r\n";
    apply(answer(o.id, 200, bytes));
    done.emplace_back(o.id, bytes);
    if (i == 2500) table_.compact();
  }
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.completed_servers(), 5000u);
  for (int i = 0; i < 5000; i += 7) {
    Outcome r = in(request(spec(i)));
    ASSERT_EQ(r.id, done[i].first) << i;
    ASSERT_EQ(kinds(r.actions), (std::vector<K>{K::kSend})) << i;
    EXPECT_EQ(r.actions[0].bytes, done[i].second) << i;
  }
  run_until(Duration(32000));
  Outcome after = in(request(spec(9)));
  EXPECT_TRUE(after.actions.has(K::kDeliverRequest));
  EXPECT_EQ(table_.completed_servers(), 0u);
}

TEST_F(TransactionTableTest, MergeDetectionEndsWithTheOriginalTransaction) {
  Outcome first = in(request({.transport = "TCP"}), Reliability::kReliable);
  (void)answer(first.id, 200, k200);  // TCP: terminated and removed at once
  Outcome later = in(request({.branch = "z9hG4bKlater"}));
  EXPECT_TRUE(later.actions.has(K::kDeliverRequest));
}

TEST_F(TransactionTableTest, MergedRequestWithRfc2543Keys) {
  Outcome first = in(request({.branch = ""}));
  EXPECT_TRUE(first.actions.has(K::kDeliverRequest));
  Outcome merged = in(request({.via_host = "198.51.100.7", .branch = ""}));
  EXPECT_TRUE(merged.actions.has(K::kAnswerLoopDetected));
}

TEST_F(TransactionTableTest, CancelIsItsOwnTransaction) {
  Outcome sub = in(request({}));
  Outcome cancel = in(request({.method = "CANCEL"}));  // same branch, as RFC 3261 §9.1 builds it
  EXPECT_NE(cancel.id, sub.id);
  EXPECT_TRUE(cancel.actions.has(K::kDeliverRequest));
  EXPECT_EQ(in(request({.method = "CANCEL"})).id, cancel.id);
  EXPECT_EQ(table_.size(), 2u);
}

TEST_F(TransactionTableTest, AckAndInviteGetNoTransaction) {
  Outcome ack = in(request({.method = "ACK"}));
  EXPECT_FALSE(ack.id.valid());
  EXPECT_EQ(kinds(ack.actions), (std::vector<K>{K::kStatelessRequest}));
  Outcome invite = in(request({.method = "INVITE"}));
  EXPECT_FALSE(invite.id.valid());
  EXPECT_EQ(kinds(invite.actions), (std::vector<K>{K::kStatelessRequest}));
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(TransactionTableTest, BadBranchRequestIsMatchedByRfc2543Rule) {
  const std::string bytes = read_data_file("rfc4475/badbranch.dat");
  Outcome first = in(parse(bytes));
  EXPECT_TRUE(first.actions.has(K::kDeliverRequest));
  EXPECT_EQ(in(parse(bytes)).id, first.id);  // a retransmission
  // Same branch "z9hG4bK" and sent-by but a new CSeq: under the RFC 3261 rule this would be
  // taken for a retransmission; under RFC 2543 it is a new request.
  std::string next = bytes;
  next.replace(next.find("CSeq: 8"), 7, "CSeq: 9");
  Outcome second = in(parse(next));
  EXPECT_NE(second.id, first.id);
  EXPECT_TRUE(second.actions.has(K::kDeliverRequest));
}

TEST_F(TransactionTableTest, RequestWithoutViaIsRefused) {
  Message no_via = parse(
      "OPTIONS sip:a@example.com SIP/2.0\r\nTo: <sip:a@example.com>\r\n"
      "From: <sip:b@example.com>;tag=1\r\nCall-ID: x@y\r\nCSeq: 1 OPTIONS\r\n"
      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
  auto o = table_.on_request(no_via, Reliability::kUnreliable);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.error().status, 400);
  EXPECT_EQ(table_.size(), 0u);
}

TEST_F(TransactionTableTest, ClientTransactionRoutesResponsesAndTimesOut) {
  Message req = request({.method = "PUBLISH", .branch = "z9hG4bKc1"});
  auto started_out = table_.start_client(req, Reliability::kUnreliable);
  ASSERT_TRUE(started_out.ok());
  const TransactionId id = started_out->id;
  EXPECT_EQ(started_out->actions[0].kind, K::kSend);
  EXPECT_EQ(started_out->actions[0].bytes, req.serialize());
  apply(*started_out);
  ASSERT_NE(table_.client(id), nullptr);

  // Responses of other transactions are strays.
  EXPECT_EQ(
      kinds(
          table_.on_response(response({.branch = "z9hG4bKc2", .cseq_method = "PUBLISH"})).actions),
      (std::vector<K>{K::kStrayResponse}));
  EXPECT_EQ(
      kinds(table_.on_response(response({.branch = "z9hG4bKc1", .cseq_method = "CANCEL"})).actions),
      (std::vector<K>{K::kStrayResponse}));
  EXPECT_EQ(kinds(table_.on_response(req).actions), (std::vector<K>{K::kStrayResponse}));

  // A provisional, then retransmissions at T2, then the timeout at 64*T1.
  Outcome p = table_.on_response(
      response({.status = 100, .branch = "z9hG4bKc1", .cseq_method = "PUBLISH"}));
  EXPECT_EQ(p.id, id);
  EXPECT_EQ(kinds(p.actions), (std::vector<K>{K::kDeliverResponse}));
  run_until(Duration(31999));
  EXPECT_EQ(sent_.size(), 9u);  // the request, then E at 0.5, 4.5, 8.5 ... 28.5 s
  Outcome before = table_.on_timer(id, TimerId::kF);
  EXPECT_TRUE(before.actions.empty());  // not due yet
  clock_.advance(Duration(1));
  Outcome timeout = table_.on_timer(id, TimerId::kF);
  EXPECT_TRUE(timeout.actions.has(K::kTimeout));
  EXPECT_TRUE(timeout.actions.terminated());
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_FALSE(table_.find(*TransactionKey::for_client(req)).has_value());
}

TEST_F(TransactionTableTest, ClientRequestBuffersGoToThePoolOnceCompleted) {
  BufferPool pool(2, 4096);
  table_.recycle_requests_into(&pool);
  std::vector<const char*> buffers;
  for (int i = 0; i < 3; ++i) {
    const std::string branch = "z9hG4bKpool" + std::to_string(i);
    std::string bytes = request({.method = "NOTIFY", .branch = branch}).serialize();
    bytes.reserve(1500);
    buffers.push_back(bytes.data());
    auto s = table_.start_client("NOTIFY", branch, Reliability::kUnreliable, std::move(bytes));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(pool.spares(), static_cast<size_t>(i == 0 ? 0 : std::min(i, 2)));
    EXPECT_EQ(s->actions.find(K::kSend)->bytes.data(), buffers.back()) << "sent from its buffer";
    table_.on_response(response({.branch = branch, .cseq_method = "NOTIFY"}));
  }
  EXPECT_EQ(pool.spares(), 2u) << "at most max_spares kept";
  std::string again = pool.take();
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), 1500u);
  EXPECT_EQ(again.data(), buffers[1]) << "the last one given back comes first";
  pool.release();
  EXPECT_EQ(pool.spares(), 0u);
  EXPECT_TRUE(pool.take().empty());
}

TEST_F(TransactionTableTest, ClientFinalDeliveredOnceThenAbsorbedUntilTimerK) {
  Message req = request({.method = "PUBLISH", .branch = "z9hG4bKc1"});
  auto s = table_.start_client(req, Reliability::kUnreliable);
  ASSERT_TRUE(s.ok());
  apply(*s);
  const ResponseSpec ok{.branch = "z9hG4bKc1", .cseq_method = "PUBLISH"};
  Outcome final = table_.on_response(response(ok));
  // Completed is kept by the table itself: the owner is done with it (no Timer K to run).
  EXPECT_EQ(kinds(final.actions), (std::vector<K>{K::kCancelTimer, K::kCancelTimer,
                                                  K::kDeliverResponse, K::kTerminated}));
  EXPECT_FALSE(started(final.actions, TimerId::kK).has_value());
  apply(final);
  EXPECT_EQ(terminated_, (std::vector<uint64_t>{s->id.value}));
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.completed_clients(), 1u);
  // Retransmissions of the final within T4 (5 s) are absorbed: its id, nothing to do.
  clock_.advance(Duration(4999));
  Outcome dup = table_.on_response(response(ok));
  EXPECT_EQ(dup.id, s->id);
  EXPECT_TRUE(dup.actions.empty());
  // So is a provisional overtaken by the final.
  EXPECT_TRUE(
      table_.on_response(response({.status = 100, .branch = "z9hG4bKc1", .cseq_method = "PUBLISH"}))
          .actions.empty());
  // Timer, transport error and response calls for it change nothing.
  EXPECT_TRUE(table_.on_timer(s->id, TimerId::kK).actions.empty());
  EXPECT_TRUE(table_.on_transport_error(s->id).actions.empty());
  // After K, a late retransmission is a stray, and the entry is gone.
  clock_.advance(Duration(1));
  EXPECT_TRUE(table_.on_response(response(ok)).actions.has(K::kStrayResponse));
  EXPECT_EQ(table_.completed_clients(), 0u);
}

TEST_F(TransactionTableTest, ClientOverTcpTerminatesOnItsFinalWithNothingKept) {
  auto s = table_.start_client(request({.branch = "z9hG4bKt1"}), Reliability::kReliable);
  ASSERT_TRUE(s.ok());
  Outcome final = table_.on_response(response({.branch = "z9hG4bKt1"}));
  EXPECT_TRUE(final.actions.has(K::kDeliverResponse));
  EXPECT_TRUE(final.actions.terminated());
  EXPECT_EQ(table_.completed_clients(), 0u);
  EXPECT_TRUE(table_.on_response(response({.branch = "z9hG4bKt1"})).actions.has(K::kStrayResponse));
}

TEST_F(TransactionTableTest, ManyCompletedClientsAbsorbExactlyTheirOwnResponses) {
  // Thousands of NOTIFYs completing over the 5 s of Timer K, as in a fan-out: the index grows,
  // expires in order and still tells each transaction's retransmission from a stray.
  constexpr int kCount = 5000;
  std::vector<TransactionId> ids;
  for (int i = 0; i < kCount; ++i) {
    const std::string branch = "z9hG4bKf" + std::to_string(i);
    auto s = table_.start_client("NOTIFY", branch, Reliability::kUnreliable, "x");
    ASSERT_TRUE(s.ok());
    ids.push_back(s->id);
    ASSERT_TRUE(table_.on_response(response({.branch = branch, .cseq_method = "NOTIFY"}))
                    .actions.terminated());
    if (i % 1000 == 999 && i + 1 < kCount) clock_.advance(Duration(1000));  // 0 s, 1 s ... 4 s
  }
  EXPECT_EQ(table_.completed_clients(), size_t(kCount));
  for (int i = 0; i < kCount; i += 7) {
    Outcome dup = table_.on_response(
        response({.branch = "z9hG4bKf" + std::to_string(i), .cseq_method = "NOTIFY"}));
    EXPECT_EQ(dup.id, ids[i]);
    EXPECT_TRUE(dup.actions.empty());
  }
  EXPECT_TRUE(table_.on_response(response({.branch = "z9hG4bKf-none", .cseq_method = "NOTIFY"}))
                  .actions.has(K::kStrayResponse));
  EXPECT_FALSE(table_.start_client("NOTIFY", "z9hG4bKf0", Reliability::kUnreliable, "x").ok())
      << "a branch still in Completed is in use";
  // The first batch completed at 0 s: its K ends at 5 s; the rest stay.
  clock_.advance(Duration(1000));
  EXPECT_TRUE(table_.on_response(response({.branch = "z9hG4bKf10", .cseq_method = "NOTIFY"}))
                  .actions.has(K::kStrayResponse));
  EXPECT_EQ(table_.completed_clients(), size_t(kCount - 1000));
  table_.compact();  // as after a burst: the completed list is rebuilt, every entry still found
  for (int i = 1000; i < kCount; i += 13) {
    EXPECT_EQ(table_
                  .on_response(
                      response({.branch = "z9hG4bKf" + std::to_string(i), .cseq_method = "NOTIFY"}))
                  .id,
              ids[i]);
  }
  EXPECT_EQ(table_.on_response(response({.branch = "z9hG4bKf1010", .cseq_method = "NOTIFY"})).id,
            ids[1010]);
  clock_.advance(Duration(4000));  // 9 s: the last batch's K ends
  table_.compact();
  EXPECT_EQ(table_.completed_clients(), 0u);
  EXPECT_TRUE(table_.on_response(response({.branch = "z9hG4bKf4999", .cseq_method = "NOTIFY"}))
                  .actions.has(K::kStrayResponse));
}

TEST_F(TransactionTableTest, ClientTransportErrorRemovesIt) {
  auto s = table_.start_client(request({.branch = "z9hG4bKc1"}), Reliability::kReliable);
  ASSERT_TRUE(s.ok());
  Outcome err = table_.on_transport_error(s->id);
  EXPECT_TRUE(err.actions.has(K::kTransportError));
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_TRUE(table_.on_transport_error(s->id).actions.empty());
}

TEST_F(TransactionTableTest, StartClientRefusesBadRequests) {
  ASSERT_TRUE(table_.start_client(request({.branch = "z9hG4bKc1"}), Reliability::kUnreliable).ok());
  // The branch is already in use for that method.
  EXPECT_FALSE(
      table_.start_client(request({.branch = "z9hG4bKc1"}), Reliability::kUnreliable).ok());
  EXPECT_FALSE(table_
                   .start_client(request({.method = "INVITE", .branch = "z9hG4bKi"}),
                                 Reliability::kUnreliable)
                   .ok());
  EXPECT_FALSE(table_.start_client(request({.branch = ""}), Reliability::kUnreliable).ok());
  EXPECT_FALSE(table_.start_client(response({}), Reliability::kUnreliable).ok());
  EXPECT_EQ(table_.size(), 1u);
}

TEST_F(TransactionTableTest, ClientStartedFromMethodAndBranchMatchesItsResponses) {
  // The TU names the method and branch of a request it serialized itself (no parse back).
  Message req = request({.method = "NOTIFY", .branch = "z9hG4bKn1"});
  auto s = table_.start_client("NOTIFY", "z9hG4bKn1", Reliability::kUnreliable, req.serialize());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->actions[0].kind, K::kSend);
  EXPECT_EQ(s->actions[0].bytes, req.serialize());
  EXPECT_EQ(table_.find(*TransactionKey::for_client(req)), s->id);
  // Another method's response with that branch is not it.
  EXPECT_TRUE(table_.on_response(response({.branch = "z9hG4bKn1", .cseq_method = "PUBLISH"}))
                  .actions.has(K::kStrayResponse));
  Outcome final = table_.on_response(response({.branch = "z9hG4bKn1", .cseq_method = "NOTIFY"}));
  EXPECT_EQ(final.id, s->id);
  EXPECT_TRUE(final.actions.has(K::kDeliverResponse));
  // The same branch again, a branch without the magic cookie, and INVITE are refused.
  EXPECT_FALSE(table_.start_client("NOTIFY", "z9hG4bKn1", Reliability::kUnreliable, "x").ok());
  EXPECT_FALSE(table_.start_client("NOTIFY", "n2", Reliability::kUnreliable, "x").ok());
  EXPECT_FALSE(table_.start_client("NOTIFY", "z9hG4bK", Reliability::kUnreliable, "x").ok());
  EXPECT_FALSE(table_.start_client("INVITE", "z9hG4bKi", Reliability::kUnreliable, "x").ok());
  EXPECT_EQ(table_.size(), 0u);
  EXPECT_EQ(table_.completed_clients(), 1u);
}

TEST_F(TransactionTableTest, ClientStartedFromAFreshBranchIdMatchesItsResponses) {
  // The presence core names only what follows the magic cookie, and vouches it is fresh.
  auto s = table_.start_client_with_fresh_branch("NOTIFY", "Fr3sh-id", Reliability::kUnreliable,
                                                 "NOTIFY sip:x SIP/2.0\r\n\r\n");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->actions[0].kind, K::kSend);
  EXPECT_EQ(table_.find(*TransactionKey::for_client("NOTIFY", "z9hG4bKFr3sh-id")), s->id)
      << "the same key as the branch written out in full";
  Outcome final =
      table_.on_response(response({.branch = "z9hG4bKFr3sh-id", .cseq_method = "NOTIFY"}));
  EXPECT_EQ(final.id, s->id);
  EXPECT_TRUE(final.actions.has(K::kDeliverResponse));
  // A live transaction with the branch still refuses it; an empty id and INVITE are refused.
  auto live =
      table_.start_client_with_fresh_branch("NOTIFY", "live", Reliability::kUnreliable, "x");
  ASSERT_TRUE(live.ok());
  EXPECT_FALSE(
      table_.start_client_with_fresh_branch("NOTIFY", "live", Reliability::kUnreliable, "x").ok());
  EXPECT_FALSE(
      table_.start_client_with_fresh_branch("NOTIFY", "", Reliability::kUnreliable, "x").ok());
  EXPECT_FALSE(
      table_.start_client_with_fresh_branch("INVITE", "inv", Reliability::kUnreliable, "x").ok());
  EXPECT_EQ(table_.size(), 1u);
}

TEST_F(TransactionTableTest, IdsStayUniqueWhileCellsAreReusedAndAfterCompact) {
  // Cells of the slab are reused once their transaction has left; an old id must then name
  // nothing, and ids handed out after compact() dropped chunks must not repeat either.
  std::set<uint64_t> seen;
  std::vector<TransactionId> old;
  auto start = [&](const std::string& branch) {
    auto s = table_.start_client_with_fresh_branch("NOTIFY", branch, Reliability::kReliable, "x");
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(seen.insert(s->id.value).second) << "id " << s->id.value << " handed out twice";
    EXPECT_LT(index_of(s->id), table_.capacity());
    return s->id;
  };
  for (int round = 0; round < 3; ++round) {
    std::vector<TransactionId> ids;
    for (int i = 0; i < 600; ++i)
      ids.push_back(start("r" + std::to_string(round) + "-" + std::to_string(i)));
    for (TransactionId id : ids) {  // over TCP: no Completed state, the cell is free at once
      ASSERT_NE(table_.client(id), nullptr);
      EXPECT_TRUE(table_.on_transport_error(id).actions.terminated());
      old.push_back(id);
    }
    for (TransactionId id : old) {
      EXPECT_EQ(table_.client(id), nullptr);
      EXPECT_TRUE(table_.on_timer(id, TimerId::kF).actions.empty()) << "a stale id names nothing";
    }
    if (round == 1) {
      const size_t before = table_.capacity();
      table_.compact();
      EXPECT_LT(table_.capacity(), before) << "the empty chunks are gone";
    }
  }
  // A live transaction keeps its chunk through compact(); everything else still works after.
  const TransactionId keep = start("kept");
  table_.compact();
  ASSERT_NE(table_.client(keep), nullptr);
  EXPECT_EQ(table_.on_response(response({.branch = "z9hG4bKkept", .cseq_method = "NOTIFY"})).id,
            keep);
  for (int i = 0; i < 300; ++i) start("after-" + std::to_string(i));
  EXPECT_EQ(table_.size(), 300u);
}

TEST_F(TransactionTableTest, NextExpiryNamesWhenCompletedTransactionsLeave) {
  EXPECT_FALSE(table_.next_expiry().has_value()) << "nothing waits";
  // A server transaction answered over UDP waits out J (64*T1); a client one, K (T4).
  Outcome s = in(request({.branch = "z9hG4bKj1"}));
  const TimePoint answered = clock_.now();
  answer(s.id, 200, k200);
  ASSERT_TRUE(table_.next_expiry().has_value());
  EXPECT_EQ(*table_.next_expiry(), answered + table_.config().timer_j(Reliability::kUnreliable));
  clock_.advance(Duration(1000));
  auto c = table_.start_client_with_fresh_branch("NOTIFY", "k1", Reliability::kUnreliable, "x");
  ASSERT_TRUE(c.ok());
  table_.on_response(response({.branch = "z9hG4bKk1", .cseq_method = "NOTIFY"}));
  const TimePoint k_end = clock_.now() + table_.config().timer_k(Reliability::kUnreliable);
  EXPECT_EQ(*table_.next_expiry(), k_end) << "K (5 s) ends before J (32 s)";
  // expire() lets each go once its time has come, without any other call.
  clock_.set(k_end);
  table_.expire();
  EXPECT_EQ(table_.completed_clients(), 0u);
  EXPECT_EQ(table_.completed_servers(), 1u);
  EXPECT_EQ(*table_.next_expiry(), answered + table_.config().timer_j(Reliability::kUnreliable));
  clock_.set(answered + table_.config().timer_j(Reliability::kUnreliable));
  table_.expire();
  EXPECT_EQ(table_.completed_servers(), 0u);
  EXPECT_FALSE(table_.next_expiry().has_value());
}

TEST_F(TransactionTableTest, ClientAndServerWithSameBranchStayApart) {
  // A request this node sends to itself: the client and the server transaction coexist.
  Message req = request({.branch = "z9hG4bKself"});
  auto c = table_.start_client(req, Reliability::kUnreliable);
  ASSERT_TRUE(c.ok());
  Outcome s = in(req);
  EXPECT_TRUE(s.actions.has(K::kDeliverRequest));
  EXPECT_NE(s.id, c->id);
  EXPECT_EQ(table_.size(), 2u);
  std::string ok = make_response(req, 200, "OK", "t1");
  apply(answer(s.id, 200, ok));
  EXPECT_EQ(table_.on_response(parse(ok)).id, c->id);
}

TEST_F(TransactionTableTest, SendResponseToClientTransactionIsRefused) {
  auto c = table_.start_client(request({.branch = "z9hG4bKc1"}), Reliability::kUnreliable);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(table_.send_response(c->id, 200, k200).ok());
  EXPECT_FALSE(table_.send_response(TransactionId{999}, 200, k200).ok());
}

}  // namespace
}  // namespace pinana::sip::transaction
