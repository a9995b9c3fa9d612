#include "node_setup.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "pinana/config/values.h"
#include "pinana/state/eid.h"
#include "pinana/state/hint.h"

namespace pinana::app {
namespace {

Result<sip::transport::Endpoint> resolve(const config::HostPort& hp, const char* what) {
  boost::asio::io_context io;
  boost::asio::ip::udp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(hp.host, std::to_string(hp.port), ec);
  if (ec || results.empty()) {
    return Error{0, std::string(what) + " " + hp.host + ": " +
                        (ec ? ec.message() : std::string("no address"))};
  }
  const auto ep = results.begin()->endpoint();
  return sip::transport::Endpoint::normalized(ep.address(), ep.port());
}

}  // namespace

void add_node_flags(CLI::App& cmd, NodeFlags& f) {
  cmd.add_option("--config", f.config, "TOML configuration file (docs/node-config.md)");
  cmd.add_option("--eid", f.eid,
                 "this node's entity id xx:xx:xx:xx:xx:xx (default: from the host)");
  cmd.add_option("--hub", f.hub,
                 "the presence server, sip:HOST[:PORT] (default sip:127.0.0.1:5060)");
  cmd.add_option("--listen", f.listen, "local SIP socket udp:ADDR:PORT (default udp:127.0.0.1:0)");
  cmd.add_option("--api", f.api, "HTTP API ADDR:PORT or off (default 127.0.0.1:8088)");
  cmd.add_option("--hint", f.hints, "EXTEN=DEVICES, e.g. 1000=PJSIP/alice&Custom:dnd (repeatable)");
  cmd.add_option("--device", f.devices, "DEVICE=STATE initial local state (repeatable)");
  cmd.add_option("--watch-device", f.watch_devices,
                 "standard profile: a device to subscribe to at start-up (repeatable)");
  cmd.add_option("--watch-mailbox", f.watch_mailboxes,
                 "standard profile: a mailbox MAILBOX@CONTEXT to subscribe to at start-up "
                 "(repeatable)");
  cmd.add_option("--domain", f.domain, "domain of the presentities (default: the hub's host)");
  cmd.add_option("--profile", f.profile,
                 "cluster profile: native (pinana hub, default) or standard (any RFC 3856 server, "
                 "e.g. Kamailio)");
  cmd.add_option("--publish-expires", f.publish_expires, "PUBLISH Expires in seconds (default 60)");
  cmd.add_option("--subscribe-expires", f.subscribe_expires,
                 "SUBSCRIBE Expires in seconds (default 60)");
  cmd.add_option("--username", f.username, "digest user name for the hub");
  cmd.add_option("--password", f.password, "digest password for the hub");
  cmd.add_option("--log-level", f.log_level, "error, warn, info or debug (default info)");
}

Result<config::NodeConfig> node_config_from(const NodeFlags& f) {
  config::NodeConfig c;
  if (!f.config.empty()) {
    auto loaded = config::load_node_config(f.config);
    if (!loaded.ok()) return loaded.error();
    c = std::move(*loaded);
  }
  if (!f.eid.empty()) c.eid = f.eid;
  if (!f.hub.empty()) c.hub = f.hub;
  if (!f.listen.empty()) c.listen = f.listen;
  if (!f.api.empty()) c.api = f.api;
  if (!f.domain.empty()) c.domain = f.domain;
  if (!f.profile.empty()) c.profile = f.profile;
  if (!f.log_level.empty()) c.log_level = f.log_level;
  if (f.publish_expires) c.publish_expires = f.publish_expires;
  if (f.subscribe_expires) c.subscribe_expires = f.subscribe_expires;
  if (!f.username.empty()) c.username = f.username;
  if (!f.password.empty()) c.password = f.password;
  for (const auto& h : f.hints) {
    const auto eq = h.find('=');
    if (eq == std::string::npos) return Error{0, "--hint " + h + ": expected EXTEN=DEVICES"};
    config::HintSpec spec{h.substr(0, eq), h.substr(eq + 1), "--hint"};
    // A flag replaces a hint of the same extension from the file.
    std::erase_if(c.hints, [&](const config::HintSpec& s) { return s.exten == spec.exten; });
    c.hints.push_back(std::move(spec));
  }
  for (const auto& d : f.devices) {
    const auto eq = d.rfind('=');
    if (eq == std::string::npos) return Error{0, "--device " + d + ": expected DEVICE=STATE"};
    auto st = config::canonical_device_state(d.substr(eq + 1));
    if (!st.ok()) return Error{0, "--device " + d + ": " + st.error().reason};
    c.devices.emplace_back(d.substr(0, eq), *st);
  }
  // Flags add to the file's lists.
  c.watch_devices.insert(c.watch_devices.end(), f.watch_devices.begin(), f.watch_devices.end());
  c.watch_mailboxes.insert(c.watch_mailboxes.end(), f.watch_mailboxes.begin(),
                           f.watch_mailboxes.end());
  if (c.domain.empty()) {
    auto hub = config::parse_hub_uri(c.hub);
    if (!hub.ok()) return Error{0, "hub: " + hub.error().reason};
    c.domain = hub->host;
  }
  if (auto s = config::validate(c); !s) return s.error();
  return c;
}

Result<node::NodeOptions> node_options_from(const config::NodeConfig& c) {
  node::NodeOptions o;
  if (c.eid) {
    auto eid = state::Eid::parse(*c.eid);
    if (!eid || eid->is_zero()) return Error{0, "eid: bad value " + *c.eid};
    o.eid = *eid;
  } else {
    o.eid = state::Eid::from_host();
  }
  auto hub = config::parse_hub_uri(c.hub);
  if (!hub.ok()) return Error{0, "hub: " + hub.error().reason};
  auto hub_ep = resolve(*hub, "hub");
  if (!hub_ep.ok()) return hub_ep.error();
  o.hub = *hub_ep;
  auto listen = config::parse_listen(c.listen);
  if (!listen.ok()) return Error{0, "listen: " + listen.error().reason};
  auto listen_ep = resolve(*listen, "listen");
  if (!listen_ep.ok()) return listen_ep.error();
  o.listen = *listen_ep;
  if (c.api != "off") {
    auto api = config::parse_api(c.api);
    if (!api.ok()) return Error{0, "api: " + api.error().reason};
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(api->host, ec);
    if (ec) return Error{0, "api: bad address " + api->host};
    o.api = boost::asio::ip::tcp::endpoint(addr, api->port);
  }
  o.domain = c.domain;
  o.profile = c.profile;
  o.publish_expires = c.publish_expires;
  o.subscribe_expires = c.subscribe_expires;
  if (c.username && c.password) o.credentials = std::make_pair(*c.username, *c.password);
  for (const auto& h : c.hints) {
    auto hint = state::parse_hint(h.exten, h.value);
    if (!hint.ok()) return Error{0, h.origin + ": " + hint.error().reason};
    o.hints.push_back(std::move(*hint));
  }
  for (const auto& [device, st] : c.devices) {
    auto parsed = state::parse_device_state(st);
    if (!parsed) return Error{0, "device " + device + ": bad state " + st};
    o.devices.emplace_back(device, *parsed);
  }
  o.watch_devices = c.watch_devices;
  o.watch_mailboxes = c.watch_mailboxes;
  return o;
}

}  // namespace pinana::app
