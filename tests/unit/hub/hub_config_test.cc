#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <fstream>

#include "pinana/hub/listen_spec.h"

namespace pinana::hub {
namespace {

using sip::transport::TransportKind;

// Returns the reason of the error parsing `text` as "hub.toml", or "" when it parsed.
std::string error_of(std::string_view text) {
  auto r = parse_hub_config(text, "hub.toml");
  return r.ok() ? "" : r.error().reason;
}

constexpr std::string_view kFull = R"(# a complete hub configuration
listen = ["udp:127.0.0.1:5060", "tcp:[::1]:5070"]
domains = ["example.com", "example.org"]
min_expires = 10
max_expires = 1800
http = "127.0.0.1:9090"
realm = "hub.example.com"
log_level = "debug"
max_subscriptions_per_source = 20
max_requests_per_second_per_source = 0
retry_after = 7

[packages.presence]
min_expires = 60
max_expires = 7200

[packages.dialog]
max_expires = 600

[[users]]
name = "node1"
password = "s3cret"
publish = { presentities = ["sip:*@example.com"], packages = ["asterisk-devicestate", "presence"] }
subscribe = { presentities = ["*"], packages = ["*"] }

[[users]]
name = "watcher"
password = "pw"
publish = { packages = [] }
)";

TEST(HubConfig, FullFileParses) {
  auto r = parse_hub_config(kFull, "hub.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const HubConfig& c = *r;
  ASSERT_EQ(c.listen.size(), 2u);
  EXPECT_EQ(c.listen[0], (ListenSpec{TransportKind::kUdp, "127.0.0.1", 5060}));
  EXPECT_EQ(c.listen[1], (ListenSpec{TransportKind::kTcp, "::1", 5070}));
  EXPECT_EQ(c.domains, (std::vector<std::string>{"example.com", "example.org"}));
  EXPECT_EQ(c.min_expires, 10u);
  EXPECT_EQ(c.max_expires, 1800u);
  EXPECT_EQ(c.http, "127.0.0.1:9090");
  EXPECT_EQ(c.realm, "hub.example.com");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.max_subscriptions_per_source, 20u);
  EXPECT_EQ(c.max_requests_per_second_per_source, 0u);
  EXPECT_EQ(c.retry_after_s, 7u);
  ASSERT_EQ(c.package_expiry.size(), 2u);
  EXPECT_EQ(c.package_expiry.at("presence").min_s, 60u);
  EXPECT_EQ(c.package_expiry.at("presence").max_s, 7200u);
  EXPECT_EQ(c.package_expiry.at("dialog").min_s, 0u);
  EXPECT_EQ(c.package_expiry.at("dialog").max_s, 600u);
  ASSERT_EQ(c.users.size(), 2u);
  EXPECT_EQ(c.users[0].name, "node1");
  EXPECT_EQ(c.users[0].password, "s3cret");
  EXPECT_EQ(c.users[0].publish.presentities, (std::vector<std::string>{"sip:*@example.com"}));
  EXPECT_EQ(c.users[0].publish.packages,
            (std::vector<std::string>{"asterisk-devicestate", "presence"}));
  EXPECT_EQ(c.users[0].subscribe.presentities, (std::vector<std::string>{"*"}));
  EXPECT_EQ(c.users[0].subscribe.packages, (std::vector<std::string>{"*"}));
  EXPECT_EQ(c.users[1].name, "watcher");
  EXPECT_TRUE(c.users[1].publish.packages.empty());
  // Keys left out keep the defaults.
  EXPECT_EQ(c.users[1].publish.presentities, (std::vector<std::string>{"*"}));
  EXPECT_EQ(c.users[1].subscribe.packages, (std::vector<std::string>{"*"}));
}

TEST(HubConfig, EmptyFileGivesDefaults) {
  auto r = parse_hub_config("", "hub.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const HubConfig defaults;
  EXPECT_EQ(r->listen, defaults.listen);
  EXPECT_EQ(r->min_expires, defaults.min_expires);
  EXPECT_EQ(r->max_expires, defaults.max_expires);
  EXPECT_EQ(r->realm, defaults.realm);
  EXPECT_EQ(r->log_level, "info");
  EXPECT_TRUE(r->http.empty());
  EXPECT_TRUE(r->users.empty());
  EXPECT_TRUE(r->package_expiry.empty());
}

TEST(HubConfig, SyntaxErrorNamesParserLine) {
  const std::string e = error_of("min_expires = 5\nlisten = [\n");
  EXPECT_TRUE(e.starts_with("hub.toml:2: ")) << e;
  EXPECT_EQ(error_of("a = 1\n\n\n  = 3\n").substr(0, 11), "hub.toml:4:");
}

TEST(HubConfig, DuplicateKeyIsSyntaxError) {
  const std::string e = error_of("realm = \"a\"\nrealm = \"b\"\n");
  EXPECT_TRUE(e.starts_with("hub.toml:2: ")) << e;
}

TEST(HubConfig, UnknownTopLevelKey) {
  EXPECT_EQ(error_of("min_expires = 5\n\nmax_expire = 10\n"),
            "hub.toml:3: unknown key \"max_expire\"");
}

TEST(HubConfig, UnknownKeyInUser) {
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npasword = \"x\"\n"),
            "hub.toml:3: unknown key \"users[0].pasword\"");
}

