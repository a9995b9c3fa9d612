// The node's TOML file: every key, the defaults, and each error with its FILE:LINE.
#include <gtest/gtest.h>

#include "pinana/config/node_config.h"
#include "temp_dir.h"

namespace pinana::config {
namespace {

using testing::TempDir;

// The reason of the error parsing `text` as "node.toml", or "" when it parsed.
std::string error_of(std::string_view text) {
  auto r = parse_node_config(text, "node.toml");
  return r.ok() ? "" : r.error().reason;
}

constexpr std::string_view kFull = R"toml(# a complete node configuration
eid = "02:00:00:00:00:01"
hub = "sip:[::1]:5062"
listen = "udp:127.0.0.1:5070"
api = "off"
domain = "example.com"
profile = "native"
publish_expires = 120
subscribe_expires = 300
log_level = "debug"

[credentials]
username = "node-a"
password = "secret"

[hints]
1001 = "PJSIP/bob(Bob Smith)"
1000 = "PJSIP/alice&Custom:alice-dnd"
"2000" = ",CustomPresence:carol"

[devices]
"Custom:lamp" = "not_inuse"
"Custom:alice-dnd" = "BUSY"
)toml";

TEST(NodeConfig, DefaultsWhenEmpty) {
  auto r = parse_node_config("", "node.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const NodeConfig& c = *r;
  EXPECT_FALSE(c.eid);
  EXPECT_EQ(c.hub, "sip:127.0.0.1:5060");
  EXPECT_EQ(c.listen, "udp:127.0.0.1:0");
  EXPECT_EQ(c.api, "127.0.0.1:8088");
  EXPECT_EQ(c.domain, "");  // the hub's host
  EXPECT_EQ(c.profile, "native");
  EXPECT_EQ(c.publish_expires, 60u);
  EXPECT_EQ(c.subscribe_expires, 60u);
  EXPECT_FALSE(c.username);
  EXPECT_FALSE(c.password);
  EXPECT_TRUE(c.hints.empty());
  EXPECT_TRUE(c.devices.empty());
  EXPECT_EQ(c.log_level, "info");
  EXPECT_FALSE(c.extensions_conf);
  EXPECT_TRUE(validate(c).ok());
}

TEST(NodeConfig, FullFileParses) {
  auto r = parse_node_config(kFull, "node.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const NodeConfig& c = *r;
  EXPECT_EQ(c.eid, "02:00:00:00:00:01");
  EXPECT_EQ(c.hub, "sip:[::1]:5062");
  EXPECT_EQ(c.listen, "udp:127.0.0.1:5070");
  EXPECT_EQ(c.api, "off");
  EXPECT_EQ(c.domain, "example.com");
  EXPECT_EQ(c.publish_expires, 120u);
  EXPECT_EQ(c.subscribe_expires, 300u);
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.username, "node-a");
  EXPECT_EQ(c.password, "secret");
  // In file order, with the line each was defined on.
  EXPECT_EQ(c.hints, (std::vector<HintSpec>{
                         {"1001", "PJSIP/bob(Bob Smith)", "node.toml:17"},
                         {"1000", "PJSIP/alice&Custom:alice-dnd", "node.toml:18"},
                         {"2000", ",CustomPresence:carol", "node.toml:19"},
                     }));
  using Devices = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(c.devices, (Devices{{"Custom:lamp", "NOT_INUSE"}, {"Custom:alice-dnd", "BUSY"}}));
  EXPECT_TRUE(validate(c).ok());
}

TEST(NodeConfig, LoadsFromFileAndNamesItInOrigins) {
  TempDir dir;
  const std::string path = dir.write("node.toml", "[hints]\n1000 = \"PJSIP/a\"\n");
  auto r = load_node_config(path);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  ASSERT_EQ(r->hints.size(), 1u);
  EXPECT_EQ(r->hints[0].origin, path + ":2");
}

TEST(NodeConfig, MissingFile) {
  TempDir dir;
  const std::string path = dir.path("absent.toml");
  auto r = load_node_config(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, path + ": cannot open: No such file or directory");
}

TEST(NodeConfig, DirectoryIsNotAFile) {
  TempDir dir;
  auto r = load_node_config(dir.dir().string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, dir.dir().string() + ": cannot read: Is a directory");
}

TEST(NodeConfigErrors, SyntaxErrorNamesLineAndColumn) {
  EXPECT_EQ(error_of("eid = \"02:00:00:00:00:01\"\nhub = \n"),
            "node.toml:2:7: Error while parsing key-value pair: expected value, saw '\\n'");
}

TEST(NodeConfigErrors, KeyGivenTwiceIsASyntaxError) {
  const std::string e = error_of("domain = \"a.com\"\ndomain = \"b.com\"\n");
  EXPECT_TRUE(e.starts_with("node.toml:2:")) << e;
}

TEST(NodeConfigErrors, UnknownKeys) {
  EXPECT_EQ(error_of("eid = \"02:00:00:00:00:01\"\nhubb = \"sip:x\"\n"),
            "node.toml:2: unknown key hubb");
  EXPECT_EQ(error_of("[credentials]\nusername = \"a\"\npassword = \"b\"\nrealm = \"r\"\n"),
            "node.toml:4: unknown key credentials.realm");
  EXPECT_EQ(error_of("[asterisk]\nextensions = \"x\"\n"),
            "node.toml:2: unknown key asterisk.extensions");
  EXPECT_EQ(error_of("[general]\n"), "node.toml:1: unknown key general");
}

TEST(NodeConfigErrors, WrongTypes) {
  EXPECT_EQ(error_of("eid = 2\n"), "node.toml:1: eid: expected a string, got an integer");
  EXPECT_EQ(error_of("\nhub = [\"sip:a\"]\n"), "node.toml:2: hub: expected a string, got an array");
  EXPECT_EQ(error_of("publish_expires = \"60\"\n"),
            "node.toml:1: publish_expires: expected an integer, got a string");
  EXPECT_EQ(error_of("subscribe_expires = 60.0\n"),
            "node.toml:1: subscribe_expires: expected an integer, got a float");
  EXPECT_EQ(error_of("credentials = \"a:b\"\n"),
            "node.toml:1: credentials: expected a table, got a string");
  EXPECT_EQ(error_of("hints = 1\n"), "node.toml:1: hints: expected a table, got an integer");
  EXPECT_EQ(error_of("[hints]\n1000 = true\n"),
            "node.toml:2: hints.1000: expected a string, got a boolean");
  EXPECT_EQ(error_of("[devices]\n\"Custom:a\" = 1\n"),
            "node.toml:2: devices.\"Custom:a\": expected a string, got an integer");
  EXPECT_EQ(error_of("[asterisk]\nextensions_conf = 1\n"),
            "node.toml:2: asterisk.extensions_conf: expected a string, got an integer");
  EXPECT_EQ(error_of("asterisk = 1\n"), "node.toml:1: asterisk: expected a table, got an integer");
  EXPECT_EQ(error_of("devices = []\n"), "node.toml:1: devices: expected a table, got an array");
  EXPECT_EQ(error_of("[credentials]\nusername = 1\n"),
            "node.toml:2: credentials.username: expected a string, got an integer");
}

TEST(NodeConfigErrors, BadValues) {
  EXPECT_EQ(error_of("\neid = \"00:00:00:00:00:00\"\n"),
            "node.toml:2: eid: \"00:00:00:00:00:00\": must not be all zero");
  EXPECT_EQ(error_of("eid = \"02:00:00:00:01\"\n"),
            "node.toml:1: eid: \"02:00:00:00:01\": expected six hex pairs xx:xx:xx:xx:xx:xx");
  EXPECT_EQ(error_of("hub = \"127.0.0.1:5060\"\n"),
            "node.toml:1: hub: \"127.0.0.1:5060\": expected sip:HOST[:PORT]");
  EXPECT_EQ(error_of("hub = \"sip:::1\"\n"),
            "node.toml:1: hub: \"sip:::1\": put IPv6 addresses in brackets");
  EXPECT_EQ(error_of("listen = \"tcp:127.0.0.1:5070\"\n"),
            "node.toml:1: listen: \"tcp:127.0.0.1:5070\": unknown transport \"tcp\" (only udp)");
  EXPECT_EQ(error_of("api = \"localhost:80\"\n"),
            "node.toml:1: api: \"localhost:80\": not a numeric address: \"localhost\" "
            "(ADDR:PORT or \"off\")");
  EXPECT_EQ(error_of("domain = \"\"\n"), "node.toml:1: domain: \"\": must not be empty");
  EXPECT_EQ(error_of("log_level = \"verbose\"\n"),
            "node.toml:1: log_level: unknown level \"verbose\" (error, warn, info or debug)");
}

TEST(NodeConfigErrors, Profile) {
  EXPECT_EQ(error_of("profile = \"other\"\n"),
            "node.toml:1: profile: unknown profile \"other\" (\"native\" or \"standard\")");
}

TEST(NodeConfigErrors, ExpiresOutOfRange) {
  EXPECT_EQ(error_of("publish_expires = 4\n"),
            "node.toml:1: publish_expires: must be between 5 and 86400 (got 4)");
  EXPECT_EQ(error_of("\nsubscribe_expires = 86401\n"),
            "node.toml:2: subscribe_expires: must be between 5 and 86400 (got 86401)");
  EXPECT_EQ(error_of("publish_expires = -60\n"),
            "node.toml:1: publish_expires: must be between 5 and 86400 (got -60)");
  EXPECT_EQ(error_of("publish_expires = 4294967356\n"),
            "node.toml:1: publish_expires: must be between 5 and 86400 (got 4294967356)");
  auto r = parse_node_config("publish_expires = 5\nsubscribe_expires = 86400\n", "node.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->publish_expires, 5u);
  EXPECT_EQ(r->subscribe_expires, 86400u);
}

TEST(NodeConfigErrors, CredentialsBothOrNeither) {
  EXPECT_EQ(error_of("eid = \"02:00:00:00:00:01\"\n[credentials]\nusername = \"a\"\n"),
            "node.toml:2: credentials: username without password");
  EXPECT_EQ(error_of("[credentials]\npassword = \"a\"\n"),
            "node.toml:1: credentials: password without username");
  EXPECT_EQ(error_of("[credentials]\nusername = \"\"\npassword = \"a\"\n"),
            "node.toml:2: credentials.username: must not be empty");
  EXPECT_EQ(error_of("[credentials]\nusername = \"u\"\npassword = \"\"\n"),
            "node.toml:3: credentials.password: must not be empty");
  auto empty = parse_node_config("[credentials]\n", "node.toml");
  ASSERT_TRUE(empty.ok()) << empty.error().reason;
  EXPECT_FALSE(empty->username);
}

TEST(NodeConfigErrors, Hints) {
  EXPECT_EQ(error_of("[hints]\n1000 = \"PJSIP/a\"\n1001 = \"\"\n"),
            "node.toml:3: hints.1001: \"\": has no device and no presence provider");
  EXPECT_EQ(error_of("[hints]\n1001 = \" & , \"\n"),
            "node.toml:2: hints.1001: \" & , \": has no device and no presence provider");
  EXPECT_EQ(error_of("[hints]\n\"_X.\" = \"PJSIP/a\"\n"),
            "node.toml:2: hints.\"_X.\": is a pattern; a hint needs a literal extension");
  EXPECT_EQ(error_of("[hints]\n\"a@b\" = \"PJSIP/a\"\n"),
            "node.toml:2: hints.\"a@b\": contains \"@\", which cannot be part of a presentity "
            "name");
  EXPECT_EQ(error_of("[hints]\n\"\" = \"PJSIP/a\"\n"),
            "node.toml:2: hints.\"\": must not be empty");
}

TEST(NodeConfigErrors, Devices) {
  EXPECT_EQ(error_of("[devices]\n\"Custom:a\" = \"IDLE\"\n"),
            "node.toml:2: devices.\"Custom:a\": unknown device state \"IDLE\" (UNKNOWN, "
            "NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE or ONHOLD)");
  EXPECT_EQ(error_of("[devices]\n\"a&b\" = \"BUSY\"\n"),
            "node.toml:2: devices.\"a&b\": must not contain whitespace, \"&\" or \",\"");
}

TEST(NodeConfig, WatchListsKeepFileOrder) {
  auto r = parse_node_config(
      "profile = \"standard\"\n"
      "watch_devices = [\"PJSIP/carol\", \"Custom:lamp 1\"]\n"
      "watch_mailboxes = [\n  \"1000@default\",\n  \"2000@sales\",\n]\n",
      "node.toml");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->watch_devices, (std::vector<std::string>{"PJSIP/carol", "Custom:lamp 1"}));
  EXPECT_EQ(r->watch_mailboxes, (std::vector<std::string>{"1000@default", "2000@sales"}));
  // Valid, and unused, on the native profile; empty lists are fine.
  auto native = parse_node_config("watch_devices = [\"PJSIP/a\"]\nwatch_mailboxes = []\n", "n");
  ASSERT_TRUE(native.ok()) << native.error().reason;
  EXPECT_EQ(native->profile, "native");
  EXPECT_EQ(native->watch_devices.size(), 1u);
  EXPECT_TRUE(parse_node_config("", "n")->watch_mailboxes.empty());
}

TEST(NodeConfigErrors, WatchLists) {
  EXPECT_EQ(error_of("watch_devices = \"PJSIP/a\"\n"),
            "node.toml:1: watch_devices: expected an array of strings, got a string");
  EXPECT_EQ(error_of("watch_devices = [\"PJSIP/a\", 7]\n"),
            "node.toml:1: watch_devices[1]: expected a string, got an integer");
  EXPECT_EQ(error_of("watch_devices = [\n  \"PJSIP/a\",\n  \"\",\n]\n"),
            "node.toml:3: watch_devices[1]: \"\": must not be empty");
  EXPECT_EQ(error_of("watch_devices = [\"a\\tb\"]\n"),
            "node.toml:1: watch_devices[0]: \"a\tb\": must not contain control characters");
  EXPECT_EQ(
      error_of("watch_devices = [\"" + std::string(257, 'x') + "\"]\n"),
      "node.toml:1: watch_devices[0]: \"" + std::string(257, 'x') + "\": longer than 256 bytes");
  EXPECT_EQ(error_of("eid = \"02:00:00:00:00:01\"\nwatch_mailboxes = [\n  \"1000@default\",\n"
                     "  \"1001\",\n]\n"),
            "node.toml:4: watch_mailboxes[1]: \"1001\": expected MAILBOX@CONTEXT");
  EXPECT_EQ(error_of("watch_mailboxes = [\"@default\"]\n"),
            "node.toml:1: watch_mailboxes[0]: \"@default\": expected MAILBOX@CONTEXT");
  EXPECT_EQ(error_of("watch_mailboxes = [\"1000@\"]\n"),
            "node.toml:1: watch_mailboxes[0]: \"1000@\": expected MAILBOX@CONTEXT");
  EXPECT_EQ(error_of("[watch_mailboxes]\n"),
            "node.toml:1: watch_mailboxes: expected an array of strings, got a table");
}

TEST(NodeConfigAsterisk, ExtensionsConfRelativeToTheTomlFile) {
  TempDir dir;
  dir.write("etc/extensions.conf",
            "[internal]\n"
            "exten => 1000,hint,PJSIP/from-conf\n"
            "exten => 1002,hint,PJSIP/carol\n");
  const std::string toml = dir.write("etc/node.toml",
                                     "[hints]\n"
                                     "1000 = \"PJSIP/alice\"\n"
                                     "[asterisk]\n"
                                     "extensions_conf = \"extensions.conf\"\n");
  auto r = load_node_config(toml);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const std::string conf = (dir.dir() / "etc" / "extensions.conf").string();
  EXPECT_EQ(r->extensions_conf, conf);
  // [hints] wins for 1000; 1002 comes from extensions.conf, after the file's own hints.
  EXPECT_EQ(r->hints, (std::vector<HintSpec>{
                          {"1000", "PJSIP/alice", toml + ":2"},
                          {"1002", "PJSIP/carol", conf + ":3"},
                      }));
}

TEST(NodeConfigAsterisk, AbsolutePathIsKept) {
  TempDir dir;
  const std::string conf = dir.write("conf/extensions.conf", "[c]\nexten => 7,hint,PJSIP/x\n");
  const std::string toml =
      dir.write("node.toml", "[asterisk]\nextensions_conf = \"" + conf + "\"\n");
  auto r = load_node_config(toml);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(r->extensions_conf, conf);
  ASSERT_EQ(r->hints.size(), 1u);
  EXPECT_EQ(r->hints[0].origin, conf + ":2");
}

TEST(NodeConfigAsterisk, MissingExtensionsConfNamesTheTomlLine) {
  TempDir dir;
  const std::string toml =
      dir.write("node.toml", "domain = \"a.com\"\n[asterisk]\nextensions_conf = \"nope.conf\"\n");
  auto r = load_node_config(toml);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, toml + ":3: asterisk.extensions_conf: " + dir.path("nope.conf") +
                                  ": cannot open: No such file or directory");
}

TEST(NodeConfigAsterisk, ErrorInsideExtensionsConfNamesItsOwnLine) {
  TempDir dir;
  const std::string conf = dir.write("extensions.conf", "[c]\n\nexten => 1000,hint,\n");
  const std::string toml =
      dir.write("node.toml", "[asterisk]\nextensions_conf = \"extensions.conf\"\n");
  auto r = load_node_config(toml);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason,
            conf + ":3: hint for 1000: \"\": has no device and no presence provider");
}

TEST(NodeConfigAsterisk, EmptyPathRefused) {
  EXPECT_EQ(error_of("[asterisk]\nextensions_conf = \"\"\n"),
            "node.toml:2: asterisk.extensions_conf: must not be empty");
}

}  // namespace
}  // namespace pinana::config
