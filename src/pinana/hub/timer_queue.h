// TimerQueue: the deadlines of the transaction timers the hub runs for its TransactionTable.
//
// Nearly every timer is started with one of a handful of delays (T1 for Timer E's first
// retransmission, its doublings up to T2, 64×T1 for Timers F and J), and timers started with the
// same delay come due in the order they were started, because the clock never goes back. So each
// distinct delay gets a FIFO lane: a push appends, a pop takes a lane's front, and both walk memory
// in order however many timers wait (at 100,000 NOTIFY/s, Timer F alone keeps three million).
// Up to kMaxLanes delays get a lane; any other timer goes into a binary heap.
//
// Cancelled timers are not removed: the table ignores fires it did not ask for, which costs less
// than finding them. Owned by the HubServer; its thread only.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/sip/transaction/action.h"
#include "pinana/sip/transaction/transaction_table.h"

namespace pinana::hub {

class TimerQueue {
 public:
  static constexpr size_t kMaxLanes = 8;

  struct Entry {
    TimePoint when;
    sip::transaction::TransactionId id;
    sip::transaction::TimerId timer;
  };

  // A timer of transaction `id` due at `now + delay`.
  void push(TimePoint now, Duration delay, sip::transaction::TransactionId id,
            sip::transaction::TimerId timer);
  // The earliest deadline, if any timer waits.
  std::optional<TimePoint> next() const;
  // Removes and returns the earliest timer if it is due at `now`.
  std::optional<Entry> pop_due(TimePoint now);

  size_t size() const;
  // Gives back the memory a past burst left behind.
  void compact();

 private:
  struct Lane {
    Duration delay;
    std::deque<Entry> entries;  // deadlines never decrease
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.when > b.when; }
  };
  static constexpr size_t kNoLane = kMaxLanes;
  // The index of the lane whose front is the earliest deadline of all lanes, or kNoLane when
  // every lane is empty.
  size_t earliest_lane() const;

  std::vector<Lane> lanes_;
  std::vector<Entry> heap_;  // min-heap by deadline
};

}  // namespace pinana::hub
