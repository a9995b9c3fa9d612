#include "pinana/state/extension_state.h"

#include <gtest/gtest.h>

namespace pinana::state {
namespace {

using E = ExtensionState;

TEST(ExtensionState, NumericValues) {
  EXPECT_EQ(static_cast<int>(E::kRemoved), -2);
  EXPECT_EQ(static_cast<int>(E::kDeactivated), -1);
  EXPECT_EQ(static_cast<int>(E::kNotInUse), 0);
  EXPECT_EQ(static_cast<int>(E::kInUse), 1);
  EXPECT_EQ(static_cast<int>(E::kBusy), 2);
  EXPECT_EQ(static_cast<int>(E::kUnavailable), 4);
  EXPECT_EQ(static_cast<int>(E::kRinging), 8);
  EXPECT_EQ(static_cast<int>(E::kInUseRinging), 9);
  EXPECT_EQ(static_cast<int>(E::kOnHold), 16);
}

TEST(ExtensionState, DeviceToExtensionMapping) {
  EXPECT_EQ(to_extension_state(DeviceState::kNotInUse), E::kNotInUse);
  EXPECT_EQ(to_extension_state(DeviceState::kUnknown), E::kNotInUse);
  EXPECT_EQ(to_extension_state(DeviceState::kInUse), E::kInUse);
  EXPECT_EQ(to_extension_state(DeviceState::kBusy), E::kBusy);
  EXPECT_EQ(to_extension_state(DeviceState::kUnavailable), E::kUnavailable);
  EXPECT_EQ(to_extension_state(DeviceState::kInvalid), E::kUnavailable);
  EXPECT_EQ(to_extension_state(DeviceState::kRinging), E::kRinging);
  EXPECT_EQ(to_extension_state(DeviceState::kRingInUse), E::kInUseRinging);
  EXPECT_EQ(to_extension_state(DeviceState::kOnHold), E::kOnHold);
  EXPECT_EQ(to_extension_state(static_cast<DeviceState>(99)), E::kNotInUse);
}

TEST(ExtensionState, Texts) {
  EXPECT_EQ(to_text(E::kNotInUse), "Idle");
  EXPECT_EQ(to_text(E::kInUse), "InUse");
  EXPECT_EQ(to_text(E::kBusy), "Busy");
  EXPECT_EQ(to_text(E::kUnavailable), "Unavailable");
  EXPECT_EQ(to_text(E::kRinging), "Ringing");
  EXPECT_EQ(to_text(E::kInUseRinging), "InUse&Ringing");
  EXPECT_EQ(to_text(E::kOnHold), "Hold");
  EXPECT_EQ(to_text(E::kRemoved), "Unknown");
  EXPECT_EQ(to_text(E::kDeactivated), "Unknown");
  EXPECT_EQ(to_text(static_cast<E>(17)), "Unknown");
}

TEST(ExtensionState, IncludesRinging) {
  EXPECT_TRUE(includes_ringing(E::kRinging));
  EXPECT_TRUE(includes_ringing(E::kInUseRinging));
  EXPECT_FALSE(includes_ringing(E::kInUse));
  EXPECT_FALSE(includes_ringing(E::kNotInUse));
  EXPECT_FALSE(includes_ringing(E::kDeactivated));
}

}  // namespace
}  // namespace pinana::state