TEST(HubConfig, UnknownKeyInAccessRule) {
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npassword = \"x\"\n"
                     "subscribe = { presentity = [\"*\"] }\n"),
            "hub.toml:4: unknown key \"users[0].subscribe.presentity\"");
}

TEST(HubConfig, UnknownPackageName) {
  EXPECT_EQ(error_of("min_expires = 5\n[packages.presense]\nmin_expires = 60\n"),
            "hub.toml:2: packages.presense: unknown event package (known: presence, dialog, "
            "message-summary, asterisk-devicestate, asterisk-mwi)");
}

TEST(HubConfig, UnknownKeyInPackage) {
  EXPECT_EQ(error_of("[packages.presence]\nmin_expires = 1\nexpires = 4\n"),
            "hub.toml:3: unknown key \"packages.presence.expires\"");
}

TEST(HubConfig, WrongTypes) {
  EXPECT_EQ(error_of("\nmin_expires = \"5\"\n"),
            "hub.toml:2: min_expires: expected an integer, got a string");
  EXPECT_EQ(error_of("max_expires = 3600.0\n"),
            "hub.toml:1: max_expires: expected an integer, got a float");
  EXPECT_EQ(error_of("realm = 5\n"), "hub.toml:1: realm: expected a string, got an integer");
  EXPECT_EQ(error_of("listen = \"udp:127.0.0.1:5060\"\n"),
            "hub.toml:1: listen: expected an array of strings, got a string");
  EXPECT_EQ(error_of("domains = [\"a\",\n  true]\n"),
            "hub.toml:2: domains[1]: expected a string, got a boolean");
  EXPECT_EQ(error_of("packages = 3\n"), "hub.toml:1: packages: expected a table, got an integer");
  EXPECT_EQ(error_of("[packages]\npresence = 3\n"),
            "hub.toml:2: packages.presence: expected a table, got an integer");
  EXPECT_EQ(error_of("users = [1]\n"), "hub.toml:1: users[0]: expected a table, got an integer");
  EXPECT_EQ(error_of("[users]\nname = \"a\"\n"),
            "hub.toml:1: users: expected an array of tables ([[users]]), got a table");
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npassword = \"b\"\npublish = [\"*\"]\n"),
            "hub.toml:4: users[0].publish: expected a table, got an array");
}

TEST(HubConfig, BadListenSpecReusesReason) {
  EXPECT_EQ(
      error_of("listen = [\n  \"udp:127.0.0.1:5060\",\n  \"sctp:127.0.0.1:5060\",\n]\n"),
      "hub.toml:3: listen[1]: \"sctp:127.0.0.1:5060\": unknown transport \"sctp\" (udp or tcp)");
  EXPECT_EQ(error_of("listen = [\"tcp:::1:5060\"]\n"),
            "hub.toml:1: listen[0]: \"tcp:::1:5060\": put IPv6 addresses in brackets");
  EXPECT_EQ(error_of("listen = [\"udp:127.0.0.1:70000\"]\n"),
            "hub.toml:1: listen[0]: \"udp:127.0.0.1:70000\": bad port \"70000\"");
  EXPECT_EQ(error_of("\nlisten = []\n"), "hub.toml:2: listen: expected at least one address");
}

TEST(HubConfig, BadHttpAddress) {
  EXPECT_EQ(error_of("http = \"127.0.0.1:99999\"\n"),
            "hub.toml:1: http: \"127.0.0.1:99999\": bad port \"99999\"");
  EXPECT_EQ(error_of("http = \"localhost:9090\"\n"),
            "hub.toml:1: http: \"localhost:9090\": not a numeric address: \"localhost\"");
  EXPECT_EQ(error_of("http = \"\"\n"), "");  // empty: off
}

