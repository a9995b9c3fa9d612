// pinana hub: the presence server. Parses flags (and, with --config, a TOML file), starts the
// listeners, runs the event loop on this thread, and on SIGTERM/SIGINT sends terminating NOTIFYs
// before it exits.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <iostream>

#include "pinana/base/clock.h"
#include "pinana/base/log.h"
#include "pinana/hub/hub_server.h"
#include "pinana/hub/listen_spec.h"
#include "subcommands.h"

namespace pinana::app {
namespace {

struct HubFlags {
  std::vector<std::string> listen;
  std::vector<std::string> domains;
  uint32_t min_expires = 0;
  uint32_t max_expires = 0;
  std::string http;
  std::string config;
};

int run_hub(const HubFlags& flags) {
  hub::HubConfig config;
  if (!flags.config.empty()) {
    auto loaded = hub::load_hub_config(flags.config);
    if (!loaded.ok()) {
      std::cerr << "pinana hub: " << loaded.error().reason << "\n";
      return 2;
    }
    config = std::move(loaded.value());
  }
  if (!flags.listen.empty()) {
    config.listen.clear();
    for (const auto& text : flags.listen) {
      auto spec = hub::parse_listen(text);
      if (!spec.ok()) {
        std::cerr << "pinana hub: --listen " << text << ": " << spec.error().reason << "\n";
        return 2;
      }
      config.listen.push_back(spec.value());
    }
  }
  for (const auto& d : flags.domains) config.domains.push_back(d);
  if (flags.min_expires) config.min_expires = flags.min_expires;
  if (flags.max_expires) config.max_expires = flags.max_expires;
  if (!flags.http.empty()) config.http = flags.http;
  if (config.min_expires > config.max_expires) {
    std::cerr << "pinana hub: --min-expires " << config.min_expires << " is above --max-expires "
              << config.max_expires << "\n";
    return 2;
  }

  boost::asio::io_context io(1);
  SteadyClock clock;
  Logger log(parse_log_level(config.log_level).value_or(LogLevel::kInfo), std::cerr, "pinana hub: ");
  hub::HubServer server(io, clock, config, &log);
  if (auto s = server.start(); !s) {
    std::cerr << "pinana hub: " << s.error().reason << "\n";
    return 1;
  }
  std::unique_ptr<hub::MetricsHttpServer> http;
  if (!config.http.empty()) {
    auto h =
        hub::MetricsHttpServer::start(io, config.http, [&server] { return server.metrics_text(); });
    if (!h.ok()) {
      std::cerr << "pinana hub: --http " << config.http << ": " << h.error().reason << "\n";
      return 1;
    }
    http = std::move(h.value());
  }
  for (size_t i = 0; i < config.listen.size(); ++i) {
    std::cerr << "pinana hub: listening on "
              << sip::transport::to_string(config.listen[i].transport) << " "
              << server.bound()[i].to_string() << "\n";
  }
  if (http) std::cerr << "pinana hub: metrics on http://" << http->endpoint() << "/metrics\n";

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cerr << "pinana hub: shutting down (terminating subscriptions)\n";
    server.shutdown(std::chrono::seconds(5), [&io] { io.stop(); });
  });
  io.run();
  std::cerr << "pinana hub: stopped\n";
  return 0;
}

}  // namespace

void add_hub(CLI::App& app, int& rc) {
  auto flags = std::make_shared<HubFlags>();
  auto* cmd =
      app.add_subcommand("hub", "Run the presence server (SIP PUBLISH / SUBSCRIBE / NOTIFY)");
  cmd->add_option("--listen", flags->listen,
                  "udp:ADDR:PORT or tcp:ADDR:PORT, repeatable; IPv6 in brackets "
                  "(default udp and tcp on 127.0.0.1:5060)");
  cmd->add_option("--domain", flags->domains,
                  "a domain whose presentities the hub serves (repeatable)");
  cmd->add_option("--min-expires", flags->min_expires, "shortest Expires accepted (default 5 s)");
  cmd->add_option("--max-expires", flags->max_expires, "longest Expires granted (default 3600 s)");
  cmd->add_option("--http", flags->http, "ADDR:PORT for /metrics and /health");
  cmd->add_option("--config", flags->config, "TOML configuration file");
  cmd->callback([flags, &rc] { rc = run_hub(*flags); });
}

}  // namespace pinana::app
