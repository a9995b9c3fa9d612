#include "pinana/state/eid.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <unordered_set>

namespace pinana::state {
namespace {

namespace fs = std::filesystem;

TEST(Eid, ParseAndPrint) {
  auto eid = Eid::parse("00:11:22:Aa:bB:ff");
  ASSERT_TRUE(eid);
  EXPECT_EQ(eid->bytes, (std::array<uint8_t, 6>{0x00, 0x11, 0x22, 0xaa, 0xbb, 0xff}));
  EXPECT_EQ(eid->to_string(), "00:11:22:aa:bb:ff");
  EXPECT_FALSE(eid->is_zero());
  EXPECT_TRUE(Eid::parse("00:00:00:00:00:00")->is_zero());
}

TEST(Eid, ParseRejectsEverythingElse) {
  for (const char* bad :
       {"", "00:11:22:33:44", "00:11:22:33:44:55:66", "00:11:22:33:44:5", "0:11:22:33:44:55",
        "00-11-22-33-44-55", "00:11:22:33:44:5g", " 00:11:22:33:44:55", "00:11:22:33:44:55 ",
        "001122334455", "00:11:22:33:44::5", "+0:11:22:33:44:55"}) {
    EXPECT_FALSE(Eid::parse(bad)) << bad;
  }
}

TEST(Eid, OrderingEqualityHash) {
  Eid a = *Eid::parse("00:00:00:00:00:01");
  Eid b = *Eid::parse("00:00:00:00:01:00");
  EXPECT_LT(a, b);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, *Eid::parse("00:00:00:00:00:01"));
  EXPECT_EQ(EidHash{}(a), EidHash{}(*Eid::parse("00:00:00:00:00:01")));
  std::unordered_set<Eid, EidHash> set{a, b, a};
  EXPECT_EQ(set.size(), 2u);
}

// A fake /sys/class/net: real directories (from_host lists them) whose `address` files are served
// by the injected reader, plus /etc/machine-id and the host name.
class FromHost : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        fs::path(::testing::TempDir()) /
        ("eid_net_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void iface(const std::string& name, std::optional<std::string> address) {
    fs::create_directories(root_ / name);
    if (address) files_[(root_ / name / "address").string()] = *address;
  }
  Eid run() {
    return Eid::from_host(root_.string(),
                          [this](const std::string& path) -> std::optional<std::string> {
                            auto it = files_.find(path);
                            if (it == files_.end()) return std::nullopt;
                            return it->second;
                          });
  }

  fs::path root_;
  std::map<std::string, std::string> files_;
};

TEST_F(FromHost, FirstUsableInterfaceSortedByNameSkippingLo) {
  iface("lo", "02:00:00:00:00:99\n");
  iface("wlan0", "02:00:00:00:00:03\n");
  iface("eth1", "02:00:00:00:00:02\n");
  iface("enp0s3", "00:00:00:00:00:00\n");  // all zero: skipped
  iface("dummy0", "ff:ff:ff:ff:ff:ff\n");  // all ff: skipped
  iface("bond0", std::nullopt);            // unreadable: skipped
  iface("ib0", "80:00:00:48:fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:01\n");  // not 6 bytes
  EXPECT_EQ(run().to_string(), "02:00:00:00:00:02");
}

TEST_F(FromHost, LoIsNeverUsed) {
  iface("lo", "02:00:00:00:00:99\n");
  files_["/etc/machine-id"] = "0123456789abcdef0123456789abcdef\n";
  files_["/proc/sys/kernel/hostname"] = "pbx1\n";
  EXPECT_NE(run().to_string(), "02:00:00:00:00:99");
}

TEST_F(FromHost, DerivedFromMachineIdAndHostname) {
  iface("eth0", "00:00:00:00:00:00\n");
  files_["/etc/machine-id"] = "0123456789abcdef0123456789abcdef\n";
  files_["/proc/sys/kernel/hostname"] = "pbx1\n";
  const Eid one = run();
  EXPECT_FALSE(one.is_zero());
  EXPECT_EQ(one.bytes[0] & 0x02, 0x02) << "locally administered";
  EXPECT_EQ(one.bytes[0] & 0x01, 0x00) << "unicast";
  EXPECT_EQ(run(), one) << "stable";

  files_["/proc/sys/kernel/hostname"] = "pbx2\n";
  EXPECT_NE(run(), one) << "hostname matters";
  files_["/proc/sys/kernel/hostname"] = "pbx1\n";
  files_["/etc/machine-id"] = "fedcba9876543210fedcba9876543210\n";
  EXPECT_NE(run(), one) << "machine-id matters";
}

TEST_F(FromHost, NothingReadableStillNeverZero) {
  const Eid eid = Eid::from_host((root_ / "missing").string(),
                                 [](const std::string&) { return std::optional<std::string>(); });
  EXPECT_FALSE(eid.is_zero());
  EXPECT_EQ(eid.bytes[0] & 0x02, 0x02);
}

TEST(Eid, FromRealHostIsNeverZero) {
  const Eid eid = Eid::from_host();
  EXPECT_FALSE(eid.is_zero());
  EXPECT_EQ(Eid::from_host(), eid);
}

}  // namespace
}  // namespace pinana::state
