// StandardLink: the standard profile (DESIGN §4.1; issue 5; docs/formats/device-pidf.md), for
// any RFC 3856 presence server that composes PIDF tuples — Kamailio with presence_xml, or
// `pinana hub`:
//   - each device is a presentity sip:dev-<token>@DOMAIN (device_token.h); a node keeps one
//     publication per local device whose PIDF holds one tuple (id eid-<hex>) with the exact
//     state, cachable flag and EID in the pinana element (device_pidf.h);
//   - the node SUBSCRIBEs (Event: presence) to every device it watches: hint devices at start-up,
//     API look-ups and its own devices later. Each NOTIFY's composed tuples that carry the pinana
//     element become exactly that device's entries of the other EIDs in ClusterState (apply for
//     present ones, withdraw for EIDs that vanished, ours ignored);
//   - MWI: the server keeps only the latest message-summary publication of a presentity (no
//     composition), so each node publishes its counts of a mailbox at its own presentity
//     sip:mwi-<eid hex>-<token>@DOMAIN, and a node watching a mailbox subscribes to it at every
//     member EID; members are learned from the roster presentity sip:pinana-nodes@DOMAIN (each
//     node publishes one <member> tuple there and subscribes to it) and from device tuples. The
//     member tuple also lists the mailboxes the node has counts for (the server cannot list
//     mailboxes; at most kMaxMemberMailboxes, re-published when the set grows), and every node
//     watches every mailbox listed, the ones it has counts for, API look-ups and configured ones;
//   - at shutdown each device publication is first replaced by a tombstone (withdrawn="true"),
//     so that the server's rewrite of the unpublished tuple (Kamailio keeps the last body with
//     <basic> closed) carries no state either; prepare_shutdown() reports when the node's own
//     subscriptions have seen every tombstone;
//   - every publication refreshes with its full body and takes a 500 to a conditional PUBLISH
//     as a 412 (Kamailio's traps, docs/kamailio.md).
// Owned by the node; node thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/node/cluster_link.h"

namespace pinana::node {

class StandardLink final : public ClusterLink {
 public:
  // Devices watched at most (API look-ups of arbitrary names cannot grow it without bound).
  static constexpr size_t kMaxWatchedDevices = 10000;
  // Mailboxes watched at most (roster listings and API look-ups alike).
  static constexpr size_t kMaxWatchedMailboxes = 10000;

  // `version_seed`: the first pinana element version (docs/formats/device-pidf.md §2); the
  // factory passes wall-clock microseconds so that versions grow across restarts.
  StandardLink(LinkContext context, uint64_t version_seed);

  void start() override;
  void local_device_changed(const state::LocalDeviceChanged& change) override;
  void local_mwi_changed(const state::LocalMwiChanged& change) override;
  void watch_device(std::string_view device) override;
  void watch_mailbox(std::string_view mailbox) override;
  void prepare_shutdown(std::function<void()> ready) override;
  void append_metrics(std::string& out) const override;

  struct Stats {
    uint64_t notifies_applied = 0, notify_errors = 0, malformed_elements = 0, offline_tuples = 0,
             watch_refused = 0, withdrawn_tuples = 0, roster_mailboxes_over_limit = 0,
             roster_mailboxes_excess_read = 0, mailbox_watch_refused = 0;
    size_t watched_devices = 0, members = 0, mailbox_subscriptions = 0, watched_mailboxes = 0;
  };
  Stats stats() const;

 private:
  std::string uri(std::string_view user) const;
  std::string device_body(std::string_view device);
  std::string mailbox_body(std::string_view mailbox) const;
  std::string roster_body() const;
  void subscribe_device(const std::string& device);
  void tombstone_seen(const std::string& device);
  void add_member(const state::Eid& eid);
  void subscribe_mailbox(const std::string& mailbox, const state::Eid& eid);
  void on_device_notify(const std::string& device, const transports::sip::NotifyView& notify);
  void on_roster_notify(const transports::sip::NotifyView& notify);
  void on_mailbox_notify(const std::string& mailbox, const state::Eid& eid,
                         const transports::sip::NotifyView& notify);
  void log(LogLevel level, std::string_view text);

  LinkContext ctx_;
  uint64_t version_;
  bool started_ = false;
  std::map<std::string, transports::sip::PublicationId, std::less<>> device_pubs_;
  std::map<std::string, transports::sip::PublicationId, std::less<>> mailbox_pubs_;
  std::set<std::string, std::less<>> watched_;    // devices subscribed to
  std::set<std::string, std::less<>> mailboxes_;  // mailboxes watched
  std::vector<std::string> own_mailboxes_;  // listed in our member tuple, in order of appearance
  std::set<state::Eid> members_;            // other EIDs known
  std::set<std::pair<std::string, state::Eid>> mailbox_subs_;
  transports::sip::PublicationId roster_pub_ = 0;
  // Shutdown: tombstones published, devices whose NOTIFY has yet to show ours, and the caller.
  bool withdrawing_ = false;
  std::set<std::string, std::less<>> tombstones_pending_;
  std::function<void()> ready_;
  Stats stats_;
};

// The standard profile's ClusterLink.
std::unique_ptr<ClusterLink> make_standard_link(LinkContext context);

}  // namespace pinana::node
