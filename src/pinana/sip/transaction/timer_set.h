// TimerSet: the deadlines of one transaction's armed timers. Internal to the transaction layer.
//
// A timer the owner fires is acted on only if it is armed and its deadline has passed on the
// injected clock. That makes late fires harmless: an event loop may run a timer handler that was
// already queued when the timer was cancelled or re-armed. Owned by its transaction; same thread.
#pragma once

#include <array>
#include <optional>

#include "pinana/base/clock.h"
#include "pinana/sip/transaction/action.h"

namespace pinana::sip::transaction {

class TimerSet {
 public:
  explicit TimerSet(const Clock& clock) : clock_(&clock) {}

  void start(TimerId id, Duration delay, Actions& out) {
    slot(id) = clock_->now() + delay;
    out.push(Action::start_timer(id, delay));
  }

  void cancel(TimerId id, Actions& out) {
    if (!slot(id)) return;
    slot(id).reset();
    out.push(Action::cancel_timer(id));
  }

  void cancel_all(Actions& out) {
    for (size_t i = 0; i < kTimerCount; ++i) cancel(static_cast<TimerId>(i), out);
  }

  bool armed(TimerId id) const { return deadlines_[static_cast<size_t>(id)].has_value(); }

  // True, and the timer disarmed, when `id` is armed and due; false for a stale or early fire.
  bool take_due(TimerId id) {
    auto& d = slot(id);
    if (!d || clock_->now() < *d) return false;
    d.reset();
    return true;
  }

 private:
  std::optional<TimePoint>& slot(TimerId id) { return deadlines_[static_cast<size_t>(id)]; }

  const Clock* clock_;
  std::array<std::optional<TimePoint>, kTimerCount> deadlines_{};
};

}  // namespace pinana::sip::transaction
