// Checks and parsers for the node's single configuration values (EID, hub URI, listen and API
// addresses, extension names, hint values, device names and states). Shared by the TOML reader and
// validate(), and usable on their own for flags. Pure functions, any thread.
//
// Every error reason is the bare problem ("must not be all zero"); callers prefix it with the key
// and, for the file, "FILE:LINE: ".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pinana/base/result.h"

namespace pinana::config {

struct HostPort {
  std::string host;  // IPv6 without brackets
  uint16_t port = 0;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

inline constexpr uint32_t kMinExpires = 5;
inline constexpr uint32_t kMaxExpires = 86400;

// "xx:xx:xx:xx:xx:xx": six pairs of hex digits (either case), not all zero.
Status check_eid(std::string_view text);
// "sip:HOST[:PORT]": HOST a DNS name, an IPv4 address or [IPv6]; PORT 1..65535, default 5060.
Result<HostPort> parse_hub_uri(std::string_view text);
// "udp:ADDR:PORT": numeric ADDR (IPv6 in brackets), PORT 0..65535 (0 picks a free port).
Result<HostPort> parse_listen(std::string_view text);
// "ADDR:PORT": numeric ADDR (IPv6 in brackets), PORT 0..65535. "off" is not an address here.
Result<HostPort> parse_api(std::string_view text);
// parse_api, or "off".
Status check_api(std::string_view text);
// A DNS name or an IPv4 address.
Status check_domain(std::string_view text);
// "native" (the pinana hub's packages) or "standard" (PIDF per device, any RFC 3856 server).
Status check_profile(std::string_view text);
// kMinExpires..kMaxExpires.
Status check_expires(int64_t seconds);
// "error", "warn", "info" or "debug".
Status check_log_level(std::string_view text);
// A literal extension usable as the user part of a presentity URI: not empty, not a pattern
// ("_X."), without whitespace or any of @ : ; ? , < > " / \.
Status check_exten(std::string_view text);
// A hint value: at least one device before the first comma (display-name parentheses aside) or a
// presence provider after it.
Status check_hint_value(std::string_view text);
// A device name: not empty, without whitespace, "&" or ",".
Status check_device_name(std::string_view text);
// A device to watch (watch_devices): 1-256 bytes without control characters; spaces allowed, as
// the API allows them ("Custom:lamp 1").
Status check_watch_device(std::string_view text);
// A mailbox "MAILBOX@CONTEXT": both parts non-empty, at most 256 bytes, no control characters.
Status check_mailbox(std::string_view text);
// An Asterisk device state name (case-insensitive), returned in its canonical upper-case form.
Result<std::string> canonical_device_state(std::string_view text);

}  // namespace pinana::config
