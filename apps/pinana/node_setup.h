// From `pinana node` flags (and the TOML file they may name) to node::NodeOptions: flags override
// the file, values are validated, the hub's host is resolved, hints are parsed. Shared by
// `pinana node` and `pinana demo`. Start-up code; errors are values with a reason for the user.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/config/node_config.h"
#include "pinana/node/node.h"

namespace pinana::app {

struct NodeFlags {
  std::string config;
  std::string eid, hub, listen, api, domain, profile, log_level, username, password;
  std::vector<std::string> hints;    // EXTEN=DEVICES
  std::vector<std::string> devices;  // DEVICE=STATE
  std::vector<std::string> watch_devices, watch_mailboxes;
  uint32_t publish_expires = 0, subscribe_expires = 0;
};

void add_node_flags(CLI::App& cmd, NodeFlags& flags);
Result<config::NodeConfig> node_config_from(const NodeFlags& flags);
Result<node::NodeOptions> node_options_from(const config::NodeConfig& config);

}  // namespace pinana::app
