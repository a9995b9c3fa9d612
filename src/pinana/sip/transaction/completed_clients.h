// CompletedClients: the non-INVITE client transactions that received their final response over an
// unreliable transport and now wait out Timer K (RFC 3261 §17.1.2.2: T4, 5 s), whose only job
// is to absorb retransmissions of that response.
//
// Such a transaction needs nothing of what it held (request, timers, owner context), so the
// TransactionTable keeps it here as a fingerprint of its key (TransactionKey::hash()), its id and
// its deadline: 24 bytes instead of a full entry in the table's indexes. Every entry of one table
// waits the same T4, so completion order is deadline order. Entries are kept in generations of at
// most kGeneration, each with its own FlatIndex by fingerprint: at a high NOTIFY rate hundreds of
// thousands wait at once, and adding to one index that large missed the cache every time, where
// the newest generation's index stays in it. Expiry moves through the oldest generation and drops
// it whole. A look-up (a retransmitted or stray response: rare) asks each generation, newest
// first. Two keys with the same 64-bit fingerprint would make a stray response look absorbed;
// either way it is dropped.
//
// Owned by the TransactionTable; its thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/sip/transaction/flat_index.h"

namespace pinana::sip::transaction {

class CompletedClients {
 public:
  static constexpr size_t kGeneration = 8192;

  // `deadline` must not be earlier than that of any entry already held.
  void add(uint64_t fingerprint, uint64_t id, TimePoint deadline);
  // The id of the entry with this fingerprint whose deadline is after `now`, if any.
  std::optional<uint64_t> find(uint64_t fingerprint, TimePoint now) const;
  // Forgets every entry whose deadline is at or before `now`.
  void expire(TimePoint now);
  // Gives back what expired entries still hold in a generation not yet dropped.
  void compact();

  size_t size() const { return size_; }
  size_t generations() const { return generations_.size(); }
  // The deadline of the entry that expires first; nullopt when there is none.
  std::optional<TimePoint> next_deadline() const { return front_; }

 private:
  struct Entry {
    uint64_t fingerprint;
    uint64_t id;
    TimePoint deadline;
  };
  struct Generation {
    std::vector<Entry> entries;  // reserved at kGeneration: entries never move
    FlatIndex<Entry> index;      // by fingerprint, pointing into entries
    size_t expired = 0;          // entries before this one have expired
  };

  std::deque<Generation> generations_;  // oldest first
  size_t size_ = 0;
  std::optional<TimePoint> front_;  // the earliest deadline held (kept: asked on every timer set)
};

}  // namespace pinana::sip::transaction
