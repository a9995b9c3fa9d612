// 10,000 devices, 10,000 hints, three EIDs: full dumps, single changes and withdrawals must give
// exactly the expected events. Correctness is asserted; the time is only bounded by ctest's
// timeout.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pinana/state/cluster_state.h"

namespace pinana::state {
namespace {

constexpr int kDevices = 10'000;

const Eid kSelf = *Eid::parse("00:00:00:00:00:02");
const Eid kA = *Eid::parse("00:00:00:00:00:01");
const Eid kB = *Eid::parse("00:00:00:00:00:03");

TimePoint at(int seconds) {
  return TimePoint(std::chrono::seconds(seconds));
}
std::string dev(int i) {
  return "PJSIP/" + std::to_string(i);
}

template <typename T>
size_t count(const Events& events) {
  size_t n = 0;
  for (const Event& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
  return n;
}

TEST(ClusterStateScale, TenThousandDevicesHintsThreeEids) {
  ClusterState cs(kSelf);
  // Hint i watches device i and device i+1 (so every device is in two hints).
  for (int i = 0; i < kDevices; ++i) {
    auto h = parse_hint(std::to_string(i), dev(i) + "&" + dev((i + 1) % kDevices));
    ASSERT_TRUE(h);
    ASSERT_EQ(cs.add_hint(std::move(h).value()).size(), 1u);
  }
  // Our own view: every device unavailable here.
  for (int i = 0; i < kDevices; ++i) {
    ASSERT_EQ(cs.set_local_device(dev(i), DeviceState::kUnavailable, true, at(1)).size(), 2u);
  }
  // The other two nodes' dumps: A has every device idle; B has the even ones in use.
  std::vector<ClusterState::RemoteEntry> full;
  for (int i = 0; i < kDevices; ++i) {
    full.push_back({dev(i), kA, DeviceState::kNotInUse, true});
    if (i % 2 == 0) full.push_back({dev(i), kB, DeviceState::kInUse, true});
  }
  Events ev = cs.replace_remote(full, at(2));
  EXPECT_EQ(count<DeviceChanged>(ev), size_t(kDevices));
  EXPECT_EQ(count<ExtensionChanged>(ev), size_t(kDevices));  // every hint has an even device
  for (int i = 0; i < kDevices; ++i) {
    ASSERT_EQ(cs.extension_state(std::to_string(i)), ExtensionState::kInUse) << i;
  }

  // The same dump again changes nothing.
  EXPECT_TRUE(cs.replace_remote(full, at(3)).empty());

  // One change touches exactly the two hints of that device.
  ev = cs.apply_remote(dev(501), kB, DeviceState::kRinging, true, at(4));
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(std::get<ExtensionChanged>(ev[1]).exten, "500");
  EXPECT_EQ(std::get<ExtensionChanged>(ev[1]).after, ExtensionState::kInUseRinging);
  EXPECT_EQ(std::get<ExtensionChanged>(ev[2]).exten, "501");
  EXPECT_EQ(std::get<ExtensionChanged>(ev[2]).after, ExtensionState::kInUseRinging);

  // B leaves: its 5,001 entries go; the even devices fall back to idle, every hint too.
  ev = cs.withdraw_eid(kB);
  EXPECT_EQ(count<DeviceChanged>(ev), size_t(kDevices / 2 + 1));
  EXPECT_EQ(count<ExtensionChanged>(ev), size_t(kDevices));
  for (int i = 0; i < kDevices; i += 97) {
    ASSERT_EQ(cs.extension_state(std::to_string(i)), ExtensionState::kNotInUse) << i;
  }
  ASSERT_EQ(cs.members().size(), 2u);
  EXPECT_EQ(cs.members()[1].devices, size_t(kDevices));

  // A's empty dump: every device is back to our own UNAVAILABLE.
  ev = cs.replace_remote({}, at(5));
  EXPECT_EQ(count<DeviceChanged>(ev), size_t(kDevices));
  EXPECT_EQ(count<ExtensionChanged>(ev), size_t(kDevices));
  EXPECT_EQ(cs.extension_state("1234"), ExtensionState::kUnavailable);
  EXPECT_EQ(cs.local_devices().size(), size_t(kDevices));
  EXPECT_EQ(cs.members().size(), 1u);
}

}  // namespace
}  // namespace pinana::state
