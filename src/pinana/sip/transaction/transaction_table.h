// TransactionTable: the non-INVITE transactions of one SIP stack, keyed by TransactionKey.
//
// It routes each received request to its server transaction (a retransmission) or creates one
// (kDeliverRequest), routes each received response to its client transaction, starts client
// transactions for requests the TU sends, and forwards timer fires, transport errors and TU
// responses to the transaction they name. Requests that merged (RFC 3261 §8.2.2.2: no To tag;
// From tag, Call-ID and CSeq equal those of an ongoing server transaction that the request does
// not match) still get a transaction, but the table asks for a 482 (kAnswerLoopDetected) instead
// of delivering them. ACK and INVITE get no transaction (kStatelessRequest): this stack has no
// INVITE machinery. Responses that match nothing are kStrayResponse.
//
// Like the transactions, the table does no I/O: every call returns an Outcome naming the
// transaction (TransactionId, never reused) and the Actions for the owner to execute in order;
// kStartTimer / kCancelTimer refer to timers of that id, which the owner fires back through
// on_timer(id, timer). Terminated transactions leave the table; their memory is released at the
// start of the next call, so the views in an Outcome's kSend actions stay valid until the next
// call into the table.
//
// Transactions live in cells of a slab, reused once their transaction has left; an id names its
// cell (index_of(id) < capacity()) and the cell's generation, so ids stay unique while cells are
// reused. An owner may keep its own per-transaction context in an array indexed by index_of(id),
// checking the id it stored there, instead of a hash map.
//
// A client transaction that gets its final response over an unreliable transport enters
// Completed for Timer K (T4), where it only absorbs retransmissions of that response. The table
// keeps it through K by itself (CompletedClients: a fingerprint of its key, no request, no
// timer), and its Outcome tells the owner kTerminated in place of kStartTimer K: nothing from
// Completed ever concerns the owner. A retransmitted response within K gets an Outcome with the
// transaction's id and no action; after K it is a kStrayResponse.
//
// A server transaction whose final response goes out over an unreliable transport enters
// Completed for Timer J (64*T1), where it answers retransmissions of its request with that
// response. The table keeps it through J by itself too (CompletedServers: its key's bytes and
// the response), so the Outcome of the final is kSend then kTerminated in place of kStartTimer J,
// and the owner may drop what it kept for the transaction. A retransmission within J gets an
// Outcome with the transaction's id and a kSend of the response, which the owner routes by the
// retransmitted request itself (its top Via is the original's, RFC 3261 §18.2.2); it also still
// makes a merged request a loop. (The only Outcome with both a kSend and a TU signal is that
// final's; an owner that calls back into the table on kTerminated must send first.)
//
// Owned by one thread (its shard's event loop); not thread-safe. The clock must outlive it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/base/result.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transaction/action.h"
#include "pinana/sip/transaction/client_transaction.h"
#include "pinana/sip/transaction/completed_clients.h"
#include "pinana/sip/transaction/completed_servers.h"
#include "pinana/sip/transaction/flat_index.h"
#include "pinana/sip/transaction/server_transaction.h"
#include "pinana/sip/transaction/timer_config.h"
#include "pinana/sip/transaction/transaction_key.h"

namespace pinana::sip::transaction {

struct TransactionId {
  uint64_t value = 0;  // 0: no transaction
  bool valid() const { return value != 0; }
  bool operator==(const TransactionId&) const = default;
};

// The cell of a transaction in its table (TransactionTable::capacity()).
inline uint32_t index_of(TransactionId id) {
  return static_cast<uint32_t>(id.value);
}

struct TransactionIdHash {
  size_t operator()(TransactionId id) const { return std::hash<uint64_t>{}(id.value); }
};

struct Outcome {
  TransactionId id;  // the transaction the actions concern; invalid for table-only verdicts
  Actions actions;
};

class TransactionTable {
 public:
  explicit TransactionTable(const Clock& clock, TimerConfig config = {});
  TransactionTable(const TransactionTable&) = delete;
  TransactionTable& operator=(const TransactionTable&) = delete;

  // A request from the network that arrived over a transport of `reliability`. Errors (400)
  // only for a request without Via or CSeq, which should have been rejected before.
  Result<Outcome> on_request(const Message& request, Reliability reliability);

  // A response from the network.
  Outcome on_response(const Message& response);

  // The TU sends a non-INVITE request. Its top Via must carry an RFC 3261 branch not in use by
  // another client transaction. `bytes` is its serialized form; empty: request.serialize().
  Result<Outcome> start_client(const Message& request, Reliability reliability,
                               std::string bytes = {});
  // The same for a request the TU serialized itself, given its method (which its CSeq repeats)
  // and its top Via branch; saves parsing `bytes` back. The TU vouches that they match.
  Result<Outcome> start_client(std::string_view method, std::string_view branch,
                               Reliability reliability, std::string bytes);
  // The same again, given only what follows the branch's magic cookie ("z9hG4bK" + branch_id is
  // the branch). The TU vouches besides that the branch is fresh (random, never used before), so
  // unlike the other two this does not look for a Completed transaction with the same branch.
  Result<Outcome> start_client_with_fresh_branch(std::string_view method,
                                                 std::string_view branch_id,
                                                 Reliability reliability, std::string bytes);

