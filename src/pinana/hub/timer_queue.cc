#include "pinana/hub/timer_queue.h"

#include <algorithm>

namespace pinana::hub {

void TimerQueue::push(TimePoint now, Duration delay, sip::transaction::TransactionId id,
                      sip::transaction::TimerId timer) {
  const Entry e{now + delay, id, timer};
  Lane* lane = nullptr;
  for (Lane& l : lanes_) {
    if (l.delay == delay) {
      lane = &l;
      break;
    }
  }
  if (lane == nullptr && lanes_.size() < kMaxLanes) lane = &lanes_.emplace_back(Lane{delay, {}});
  // A lane must stay in deadline order; a caller's clock that went back sends it to the heap.
  if (lane != nullptr && (lane->entries.empty() || lane->entries.back().when <= e.when)) {
    lane->entries.push_back(e);
    return;
  }
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

size_t TimerQueue::earliest_lane() const {
  size_t best = kNoLane;
  for (size_t i = 0; i < lanes_.size(); ++i) {
    if (lanes_[i].entries.empty()) continue;
    if (best == kNoLane || lanes_[i].entries.front().when < lanes_[best].entries.front().when)
      best = i;
  }
  return best;
}

std::optional<TimePoint> TimerQueue::next() const {
  std::optional<TimePoint> out;
  if (const size_t l = earliest_lane(); l != kNoLane) out = lanes_[l].entries.front().when;
  if (!heap_.empty() && (!out || heap_.front().when < *out)) out = heap_.front().when;
  return out;
}

std::optional<TimerQueue::Entry> TimerQueue::pop_due(TimePoint now) {
  const size_t l = earliest_lane();
  const bool heap_first =
      !heap_.empty() && (l == kNoLane || heap_.front().when < lanes_[l].entries.front().when);
  if (heap_first) {
    if (heap_.front().when > now) return std::nullopt;
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Entry e = heap_.back();
    heap_.pop_back();
    return e;
  }
  if (l == kNoLane || lanes_[l].entries.front().when > now) return std::nullopt;
  const Entry e = lanes_[l].entries.front();
  lanes_[l].entries.pop_front();
  return e;
}

size_t TimerQueue::size() const {
  size_t n = heap_.size();
  for (const Lane& l : lanes_) n += l.entries.size();
  return n;
}

void TimerQueue::compact() {
  if (heap_.size() < heap_.capacity() / 4) heap_.shrink_to_fit();
  for (Lane& l : lanes_) l.entries.shrink_to_fit();
}

}  // namespace pinana::hub
