// validate(): the file's checks for a NodeConfig that came (partly) from flags. Messages read
// "KEY: what is wrong", the file's messages without their "FILE:LINE: ".
#include <map>

#include "pinana/config/node_config.h"
#include "pinana/config/values.h"

namespace pinana::config {
namespace {

Error keyed(const std::string& key, const std::string& value, const Status& s) {
  return Error{0, key + ": \"" + value + "\": " + s.error().reason};
}

template <typename T>
Status as_status(const Result<T>& r) {
  if (!r.ok()) return r.error();
  return {};
}

}  // namespace

Status validate(const NodeConfig& c) {
  if (c.eid) {
    if (auto s = check_eid(*c.eid); !s) return keyed("eid", *c.eid, s);
  }
  if (auto s = as_status(parse_hub_uri(c.hub)); !s) return keyed("hub", c.hub, s);
  if (auto s = as_status(parse_listen(c.listen)); !s) return keyed("listen", c.listen, s);
  if (auto s = check_api(c.api); !s) return keyed("api", c.api, s);
  if (!c.domain.empty()) {  // empty: the hub's host
    if (auto s = check_domain(c.domain); !s) return keyed("domain", c.domain, s);
  }
  if (auto s = check_profile(c.profile); !s) return Error{0, "profile: " + s.error().reason};
  if (auto s = check_expires(c.publish_expires); !s)
    return Error{0, "publish_expires: " + s.error().reason};
  if (auto s = check_expires(c.subscribe_expires); !s)
    return Error{0, "subscribe_expires: " + s.error().reason};
  if (c.username.has_value() != c.password.has_value())
    return Error{0, c.username ? "credentials: username without password"
                               : "credentials: password without username"};
  if (c.username && c.username->empty()) return Error{0, "credentials.username: must not be empty"};
  if (c.password && c.password->empty()) return Error{0, "credentials.password: must not be empty"};
  std::map<std::string, const HintSpec*, std::less<>> seen;
  for (const HintSpec& h : c.hints) {
    if (auto s = check_exten(h.exten); !s) return keyed("hints", h.exten, s);
    if (auto s = check_hint_value(h.value); !s)
      return Error{0, "hints." + h.exten + ": \"" + h.value + "\": " + s.error().reason};
    auto [it, fresh] = seen.emplace(h.exten, &h);
    if (!fresh) {
      return Error{0, "hints." + h.exten + ": defined twice (" + it->second->origin + " and " +
                          h.origin + ")"};
    }
  }
  for (const auto& [device, state] : c.devices) {
    if (auto s = check_device_name(device); !s) return keyed("devices", device, s);
    if (auto s = as_status(canonical_device_state(state)); !s)
      return Error{0, "devices." + device + ": " + s.error().reason};
  }
  for (const std::string& device : c.watch_devices) {
    if (auto s = check_watch_device(device); !s) return keyed("watch_devices", device, s);
  }
  for (const std::string& mailbox : c.watch_mailboxes) {
    if (auto s = check_mailbox(mailbox); !s) return keyed("watch_mailboxes", mailbox, s);
  }
  if (auto s = check_log_level(c.log_level); !s) return Error{0, "log_level: " + s.error().reason};
  return {};
}

}  // namespace pinana::config
