// Clock: the time source every timer-driven state machine takes as a constructor parameter.
//
// SteadyClock reads std::chrono::steady_clock; FakeClock is advanced by hand in tests so protocol
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

class FakeClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_{Duration(1'000'000)};
};

}  // namespace pinana
