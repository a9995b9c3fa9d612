#include "pinana/presence/packages/register_all.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pinana/presence/package_registry.h"

namespace pinana::presence::packages {
namespace {

TEST(RegisterAll, MakesTheFivePackages) {
  auto all = make_all_packages();
  std::vector<std::string> names;
  for (const auto& p : all) names.emplace_back(p->name());
  EXPECT_EQ(names, (std::vector<std::string>{"presence", "dialog", "message-summary",
                                             "asterisk-devicestate", "asterisk-mwi"}));
  for (const auto& p : all) {
    EXPECT_FALSE(p->publish_types().empty()) << p->name();
    EXPECT_FALSE(p->notify_types().empty()) << p->name();
    const ExpiryBounds e = p->publication_expiry();
    EXPECT_LE(e.min_s, e.default_s);
    EXPECT_LE(e.default_s, e.max_s);
  }
}

TEST(RegisterAll, RegistersIntoTheRegistry) {
  PackageRegistry registry;
  auto all = register_all(registry);
  ASSERT_TRUE(all.ok()) << all.error().reason;
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(registry.find("asterisk-devicestate"), (*all)[3].get());
  EXPECT_EQ(registry.allow_events(),
            "presence, dialog, message-summary, asterisk-devicestate, asterisk-mwi");
  // A second set clashes by name.
  auto again = register_all(registry);
  EXPECT_FALSE(again.ok());
}

}  // namespace
}  // namespace pinana::presence::packages