TEST(HubConfig, MinAboveMax) {
  EXPECT_EQ(error_of("max_expires = 60\nmin_expires = 120\n"),
            "hub.toml:2: min_expires (120) is above max_expires (60)");
  // Against the default maximum (3600), pointing at the one key that was set.
  EXPECT_EQ(error_of("\n\nmin_expires = 4000\n"),
            "hub.toml:3: min_expires (4000) is above max_expires (3600)");
  EXPECT_EQ(error_of("max_expires = 0\n"), "hub.toml:1: max_expires: must be at least 1");
}

TEST(HubConfig, PackageMinAboveMax) {
  EXPECT_EQ(error_of("[packages.presence]\nmin_expires = 100\nmax_expires = 50\n"),
            "hub.toml:2: packages.presence: min_expires (100) is above max_expires (50)");
  // Only the package maximum is set; the hub-wide minimum applies.
  EXPECT_EQ(error_of("min_expires = 30\n[packages.dialog]\nmax_expires = 10\n"),
            "hub.toml:3: packages.dialog: min_expires (30) is above max_expires (10)");
}

TEST(HubConfig, NumbersOutOfRange) {
  EXPECT_EQ(error_of("retry_after = -1\n"),
            "hub.toml:1: retry_after: must not be negative (got -1)");
  EXPECT_EQ(
      error_of("\nmax_subscriptions_per_source = 4294967296\n"),
      "hub.toml:2: max_subscriptions_per_source: 4294967296 is too large (at most 4294967295)");
  auto r = parse_hub_config("max_requests_per_second_per_source = 4294967295\n", "hub.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->max_requests_per_second_per_source, 4294967295u);
  EXPECT_EQ(error_of("[packages.presence]\n\nmax_expires = -5\n"),
            "hub.toml:3: packages.presence.max_expires: must not be negative (got -5)");
}

TEST(HubConfig, DuplicateUserNames) {
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npassword = \"x\"\n\n"
                     "[[users]]\nname = \"b\"\npassword = \"y\"\n\n"
                     "[[users]]\nname = \"a\"\npassword = \"z\"\n"),
            "hub.toml:10: users[2].name: duplicate user \"a\" (first at line 2)");
}

TEST(HubConfig, UserWithoutNameOrPassword) {
  EXPECT_EQ(error_of("realm = \"r\"\n\n[[users]]\npassword = \"x\"\n"),
            "hub.toml:3: users[0]: missing \"name\"");
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npassword = \"x\"\n[[users]]\nname = \"b\"\n"),
            "hub.toml:4: users[1]: missing \"password\"");
  EXPECT_EQ(error_of("[[users]]\nname = \"\"\npassword = \"x\"\n"),
            "hub.toml:2: users[0].name: must not be empty");
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npassword = \"\"\n"),
            "hub.toml:3: users[0].password: must not be empty");
}

TEST(HubConfig, BadPresentityPattern) {
  EXPECT_EQ(error_of("[[users]]\nname = \"a\"\npassword = \"x\"\n"
                     "publish = { presentities = [\"*\", \"alice@example.com\"] }\n"),
            "hub.toml:4: users[0].publish.presentities[1]: \"alice@example.com\" is not \"*\", "
            "\"sip:*@DOMAIN\" or \"sip:USER@DOMAIN\"");
}

TEST(HubConfig, UnknownLogLevel) {
  EXPECT_EQ(error_of("\nlog_level = \"verbose\"\n"),
            "hub.toml:2: log_level: unknown level \"verbose\" (error, warn, info or debug)");
  for (const char* level : {"error", "warn", "info", "debug"}) {
    EXPECT_EQ(error_of(std::string("log_level = \"") + level + "\"\n"), "") << level;
  }
}

TEST(HubConfig, EmptyRealm) {
  EXPECT_EQ(error_of("realm = \"\"\n"), "hub.toml:1: realm: must not be empty");
}

class HubConfigFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hub_config_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::remove((dir_ + "/hub.toml").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(HubConfigFile, LoadsFromDisk) {
  const std::string path = dir_ + "/hub.toml";
  std::ofstream(path) << kFull;
  auto r = load_hub_config(path);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->users.size(), 2u);
  EXPECT_EQ(r->retry_after_s, 7u);
}

TEST_F(HubConfigFile, ErrorsNameThePath) {
  const std::string path = dir_ + "/hub.toml";
  std::ofstream(path) << "realm = \"x\"\nbogus = 1\n";
  auto r = load_hub_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, path + ":2: unknown key \"bogus\"");
}

TEST_F(HubConfigFile, MissingFile) {
  const std::string path = dir_ + "/absent.toml";
  auto r = load_hub_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, path + ": cannot open: No such file or directory");
}

TEST_F(HubConfigFile, DirectoryIsUnreadable) {
  auto r = load_hub_config(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, dir_ + ": cannot read: Is a directory");
}

}  // namespace
}  // namespace pinana::hub
