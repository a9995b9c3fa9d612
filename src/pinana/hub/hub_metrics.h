// HubMetrics: the hub's counters, rendered as Prometheus text (version 0.0.4) for /metrics.
// Requests by method, responses by method and status, retransmissions absorbed, transport errors;
// the presence core's counters and the transaction gauges are passed in at render time. Counting
// a request or a response allocates nothing once its method and status have been seen. Owned by
// the hub's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/presence/presence_service.h"
#include "pinana/sip/method.h"

namespace pinana::hub {

// The hub's transaction-table gauges and memory releases, read at render time.
struct TransactionGauges {
  size_t live = 0;       // in the table
  size_t completed = 0;  // waiting out Timer J or K
  uint64_t memory_releases = 0;
};

class HubMetrics {
 public:
  // A request of method `id` (its name `name`, which matters for extension methods only).
  void request(sip::Method id, std::string_view name) { ++requests_[slot(id, name)]; }
  void response(sip::Method id, std::string_view name, int status) {
    ++responses_[{slot(id, name), status}];
  }
  void retransmission() { ++retransmissions_; }
  void transport_error() { ++transport_errors_; }
  void notify_result(int status) { ++notify_results_[status]; }

  std::string render(const presence::PresenceCounters& presence,
                     const TransactionGauges& transactions) const;

  // Extension method names counted by name; any further ones count as "other", so that peers
  // inventing method names cannot grow the metrics without bound.
  static constexpr size_t kMaxExtensionNames = 32;

 private:
  // Known methods by their Method value; extension names after them, in order of first sight;
  // kOther last.
  static constexpr uint32_t kKnown = static_cast<uint32_t>(sip::Method::kUpdate) + 1;
  static constexpr uint32_t kOther = kKnown + kMaxExtensionNames;
  uint32_t slot(sip::Method id, std::string_view name);
  std::string_view name_of(uint32_t slot) const;

  std::vector<std::string> extension_names_;
  std::map<uint32_t, uint64_t> requests_;
  std::map<std::pair<uint32_t, int>, uint64_t> responses_;
  std::map<int, uint64_t> notify_results_;
  uint64_t retransmissions_ = 0;
  uint64_t transport_errors_ = 0;
};

}  // namespace pinana::hub
