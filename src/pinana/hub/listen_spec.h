// Parsing of the hub's command-line and configuration values: listen specs
// ("udp:127.0.0.1:5060", "tcp:[::1]:5061"), the TOML configuration file, and the small HTTP
// server that exposes /metrics and /health. Start-up code: errors are values naming what is wrong
// (for the file: the file, the line and the problem); any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "pinana/base/result.h"
#include "pinana/hub/hub_config.h"

namespace pinana::hub {

// "udp:ADDR:PORT" or "tcp:ADDR:PORT"; ADDR numeric, IPv6 in brackets. Port 0 picks a free port.
Result<ListenSpec> parse_listen(std::string_view text);

// Loads a TOML configuration (format: docs/hub-config.md). Every setting of HubConfig has a key;
// an unknown key, a wrong type or a bad value is an Error whose reason reads
// "FILE:LINE: what is wrong".
Result<HubConfig> load_hub_config(const std::string& path);
// The same from text already in memory; `name` stands for the file in error messages.
Result<HubConfig> parse_hub_config(std::string_view toml, const std::string& name);

// Serves GET /metrics (Prometheus text from `metrics`) and GET /health ("ok") over HTTP/1.1 on
// `address` ("ADDR:PORT"); other paths get 404, other methods 405. Runs on `io`'s thread.
class MetricsHttpServer {
 public:
  virtual ~MetricsHttpServer() = default;
  static Result<std::unique_ptr<MetricsHttpServer>> start(boost::asio::io_context& io,
                                                          const std::string& address,
                                                          std::function<std::string()> metrics);
  // "127.0.0.1:9090" as bound (port 0 resolved).
  virtual std::string endpoint() const = 0;
};

}  // namespace pinana::hub
