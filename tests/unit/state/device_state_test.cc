#include "pinana/state/device_state.h"

#include <gtest/gtest.h>

namespace pinana::state {
namespace {

TEST(DeviceState, NumericValuesAreAsterisks) {
  EXPECT_EQ(static_cast<int>(DeviceState::kUnknown), 0);
  EXPECT_EQ(static_cast<int>(DeviceState::kNotInUse), 1);
  EXPECT_EQ(static_cast<int>(DeviceState::kInUse), 2);
  EXPECT_EQ(static_cast<int>(DeviceState::kBusy), 3);
  EXPECT_EQ(static_cast<int>(DeviceState::kInvalid), 4);
  EXPECT_EQ(static_cast<int>(DeviceState::kUnavailable), 5);
  EXPECT_EQ(static_cast<int>(DeviceState::kRinging), 6);
  EXPECT_EQ(static_cast<int>(DeviceState::kRingInUse), 7);
  EXPECT_EQ(static_cast<int>(DeviceState::kOnHold), 8);
}

TEST(DeviceState, MachineAndHumanNames) {
  const struct {
    DeviceState s;
    const char* machine;
    const char* human;
  } cases[] = {
      {DeviceState::kUnknown, "UNKNOWN", "Unknown"},
      {DeviceState::kNotInUse, "NOT_INUSE", "Not in use"},
      {DeviceState::kInUse, "INUSE", "In use"},
      {DeviceState::kBusy, "BUSY", "Busy"},
      {DeviceState::kInvalid, "INVALID", "Invalid"},
      {DeviceState::kUnavailable, "UNAVAILABLE", "Unavailable"},
      {DeviceState::kRinging, "RINGING", "Ringing"},
      {DeviceState::kRingInUse, "RINGINUSE", "Ring+Inuse"},
      {DeviceState::kOnHold, "ONHOLD", "On Hold"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(to_string(c.s), c.machine);
    EXPECT_EQ(to_human(c.s), c.human);
    EXPECT_EQ(parse_device_state(c.machine), c.s) << c.machine;
  }
}

TEST(DeviceState, StrictParseIsCaseInsensitiveAndRejectsOthers) {
  EXPECT_EQ(parse_device_state("inuse"), DeviceState::kInUse);
  EXPECT_EQ(parse_device_state("Not_InUse"), DeviceState::kNotInUse);
  EXPECT_EQ(parse_device_state("unknown"), DeviceState::kUnknown);
  EXPECT_EQ(parse_device_state(""), std::nullopt);
  EXPECT_EQ(parse_device_state("IN USE"), std::nullopt);
  EXPECT_EQ(parse_device_state("INUSE "), std::nullopt);
  EXPECT_EQ(parse_device_state("NOT_INUS"), std::nullopt);
  EXPECT_EQ(parse_device_state("TOTAL"), std::nullopt);
  EXPECT_EQ(parse_device_state(std::string_view("INUSE\0", 6)), std::nullopt);
}

TEST(DeviceState, LenientParseGivesUnknown) {
  EXPECT_EQ(devstate_val("busy"), DeviceState::kBusy);
  EXPECT_EQ(devstate_val("ONHOLD"), DeviceState::kOnHold);
  EXPECT_EQ(devstate_val("garbage"), DeviceState::kUnknown);
  EXPECT_EQ(devstate_val(""), DeviceState::kUnknown);
}

TEST(DeviceState, OutOfRangeValueHasSafeNames) {
  EXPECT_EQ(to_string(static_cast<DeviceState>(42)), "UNKNOWN");
  EXPECT_EQ(to_human(static_cast<DeviceState>(42)), "Unknown");
}

}  // namespace
}  // namespace pinana::state
