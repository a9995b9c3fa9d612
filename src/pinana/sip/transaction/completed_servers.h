// CompletedServers: the non-INVITE server transactions that sent their final response over an
// unreliable transport and now wait out Timer J (RFC 3261 §17.2.2: 64*T1, 32 s), whose only jobs
// are to answer a retransmitted request with that response again and, while they last, to make a
// request that merges with theirs (§8.2.2.2) a loop.
//
// Such a transaction needs nothing else of what it held (timers, states, the owner's routing
// context: a retransmission carries the same top Via, so the owner routes the response by the
// retransmission itself, §18.2.2). The TransactionTable keeps each one here as one entry in a
// FIFO: the key's and the merged-request key's exact bytes (TransactionKey::encode,
// MergedRequestKey::encode, compared in full, so a retransmission is never answered with
// another request's response), the response bytes, all in one string, with the id and the
// deadline. Every entry of a table waits the same J, so completion order is deadline order and
// expiry pops the front. FlatIndexes find an entry by the key's hash and by the merged key's.
//
// Owned by the TransactionTable; its thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "pinana/base/clock.h"
#include "pinana/sip/transaction/flat_index.h"

namespace pinana::sip::transaction {

class CompletedServers {
 public:
  struct Entry {
    uint64_t key_hash = 0;
    uint64_t merge_hash = 0;
    uint64_t id = 0;
    TimePoint deadline;
    std::string bytes;  // key, merged-request key, response
    uint32_t key_size = 0;
    uint32_t merge_size = 0;  // 0: no merged-request key (the request had a To tag)

    std::string_view key() const { return std::string_view(bytes).substr(0, key_size); }
    std::string_view merge() const { return std::string_view(bytes).substr(key_size, merge_size); }
    std::string_view response() const {
      return std::string_view(bytes).substr(key_size + merge_size);
    }
  };

  // `deadline` must not be earlier than that of any entry already held. `merge` empty: none.
  void add(uint64_t id, TimePoint deadline, uint64_t key_hash, std::string_view key,
           uint64_t merge_hash, std::string_view merge, std::string_view response);

  // The entry whose key hash is `key_hash` and whose deadline is after `now`, for which
  // `key_equal(entry.key())` holds; null if none.
  template <typename KeyEqual>
  const Entry* find(uint64_t key_hash, TimePoint now, KeyEqual&& key_equal) const {
    return by_key_.find(key_hash,
                        [&](const Entry& e) { return e.deadline > now && key_equal(e.key()); });
  }
  // Whether an entry whose deadline is after `now` has merged-request key hash `merge_hash` and
  // `merge_equal(entry.merge())` holds.
  template <typename MergeEqual>
  bool merged(uint64_t merge_hash, TimePoint now, MergeEqual&& merge_equal) const {
    return by_merge_.find(merge_hash, [&](const Entry& e) {
      return e.deadline > now && merge_equal(e.merge());
    }) != nullptr;
  }

  // Starts loading where find(key_hash) and merged(merge_hash) look first (FlatIndex::prefetch):
  // at tens of thousands of requests a second the indexes outgrow the caches.
  void prefetch(uint64_t key_hash, uint64_t merge_hash) const {
    by_key_.prefetch(key_hash);
    if (merge_hash != 0) by_merge_.prefetch(merge_hash);
  }

  // Forgets every entry whose deadline is at or before `now`.
  void expire(TimePoint now);
  // Gives back the memory a past burst left (the indexes keep their peak size otherwise).
  void compact();

  size_t size() const { return fifo_.size(); }
  // The deadline of the entry that expires first; nullopt when there is none.
  std::optional<TimePoint> next_deadline() const {
    if (fifo_.empty()) return std::nullopt;
    return fifo_.front().deadline;
  }

 private:
  void index(Entry& e);

  std::deque<Entry> fifo_;  // oldest (earliest deadline) first; entries never move
  FlatIndex<Entry> by_key_;
  FlatIndex<Entry> by_merge_;
};

}  // namespace pinana::sip::transaction
