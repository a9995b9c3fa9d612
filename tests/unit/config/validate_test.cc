// validate(): the file's checks for a NodeConfig assembled from flags.
#include <gtest/gtest.h>

#include "pinana/config/node_config.h"

namespace pinana::config {
namespace {

std::string error_of(const NodeConfig& c) {
  auto s = validate(c);
  return s.ok() ? "" : s.error().reason;
}

TEST(Validate, DefaultsAreValid) {
  EXPECT_EQ(error_of(NodeConfig{}), "");
}

TEST(Validate, EachValueIsChecked) {
  NodeConfig c;
  c.eid = "00:00:00:00:00:00";
  EXPECT_EQ(error_of(c), "eid: \"00:00:00:00:00:00\": must not be all zero");
  c = {};
  c.hub = "sip:hub@h";
  EXPECT_EQ(error_of(c),
            "hub: \"sip:hub@h\": expected sip:HOST[:PORT] (no user part, parameters or headers)");
  c = {};
  c.listen = "udp:127.0.0.1:99999";
  EXPECT_EQ(error_of(c), "listen: \"udp:127.0.0.1:99999\": bad port \"99999\" (0..65535)");
  c = {};
  c.api = "disabled";
  EXPECT_EQ(error_of(c), "api: \"disabled\": missing :PORT (ADDR:PORT or \"off\")");
  c = {};
  c.domain = "a b";
  EXPECT_EQ(error_of(c), "domain: \"a b\": not a domain name or IPv4 address");
  c = {};
  c.profile = "nativ";
  EXPECT_EQ(error_of(c), "profile: unknown profile \"nativ\" (\"native\" or \"standard\")");
  c = {};
  c.publish_expires = 0;
  EXPECT_EQ(error_of(c), "publish_expires: must be between 5 and 86400 (got 0)");
  c = {};
  c.subscribe_expires = 100000;
  EXPECT_EQ(error_of(c), "subscribe_expires: must be between 5 and 86400 (got 100000)");
  c = {};
  c.log_level = "trace";
  EXPECT_EQ(error_of(c), "log_level: unknown level \"trace\" (error, warn, info or debug)");
}

TEST(Validate, CredentialsBothOrNeither) {
  NodeConfig c;
  c.username = "u";
  EXPECT_EQ(error_of(c), "credentials: username without password");
  c.username.reset();
  c.password = "p";
  EXPECT_EQ(error_of(c), "credentials: password without username");
  c.username = "";
  EXPECT_EQ(error_of(c), "credentials.username: must not be empty");
  c.username = "u";
  c.password = "";
  EXPECT_EQ(error_of(c), "credentials.password: must not be empty");
  c.password = "p";
  EXPECT_EQ(error_of(c), "");
}

TEST(Validate, Hints) {
  NodeConfig c;
  c.hints = {{"1000", "PJSIP/a", "flag"}, {"1001", "PJSIP/b", "flag"}};
  EXPECT_EQ(error_of(c), "");
  c.hints.push_back({"_X.", "PJSIP/c", "flag"});
  EXPECT_EQ(error_of(c), "hints: \"_X.\": is a pattern; a hint needs a literal extension");
  c.hints.back() = {"1002", "", "flag"};
  EXPECT_EQ(error_of(c), "hints.1002: \"\": has no device and no presence provider");
  c.hints.back() = {"1000", "PJSIP/c", "x.toml:9"};
  EXPECT_EQ(error_of(c), "hints.1000: defined twice (flag and x.toml:9)");
}

TEST(Validate, Devices) {
  NodeConfig c;
  c.devices = {{"Custom:a", "inuse"}};
  EXPECT_EQ(error_of(c), "");
  c.devices = {{"Custom:a", "idle"}};
  EXPECT_EQ(error_of(c),
            "devices.Custom:a: unknown device state \"idle\" (UNKNOWN, NOT_INUSE, INUSE, BUSY, "
            "INVALID, UNAVAILABLE, RINGING, RINGINUSE or ONHOLD)");
  c.devices = {{"", "BUSY"}};
  EXPECT_EQ(error_of(c), "devices: \"\": must not be empty");
}

TEST(Validate, WatchLists) {
  NodeConfig c;
  c.watch_devices = {"PJSIP/a", "Custom:lamp 1"};
  c.watch_mailboxes = {"1000@default"};
  EXPECT_EQ(error_of(c), "");
  c.watch_devices.push_back("");
  EXPECT_EQ(error_of(c), "watch_devices: \"\": must not be empty");
  c.watch_devices.pop_back();
  c.watch_mailboxes.push_back("1000");
  EXPECT_EQ(error_of(c), "watch_mailboxes: \"1000\": expected MAILBOX@CONTEXT");
}

}  // namespace
}  // namespace pinana::config
