// DeviceAggregate: Asterisk's fold of several device states into one (ast_devstate_aggregate_*,
// reference/asterisk-semantics.md §1.3): states ranked, RINGING together with INUSE/BUSY/ONHOLD
// gives RINGINUSE, the empty fold gives INVALID. Commutative and associative.
//
// A small value type; any thread.
#pragma once

#include <span>

#include "pinana/state/device_state.h"

namespace pinana::state {

class DeviceAggregate {
 public:
  void add(DeviceState state);
  DeviceState result() const { return current_; }

 private:
  bool ringing_ = false;
  bool in_use_ = false;
  DeviceState current_ = DeviceState::kInvalid;
};

DeviceState aggregate(std::span<const DeviceState> states);

}  // namespace pinana::state
