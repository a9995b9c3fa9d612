// NodeMetrics: the node's counters, rendered as Prometheus text together with the SIP agent's
// statistics and the state model's sizes. Owned by the node's thread.
#pragma once

#include <cstdint>
#include <string>

namespace pinana::node {

struct NodeMetrics {
  uint64_t local_device_changes = 0;
  uint64_t device_aggregate_changes = 0;
  uint64_t extension_changes = 0;
  uint64_t mailbox_changes = 0;
};

// Appends one metric in Prometheus text format (HELP, TYPE, value).
void append_metric(std::string& out, const char* name, const char* type, const char* help,
                   uint64_t value);

}  // namespace pinana::node
