// The demo's simulated telephony: a fixed cluster of three nodes (A, B, C), each with its own
// phones and hints, and a call generator that drives their device states the way a PBX would —
// the caller goes INUSE, the callee RINGING (with caller id), then answer, sometimes hold, then
// hang-up — across nodes. Pure logic with a seeded PRNG: `step()` returns the state changes due at
// `now`; the caller applies them through each node's API path. Owned by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "pinana/base/clock.h"

namespace pinana::app {

struct DemoPhone {
  std::string device;  // PJSIP/alice
  std::string exten;   // 1000
  std::string name;    // Alice
  int node = 0;        // 0, 1, 2 = A, B, C
};

struct DemoHint {
  std::string exten;
  std::string value;  // as in extensions.conf
  int node = 0;
};

// The fixed demo topology.
const std::vector<DemoPhone>& demo_phones();
const std::vector<DemoHint>& demo_hints();

struct DemoChange {
  int node = 0;
  std::string device;
  std::string state;                                          // Asterisk device state name
  std::optional<std::pair<std::string, std::string>> caller;  // name, number
  std::string note;  // "Alice calls Carol" etc., empty for no log line
};

class CallGenerator {
 public:
  CallGenerator(TimePoint start, uint32_t seed);
  // Changes due at or before `now`, in order.
  std::vector<DemoChange> step(TimePoint now);
  // Calls in progress.
  size_t active_calls() const { return calls_.size(); }
  uint64_t calls_started() const { return started_; }

 private:
  enum class Phase { kRinging, kTalking, kHolding, kResumed };
  struct Call {
    size_t caller, callee;
    Phase phase;
    TimePoint next;
    bool will_hold;
  };
  std::optional<DemoChange> advance(Call& call, TimePoint now, bool& done);
  bool busy(size_t phone) const;

  std::mt19937 rng_;
  TimePoint next_call_;
  std::vector<Call> calls_;
  uint64_t started_ = 0;
};

}  // namespace pinana::app
