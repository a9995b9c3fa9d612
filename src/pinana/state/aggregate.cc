#include "pinana/state/aggregate.h"

#include <array>

namespace pinana::state {
namespace {

// Rank by numeric device state value; a higher rank wins.
constexpr std::array<int, kDeviceStateCount> kRank{
    1,  // UNKNOWN
    3,  // NOT_INUSE
    6,  // INUSE
    7,  // BUSY
    0,  // INVALID
    2,  // UNAVAILABLE
    5,  // RINGING
    8,  // RINGINUSE
    4,  // ONHOLD
};

int rank(DeviceState s) {
  auto i = static_cast<size_t>(s);
  return i < kRank.size() ? kRank[i] : 0;
}

}  // namespace

void DeviceAggregate::add(DeviceState state) {
  if (state == DeviceState::kRinging) {
    ringing_ = true;
  } else if (state == DeviceState::kInUse || state == DeviceState::kOnHold ||
             state == DeviceState::kBusy) {
    in_use_ = true;
  }
  if (ringing_ && in_use_) {
    current_ = DeviceState::kRingInUse;
  } else if (rank(state) > rank(current_)) {
    current_ = state;
  }
}

DeviceState aggregate(std::span<const DeviceState> states) {
  DeviceAggregate agg;
  for (DeviceState s : states) agg.add(s);
  return agg.result();
}

}  // namespace pinana::state
