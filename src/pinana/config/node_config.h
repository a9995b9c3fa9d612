// NodeConfig: every setting of `pinana node`, with its embedded defaults. Filled at start-up from a
// TOML file (docs/node-config.md) and/or command-line flags; read-only afterwards. Plain value,
// copy it to any thread.
//
// load_node_config / parse_node_config read the file; validate() applies the same checks to a
// NodeConfig assembled or changed from flags. Errors are values (Error::status is 0) whose reason
// reads "FILE:LINE: what is wrong" for the file and "KEY: what is wrong" for validate().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/base/result.h"

namespace pinana::config {

// One hint: extension -> "DEV1&DEV2[(Display Name)][,PRESENCE]" as Asterisk writes it.
struct HintSpec {
  std::string exten;
  std::string value;
  std::string origin;  // "file:line" where it was defined
  friend bool operator==(const HintSpec&, const HintSpec&) = default;
};

struct NodeConfig {
  std::optional<std::string> eid;          // xx:xx:xx:xx:xx:xx, not all zero; unset: derived later
  std::string hub = "sip:127.0.0.1:5060";  // sip:HOST[:PORT], IPv6 in brackets
  std::string listen = "udp:127.0.0.1:0";  // udp:ADDR:PORT (numeric ADDR)
  std::string api = "127.0.0.1:8088";      // ADDR:PORT, or "off"
  std::string domain;               // domain of extension presentities; empty: the hub's host
  std::string profile = "native";   // "native" (pinana hub) or "standard" (Kamailio)
  uint32_t publish_expires = 60;    // 5..86400
  uint32_t subscribe_expires = 60;  // 5..86400
  std::optional<std::string> username, password;  // digest credentials for the hub: both or neither
  std::vector<HintSpec> hints;  // [hints] first (file order), then extensions.conf's others
  std::vector<std::pair<std::string, std::string>> devices;  // device -> canonical state name
  // Standard profile: subscribed to at start-up (valid but unused on the native profile).
  std::vector<std::string> watch_devices;    // device names, in file order
  std::vector<std::string> watch_mailboxes;  // MAILBOX@CONTEXT, in file order
  std::string log_level = "info";            // error, warn, info, debug
  // [asterisk] extensions_conf as resolved (relative to the TOML file), when one was named.
  std::optional<std::string> extensions_conf;
};

// Reads the node's TOML file, and the extensions.conf it names (whose hints come after [hints]
// and never replace one of them).
Result<NodeConfig> load_node_config(const std::string& path);
// The same from text already in memory; `name` stands for the file in error messages and origins,
// and its directory is the base of a relative extensions_conf.
Result<NodeConfig> parse_node_config(std::string_view toml, const std::string& name);

// The checks of the file, applied to values that came from flags. Reports the first problem.
Status validate(const NodeConfig& config);

}  // namespace pinana::config
