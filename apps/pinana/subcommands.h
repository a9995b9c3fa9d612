// Registration of pinana's subcommands with CLI11. Each add_* wires one subcommand whose callback
// runs it and stores its exit status in `rc`. Called from main() only.
#pragma once

#include <CLI/CLI.hpp>

namespace pinana::app {

void add_sip_parse(CLI::App& parent, int& rc);
void add_hub(CLI::App& app, int& rc);
void add_node(CLI::App& app, int& rc);
void add_demo(CLI::App& app, int& rc);
// devstate, hints, cluster, mwi: clients of a node's HTTP API (client_commands.cc).
void add_client_commands(CLI::App& app, int& rc);

}  // namespace pinana::app
