// NativeLink: the native profile (DESIGN §4.1, docs/node.md "The native profile on the wire").
// One publication per package at the hub — `asterisk-devicestate` at sip:devicestate@DOMAIN and
// `asterisk-mwi` at sip:mwi@DOMAIN — carrying Asterisk's exact JSON, one PUBLISH per change (the
// agent serializes and coalesces per device); a `refresh` request at start-up; subscriptions to
// both packages whose devicestate-set / mailboxstate-set NOTIFYs replace (full) or patch (delta)
// what the node knows of the other nodes, our own EID ignored; other nodes' refresh requests
// answered with our local states. Node thread only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pinana/node/cluster_link.h"

namespace pinana::node {

class NativeLink final : public ClusterLink {
 public:
  explicit NativeLink(LinkContext context);

  void start() override;
  void local_device_changed(const state::LocalDeviceChanged& change) override;
  void local_mwi_changed(const state::LocalMwiChanged& change) override;
  void append_metrics(std::string& out) const override;

 private:
  std::vector<std::pair<std::string, std::string>> local_device_bodies() const;
  std::vector<std::pair<std::string, std::string>> local_mailbox_bodies() const;
  void on_devicestate_notify(const transports::sip::NotifyView& notify);
  void on_mwi_notify(const transports::sip::NotifyView& notify);
  void on_refresh_requested(const std::vector<state::Eid>& eids);
  void log(LogLevel level, std::string_view text);

  LinkContext ctx_;
  transports::sip::PublicationId device_pub_ = 0;
  transports::sip::PublicationId mwi_pub_ = 0;
  uint64_t notifies_applied_ = 0;
  uint64_t notify_errors_ = 0;
  uint64_t refresh_requests_ = 0;
};

}  // namespace pinana::node
