// Clock: the time source every timer-driven state machine takes as a constructor parameter.
//
// SteadyClock reads std::chrono::steady_clock; CachedClock holds another clock's time from one
// read to the next; FakeClock is advanced by hand in tests so protocol
// timers (Timer E, F, J, K, expiry) run without sleeping. A Clock is used from its owner's thread
// only; FakeClock is not thread-safe.
#pragma once

#include <chrono>

namespace pinana {

using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SteadyClock final : public Clock {
 public:
  TimePoint now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::steady_clock::now());
  }
};

// CachedClock: the time of another clock as of its last refresh(). An event loop that reads the
// time many times per event (a datagram: its transactions, timers, the presence core) refreshes it
// once at the start of each event and hands it to everything it drives, so all of them see the
// same instant and the clock is read once. Must outlive nothing longer than `source`.
class CachedClock final : public Clock {
 public:
  explicit CachedClock(const Clock& source) : source_(source), now_(source.now()) {}
  TimePoint now() const override { return now_; }
  void refresh() { now_ = source_.now(); }

 private:
  const Clock& source_;
  TimePoint now_;
};

class FakeClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_{Duration(1'000'000)};
};

}  // namespace pinana
