#include "pinana/presence/package_registry.h"

#include <gtest/gtest.h>

#include "text_package.h"

namespace pinana::presence {
namespace {

TEST(PackageRegistry, FindsRegisteredPackagesByExactName) {
  testing::TextPackage a("alpha"), b("beta");
  PackageRegistry r;
  ASSERT_TRUE(r.add(a).ok());
  ASSERT_TRUE(r.add(b).ok());
  EXPECT_EQ(r.find("alpha"), &a);
  EXPECT_EQ(r.find("beta"), &b);
  EXPECT_EQ(r.find("Alpha"), nullptr);
  EXPECT_EQ(r.find("alpha.winfo"), nullptr);
  EXPECT_EQ(r.allow_events(), "alpha, beta");
}

TEST(PackageRegistry, RejectsADuplicateName) {
  testing::TextPackage a("alpha"), a2("alpha");
  PackageRegistry r;
  ASSERT_TRUE(r.add(a).ok());
  EXPECT_FALSE(r.add(a2).ok());
  EXPECT_EQ(r.find("alpha"), &a);
  EXPECT_EQ(r.allow_events(), "alpha");
}

}  // namespace
}  // namespace pinana::presence
