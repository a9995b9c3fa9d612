// NodeBackend: what the HTTP/WebSocket API asks of a node. The node implements it over its state
// model; tests implement it with a fake. The API layer knows nothing else of the node.
//
// Views are plain values copied out of the node's state. Every call is made on the io thread that
// runs the ApiServer, which must be the node's state thread (or the backend posts internally).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/base/result.h"

namespace pinana::api {

struct DeviceView {
  std::string name;   // "PJSIP/alice", "Custom:lamp 1"
  std::string state;  // cluster aggregate, Asterisk name ("INUSE", "NOT_INUSE", ...)
  std::vector<std::pair<std::string, std::string>> nodes;  // (EID text, state name), sorted by EID
};

struct ExtensionView {
  std::string exten;
  std::string hint;          // device part as written ("PJSIP/alice&Custom:x")
  std::string state;         // "Idle", "InUse", ..., "InUse&Ringing", "Hold"
  std::string presence;      // presence state name, empty when none
  std::string display_name;  // may be empty
};

struct MemberView {
  std::string eid;
  size_t devices = 0;
  int64_t last_update_ms = 0;  // unix ms, 0 = never
  bool self = false;
};

struct ClusterView {
  std::string eid;  // this node's EID
  std::vector<MemberView> members;
};

struct MailboxView {
  std::string mailbox;  // "1000@default"
  int new_messages = 0;
  int old_messages = 0;
};

struct CallerView {
  std::string name;
  std::string number;
};

class NodeBackend {  // called on the io thread only
 public:
  virtual ~NodeBackend() = default;
  virtual std::vector<DeviceView> devices() const = 0;
  virtual std::optional<DeviceView> device(std::string_view name) const = 0;
  // Error{400, reason} for an invalid state name; the backend validates. Error.status becomes the
  // HTTP status when it is a 4xx/5xx, else 500.
  virtual Status set_device(std::string_view name, std::string_view state,
                            std::optional<CallerView> caller) = 0;
  virtual std::vector<ExtensionView> extensions() const = 0;
  virtual std::optional<ExtensionView> extension(std::string_view exten) const = 0;
  virtual Status set_mailbox(std::string_view mailbox, int new_messages, int old_messages) = 0;
  virtual std::vector<MailboxView> mailboxes() const = 0;
  // One mailbox. A backend that learns mailboxes on demand (the node's standard profile) starts
  // learning it here; the default looks it up in mailboxes().
  virtual std::optional<MailboxView> mailbox(std::string_view name) const {
    for (auto& m : mailboxes()) {
      if (m.mailbox == name) return std::move(m);
    }
    return std::nullopt;
  }
  virtual ClusterView cluster() const = 0;
  virtual std::string metrics_text() const = 0;  // Prometheus text
};

}  // namespace pinana::api
