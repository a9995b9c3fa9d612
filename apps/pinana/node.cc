// pinana node: the PBX-side agent. Parses flags (and, with --config, a TOML file), builds the
// node, runs the event loop on this thread, and on SIGTERM/SIGINT unpublishes and unsubscribes
// before it exits.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "node_setup.h"
#include "pinana/base/clock.h"
#include "pinana/base/log.h"
#include "pinana/node/node.h"
#include "subcommands.h"

namespace pinana::app {
namespace {

int run_node(const NodeFlags& flags) {
  auto config = node_config_from(flags);
  if (!config.ok()) {
    std::cerr << "pinana node: " << config.error().reason << "\n";
    return 2;
  }
  auto options = node_options_from(*config);
  if (!options.ok()) {
    std::cerr << "pinana node: " << options.error().reason << "\n";
    return 2;
  }
  boost::asio::io_context io(1);
  SteadyClock clock;
  Logger log(parse_log_level(config->log_level).value_or(LogLevel::kInfo), std::cerr,
             "pinana node: ");
  node::Node n(io, clock, std::move(*options), &log);
  if (auto s = n.start(); !s) {
    std::cerr << "pinana node: " << s.error().reason << "\n";
    return 1;
  }
  std::cerr << "pinana node: eid " << n.cluster_state().self().to_string() << ", SIP udp "
            << n.sip_endpoint().to_string();
  if (auto api = n.api_endpoint()) {
    std::cerr << ", API http://" << api->address().to_string() << ":" << api->port();
  }
  std::cerr << std::endl;

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cerr << "pinana node: shutting down (unpublishing)" << std::endl;
    n.shutdown(std::chrono::seconds(3), [&io] { io.stop(); });
  });
  io.run();
  std::cerr << "pinana node: stopped" << std::endl;
  return 0;
}

}  // namespace

void add_node(CLI::App& app, int& rc) {
  auto flags = std::make_shared<NodeFlags>();
  auto* cmd = app.add_subcommand("node", "Run a PBX-side node (device and extension state)");
  add_node_flags(*cmd, *flags);
  cmd->callback([flags, &rc] { rc = run_node(*flags); });
}

}  // namespace pinana::app
