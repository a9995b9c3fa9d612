// Node: `pinana node` assembled on the native profile (DESIGN §3, §4.1, §6). It owns this server's
// view of the cluster (state::ClusterState), the SIP agent that talks to the hub, and the HTTP /
// WebSocket API, and moves events between them:
//   - a local change (API) → one PUBLISH of Asterisk's JSON in `asterisk-devicestate` /
//     `asterisk-mwi` at sip:devicestate@DOMAIN / sip:mwi@DOMAIN (the agent serializes and
//     coalesces);
//   - the hub's NOTIFYs (devicestate-set / mailboxstate-set) → the other nodes' entries, our own
//   EID
//     ignored; a `refresh` from another node → our local entries re-published;
//   - an extension state change of a hint we own → PUBLISH of dialog-info and PIDF to
//     sip:EXTEN@DOMAIN (at start-up for every hint, Expires: 0 at shutdown);
//   - every aggregate / extension / mailbox change → one JSON event on the WebSocket stream.
// Everything belongs to the thread that runs `io`; the API runs there too. The io_context, clock
// and logger must outlive the node.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "pinana/api/api_server.h"
#include "pinana/api/node_backend.h"
#include "pinana/base/clock.h"
#include "pinana/base/log.h"
#include "pinana/node/cluster_link.h"
#include "pinana/node/exten_bodies.h"
#include "pinana/node/node_metrics.h"
#include "pinana/state/cluster_state.h"
#include "pinana/transports/sip/sip_agent.h"

namespace pinana::node {

struct NodeOptions {
  state::Eid eid;
  sip::transport::Endpoint hub;
  sip::transport::Endpoint listen;
  std::optional<boost::asio::ip::tcp::endpoint> api;  // nullopt: no API
  std::string domain;                                 // presentities are sip:X@domain
  std::string profile = "native";                     // native | standard
  uint32_t publish_expires = 60;
  uint32_t subscribe_expires = 60;
  std::optional<std::pair<std::string, std::string>> credentials;
  std::vector<state::Hint> hints;
  std::vector<std::pair<std::string, state::DeviceState>> devices;  // initial local states
  // Standard profile: devices / mailboxes subscribed to at start-up (the native profile learns
  // everything anyway and ignores them).
  std::vector<std::string> watch_devices;
  std::vector<std::string> watch_mailboxes;
  // Wall-clock milliseconds since the Unix epoch (dialog-info versions, API timestamps).
  std::function<int64_t()> unix_ms;
};

class Node final : public api::NodeBackend {
 public:
  Node(boost::asio::io_context& io, const Clock& clock, NodeOptions options, Logger* log = nullptr);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Opens the SIP socket and the API, publishes a refresh request, the initial local states and
  // every hint's extension state, and subscribes to both packages at the hub.
  Status start();
  // Sends the link's last words (the standard profile's tombstones; at most grace/2), then
  // unpublishes everything and unsubscribes, then calls `done` (at the latest after `grace`).
  void shutdown(Duration grace, std::function<void()> done);

  sip::transport::Endpoint sip_endpoint() const;
  std::optional<boost::asio::ip::tcp::endpoint> api_endpoint() const;
  const state::ClusterState& cluster_state() const { return cluster_; }

  // The local side of the API (also used by embedders): same validation as the HTTP API.
  Status set_local_device(std::string_view name, std::string_view state,
                          std::optional<api::CallerView> caller);

  // api::NodeBackend.
  std::vector<api::DeviceView> devices() const override;
  std::optional<api::DeviceView> device(std::string_view name) const override;
  Status set_device(std::string_view name, std::string_view state,
                    std::optional<api::CallerView> caller) override;
  std::vector<api::ExtensionView> extensions() const override;
  std::optional<api::ExtensionView> extension(std::string_view exten) const override;
  Status set_mailbox(std::string_view mailbox, int new_messages, int old_messages) override;
  std::vector<api::MailboxView> mailboxes() const override;
  std::optional<api::MailboxView> mailbox(std::string_view name) const override;
  api::ClusterView cluster() const override;
  std::string metrics_text() const override;

 private:
  struct ExtenPublications {
    transports::sip::PublicationId dialog = 0;
    transports::sip::PublicationId presence = 0;
    // The dialog document last published says `terminated` (standard profile: see
    // publish_extension).
    bool dialog_terminated = false;
  };

  void handle(const state::Events& events);
  transports::sip::PublicationId add_exten_publication(
      const std::string& exten, const char* event, const char* content_type, const char* key,
      std::function<std::string(const ExtenBodyInput&)> render);
  ExtenBodyInput body_input(std::string_view exten, state::ExtensionState st,
                            const std::optional<state::CallerId>& caller) const;
  void publish_extension(std::string_view exten, state::ExtensionState st,
                         const std::optional<state::CallerId>& caller);
  std::string uri(std::string_view user) const;
  int64_t unix_ms_of(TimePoint t) const;
  void log(LogLevel level, std::string_view text);

  boost::asio::io_context& io_;
  const Clock& clock_;
  NodeOptions options_;
  Logger* log_;
  state::ClusterState cluster_;
  transports::sip::SipAgent agent_;
  std::unique_ptr<ClusterLink> link_;
  std::unique_ptr<api::ApiServer> api_;
  std::map<std::string, ExtenPublications, std::less<>> exten_pubs_;
  std::map<std::string, std::optional<state::CallerId>, std::less<>> exten_callers_;
  // The step from the link's last words to the agent's shutdown, run once (by the link or the
  // timer); timers hold it weakly, so that a node destroyed meanwhile is not touched.
  std::shared_ptr<std::function<void()>> shutdown_step_;
  uint64_t dialog_version_ = 0;
  int64_t unix_offset_ms_ = 0;  // unix ms = steady ms + offset
  NodeMetrics metrics_;
};

}  // namespace pinana::node
