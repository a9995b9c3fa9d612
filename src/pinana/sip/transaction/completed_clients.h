// CompletedClients: the non-INVITE client transactions that received their final response over an
// unreliable transport and now wait out Timer K (RFC 3261 §17.1.2.2: T4, 5 s), whose only job
// is to absorb retransmissions of that response.
//
// Such a transaction needs nothing of what it held (request, timers, owner context), so the
// TransactionTable keeps it here as a fingerprint of its key (TransactionKey::hash()), its id and
// its deadline: 24 bytes in a FIFO instead of a full entry in the table's indexes. Every entry of
// one table waits the same T4, so completion order is deadline order and expiry pops the front.
// A FlatIndex finds an entry by fingerprint. Two keys with the same 64-bit fingerprint would make a
// stray response look absorbed; either way it is dropped.
//
// Owned by the TransactionTable; its thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "pinana/base/clock.h"
#include "pinana/sip/transaction/flat_index.h"

namespace pinana::sip::transaction {

class CompletedClients {
 public:
  // `deadline` must not be earlier than that of any entry already held.
  void add(uint64_t fingerprint, uint64_t id, TimePoint deadline);
  // The id of the entry with this fingerprint whose deadline is after `now`, if any.
  std::optional<uint64_t> find(uint64_t fingerprint, TimePoint now) const;
  // Forgets every entry whose deadline is at or before `now`.
  void expire(TimePoint now);
  // Gives back the memory a past burst left (the index keeps its peak size otherwise).
  void compact();

  size_t size() const { return fifo_.size(); }
  // The deadline of the entry that expires first; nullopt when there is none.
  std::optional<TimePoint> next_deadline() const {
    if (fifo_.empty()) return std::nullopt;
    return fifo_.front().deadline;
  }

 private:
  struct Entry {
    uint64_t fingerprint;
    uint64_t id;
    TimePoint deadline;
  };

  std::deque<Entry> fifo_;  // oldest (earliest deadline) first; entries never move
  FlatIndex<Entry> index_;  // by fingerprint, pointing into fifo_
};

}  // namespace pinana::sip::transaction
