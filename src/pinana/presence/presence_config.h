// PresenceConfig: the settings of the presence core, read once at start-up and then constant.
//
// Plain value; copied into the PresenceService that uses it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pinana::presence {

// Overrides of a package's own expiry bounds (seconds); unset fields keep the package's value.
struct ExpiryOverride {
  std::optional<uint32_t> default_s;
  std::optional<uint32_t> min_s;
  std::optional<uint32_t> max_s;
};

struct PresenceConfig {
  // Hosts whose resources this hub serves (Request-URI host, compared case-insensitively, port
  // ignored). A PUBLISH or initial SUBSCRIBE to any other host gets 404.
  std::vector<std::string> domains;
  // The hub's own addresses, served like domains ("sip:alice@192.0.2.10").
  std::vector<std::string> local_addresses;

  // The URI put in Contact of 200 responses to SUBSCRIBE and of every NOTIFY (the dialog's remote
  // target at the subscriber), e.g. "sip:hub@192.0.2.10:5060".
  std::string contact_uri = "sip:hub@127.0.0.1";
  // sent-by of the Via of each NOTIFY ("host[:port]"); the transport token comes from the flow.
  std::string via_sent_by = "127.0.0.1";

  // Per package name.
  std::map<std::string, ExpiryOverride, std::less<>> publication_expiry;
  std::map<std::string, ExpiryOverride, std::less<>> subscription_expiry;

  // Live subscriptions one source address may hold; beyond it a new SUBSCRIBE gets 503 with
  // Retry-After. 0: no limit.
  uint32_t max_subscriptions_per_source = 1000;
  uint32_t retry_after_s = 30;  // in 503 responses (overload and shutting down)
};

}  // namespace pinana::presence
