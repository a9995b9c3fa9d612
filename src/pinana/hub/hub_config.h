// HubConfig: every setting of `pinana hub`, with its embedded defaults. Filled from the command
// line and/or a TOML file (config/hub_toml.h) at start-up; read-only afterwards. Plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pinana/sip/transport/types.h"

namespace pinana::hub {

struct ListenSpec {
  sip::transport::TransportKind transport = sip::transport::TransportKind::kUdp;
  std::string address = "127.0.0.1";  // numeric; IPv6 without brackets
  uint16_t port = 5060;
  friend bool operator==(const ListenSpec&, const ListenSpec&) = default;
};

// What one user may do; patterns are presentity URIs ("sip:alice@example.com"), "*" for any,
// or "sip:*@example.com" for any user of a domain; packages are event package names or "*".
struct AccessRule {
  std::vector<std::string> presentities = {"*"};
  std::vector<std::string> packages = {"*"};
};

struct HubUser {
  std::string name;
  std::string password;
  AccessRule publish;
  AccessRule subscribe;
};

struct ExpiryBoundsConfig {
  uint32_t min_s = 0;  // 0: not set (the hub-wide value applies)
  uint32_t max_s = 0;
};

struct HubConfig {
  std::vector<ListenSpec> listen = {
      {sip::transport::TransportKind::kUdp, "127.0.0.1", 5060},
      {sip::transport::TransportKind::kTcp, "127.0.0.1", 5060},
  };
  std::vector<std::string> domains;  // besides the hub's own addresses
  uint32_t min_expires = 5;
  uint32_t max_expires = 3600;
  std::map<std::string, ExpiryBoundsConfig, std::less<>> package_expiry;  // per package name
  std::string http;  // "ADDR:PORT" for /metrics and /health; "" = off
  std::string realm = "pinana";
  std::vector<HubUser> users;  // empty: no authentication, loopback sources only
  uint32_t max_subscriptions_per_source = 1000;
  uint32_t max_requests_per_second_per_source = 500;  // 0: unlimited
  uint32_t retry_after_s = 5;
  std::string log_level = "info";  // error, warn, info, debug
};

}  // namespace pinana::hub
