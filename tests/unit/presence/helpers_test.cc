// The small pure helpers of the presence core: resource URIs, media-type negotiation, expiry
// bounds, the NOTIFY Event value.
#include <gtest/gtest.h>

#include <array>

#include "pinana/presence/expiry_policy.h"
#include "pinana/presence/media_types.h"
#include "pinana/presence/notify_builder.h"
#include "pinana/presence/resource_uri.h"

namespace pinana::presence {
namespace {

std::optional<std::string> served(std::string_view text, const PresenceConfig& config) {
  auto uri = sip::parse_uri(text);
  EXPECT_TRUE(uri.ok()) << text;
  return served_resource(*uri, config);
}

TEST(ResourceUri, CanonicalFormFoldsSchemeHostCasePortAndParameters) {
  PresenceConfig config;
  config.domains = {"Example.COM"};
  config.local_addresses = {"::1", "192.0.2.10"};
  EXPECT_EQ(served("sip:alice@example.com", config), "sip:alice@example.com");
  EXPECT_EQ(served("sips:alice@EXAMPLE.com:5061;transport=tls", config), "sip:alice@example.com");
  EXPECT_EQ(served("sip:Alice@example.com", config), "sip:Alice@example.com");  // user is exact
  EXPECT_EQ(served("sip:alice@[::1]:5060", config), "sip:alice@[::1]");
  EXPECT_EQ(served("sip:alice@192.0.2.10", config), "sip:alice@192.0.2.10");
  EXPECT_EQ(served("sip:alice@example.org", config), std::nullopt);
  EXPECT_EQ(served("sip:example.com", config), std::nullopt);
  EXPECT_EQ(served("tel:+15551234", config), std::nullopt);
}

TEST(MediaTypes, ContentTypeMatchesIgnoringCaseAndParameters) {
  constexpr std::array<std::string_view, 2> types{"application/pidf+xml", "text/plain"};
  EXPECT_EQ(match_content_type("Application/PIDF+XML", types), "application/pidf+xml");
  EXPECT_EQ(match_content_type("text/plain;charset=utf-8", types), "text/plain");
  EXPECT_EQ(match_content_type("text/html", types), std::nullopt);
  EXPECT_EQ(match_content_type("*/*", types), std::nullopt);
  EXPECT_EQ(match_content_type("", types), std::nullopt);
}

TEST(MediaTypes, NegotiationPrefersThePackageOrderAndHonoursWildcardsAndQZero) {
  constexpr std::array<std::string_view, 2> prefs{"application/pidf+xml", "application/xpidf+xml"};
  using V = std::vector<std::string_view>;
  EXPECT_EQ(negotiate_type(V{}, prefs), "application/pidf+xml");
  EXPECT_EQ(negotiate_type(V{""}, prefs), "application/pidf+xml");
  EXPECT_EQ(negotiate_type(V{"application/xpidf+xml, application/pidf+xml"}, prefs),
            "application/pidf+xml");
  EXPECT_EQ(negotiate_type(V{"text/plain", "application/xpidf+xml"}, prefs),
            "application/xpidf+xml");
  EXPECT_EQ(negotiate_type(V{"*/*"}, prefs), "application/pidf+xml");
  EXPECT_EQ(negotiate_type(V{"application/pidf+xml;q=0, application/*"}, prefs),
            "application/xpidf+xml");
  EXPECT_EQ(negotiate_type(V{"application/pidf+xml;q=0.0"}, prefs), std::nullopt);
  EXPECT_EQ(negotiate_type(V{"text/plain"}, prefs), std::nullopt);
}

TEST(ExpiryPolicy, DefaultMinimumMaximumAndOverrides) {
  const ExpiryBounds b = effective_bounds({3600, 60, 7200}, nullptr);
  EXPECT_EQ(decide_expiry(std::nullopt, b).granted_s, 3600u);
  EXPECT_TRUE(decide_expiry(59, b).too_brief);
  EXPECT_FALSE(decide_expiry(60, b).too_brief);
  EXPECT_EQ(decide_expiry(0, b).granted_s, 0u);
  EXPECT_FALSE(decide_expiry(0, b).too_brief);
  EXPECT_EQ(decide_expiry(10000, b).granted_s, 7200u);

  ExpiryOverride o;
  o.max_s = 100;  // below the package default: the default follows
  const ExpiryBounds c = effective_bounds({3600, 60, 7200}, &o);
  EXPECT_EQ(c.max_s, 100u);
  EXPECT_EQ(c.default_s, 100u);
  EXPECT_EQ(c.min_s, 60u);
}

TEST(NotifyBuilder, EventValueCarriesTheId) {
  SubscriptionKey k;
  k.event_type = "presence";
  EXPECT_EQ(event_header_value(k.view()), "presence");
  k.event_id = "abc";
  EXPECT_EQ(event_header_value(k.view()), "presence;id=abc");
}

}  // namespace
}  // namespace pinana::presence