  // The TU answers the request of server transaction `id` (see ServerTransaction::send_response).
  // Errors (status 0) when the transaction no longer exists.
  Result<Outcome> send_response(TransactionId id, int status, std::string bytes);
  Result<Outcome> send_response(TransactionId id, const Message& response);

  // A timer the table asked for (Outcome::id, Action::timer) has fired.
  Outcome on_timer(TransactionId id, TimerId timer);

  // The transport failed to send for transaction `id`.
  Outcome on_transport_error(TransactionId id);

  std::optional<TransactionId> find(const TransactionKey& key) const;
  // The live transaction `id`, or null (unknown, terminated, or of the other role).
  const ServerTransaction* server(TransactionId id) const;
  const ClientTransaction* client(TransactionId id) const;
  // Transactions in the indexes; completed transactions waiting out Timer K or J not counted.
  size_t size() const { return by_key_.size(); }
  size_t completed_clients() const { return completed_.size(); }
  size_t completed_servers() const { return completed_servers_.size(); }
  // Cells in the slab, counting those of dropped chunks: every index_of(id) of a transaction in
  // the table is below it.
  size_t capacity() const { return chunks_.size() * kChunk; }
  const TimerConfig& config() const { return config_; }

  // When the first completed transaction is due to leave (Timer J or K): any call into the table
  // lets go of those whose time has come, and so does expire(). nullopt when none waits. An owner
  // that may go quiet arms a timer for it, so that a burst's memory is not held until the next
  // message.
  std::optional<TimePoint> next_expiry() const;
  void expire() { purge(); }

  // Client transactions started from now on give their request's buffer to `pool` once it is no
  // longer needed (ClientTransaction::recycle_into). Null: freed. The pool must outlive the table.
  void recycle_requests_into(BufferPool* pool) { pool_ = pool; }

  // Gives back the index memory a past burst left behind (hash tables keep their peak bucket
  // count, the slab its trailing empty chunks). For the owner to call once the table has shrunk
  // well below its peak; capacity() may shrink.
  void compact();

 private:
  struct Slot {
    template <typename T, typename... Args>
    Slot(TransactionKey k, TransactionId i, std::in_place_type_t<T> type, Args&&... args)
        : txn(type, std::forward<Args>(args)...),
          key(std::move(k)),
          fingerprint(key.hash()),
          id(i) {}

    std::variant<ClientTransaction, ServerTransaction> txn;
    TransactionKey key;
    uint64_t fingerprint;  // key.hash(), its by_key_ entry
    TransactionId id;
    bool live = true;  // false once retired
    // The merged-request key this transaction is indexed under in by_merge_, if any.
    std::optional<MergedRequestKey> merge;
    uint64_t merge_fingerprint = 0;
  };

  // A cell of the slab: the transaction in it, if any, and the generation of its id.
  struct Cell {
    uint32_t generation = 0;
    std::optional<Slot> slot;
  };
  static constexpr size_t kChunk = 256;
  using Chunk = std::array<Cell, kChunk>;

  Cell& cell(uint32_t index) { return (*chunks_[index / kChunk])[index % kChunk]; }
  const Cell& cell(uint32_t index) const { return (*chunks_[index / kChunk])[index % kChunk]; }
  // A free cell, its generation advanced: the id of the transaction to construct in it.
  TransactionId allocate();
  Slot& at(TransactionId id) { return *cell(index_of(id)).slot; }

  // The live transaction with this key (whose hash() is `fingerprint`), or null.
  Slot* find_slot(const TransactionKey& key, uint64_t fingerprint) const;
  Slot* live(TransactionId id);
  const Slot* live(TransactionId id) const;
  // Retires the transaction if `out` says it terminated.
  Outcome finish(TransactionId id, Actions actions);
  void purge();
  Result<Outcome> start_client(TransactionKey key, Reliability reliability, std::string bytes,
                               bool fresh_branch = false);
  // Keeps the server transaction of `slot`, whose final response just went out over an
  // unreliable transport, in completed_servers_ until `deadline` (Timer J).
  void complete_server(const Slot& slot, TimePoint deadline);

  const Clock& clock_;
  TimerConfig config_;
  std::vector<std::unique_ptr<Chunk>> chunks_;  // the slab (null: dropped); Slots never move
  std::vector<uint32_t> free_;                  // free cells of present chunks, taken last first
  uint32_t first_generation_ = 0;        // of new cells: above that of any cell compact() dropped
  FlatIndex<Slot> by_key_;               // the live transactions by key fingerprint
  FlatIndex<Slot> by_merge_;             // transactions by MergedRequestKey fingerprint (§8.2.2.2)
  std::vector<uint32_t> retired_;        // cells of terminated ones; freed at the next call
  CompletedClients completed_;           // client transactions in Completed, waiting out Timer K
  CompletedServers completed_servers_;   // server transactions in Completed, waiting out Timer J
  std::string key_bytes_, merge_bytes_;  // scratch for encoded keys
  BufferPool* pool_ = nullptr;
};

}  // namespace pinana::sip::transaction
