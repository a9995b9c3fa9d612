// ClusterLink: how device and mailbox state travels between nodes through the presence server —
// one implementation per profile (DESIGN §4.1): NativeLink (asterisk-devicestate / asterisk-mwi
// at the pinana hub) and StandardLink (one PIDF presentity per device, message-summary per mailbox,
// for any RFC 3856 server such as Kamailio). The node feeds it local changes; it feeds learned
// state back through LinkContext::apply as ClusterState events. Owned by the node; node thread
// only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "pinana/base/clock.h"
#include "pinana/base/log.h"
#include "pinana/state/cluster_state.h"
#include "pinana/transports/sip/sip_agent.h"

namespace pinana::node {

struct LinkContext {
  transports::sip::SipAgent& agent;
  state::ClusterState& cluster;
  const Clock& clock;
  std::string domain;  // presentities are sip:X@domain
  uint32_t publish_expires = 60;
  uint32_t subscribe_expires = 60;
  // Hands events the link caused (learned states) to the node, which acts on them.
  std::function<void(const state::Events&)> apply;
  Logger* log = nullptr;  // may be null
};

class ClusterLink {
 public:
  virtual ~ClusterLink() = default;
  // Once, after the agent has started and before any local change: publish what the profile
  // publishes at start-up and subscribe.
  virtual void start() = 0;
  // This node's own state of a device / mailbox changed (and must reach the other nodes).
  virtual void local_device_changed(const state::LocalDeviceChanged& change) = 0;
  virtual void local_mwi_changed(const state::LocalMwiChanged& change) = 0;
  // A device the node needs to know cluster-wide (hints, API look-ups, configured lists). The
  // native profile learns every device anyway; the standard profile subscribes on demand.
  virtual void watch_device(std::string_view device) { (void)device; }
  // The same for a mailbox (API look-ups, configured lists).
  virtual void watch_mailbox(std::string_view mailbox) { (void)mailbox; }
  // Once, when the node shuts down, before the agent unpublishes: sends what must reach the other
  // nodes first (the standard profile's tombstones) and calls `ready` once they have (maybe at
  // once, maybe from inside an agent callback). The node bounds the wait.
  virtual void prepare_shutdown(std::function<void()> ready) { ready(); }
  // Prometheus lines of the link's own counters.
  virtual void append_metrics(std::string& out) const { (void)out; }
};

}  // namespace pinana::node
