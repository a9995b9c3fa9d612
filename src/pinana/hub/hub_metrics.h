// HubMetrics: the hub's counters, rendered as Prometheus text (version 0.0.4) for /metrics.
// Requests by method, responses by method and status, retransmissions absorbed, transport errors;
// the presence core's own counters are passed in at render time. Owned by the hub's thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "pinana/presence/presence_service.h"

namespace pinana::hub {

class HubMetrics {
 public:
  void request(std::string_view method) { ++requests_[std::string(method)]; }
  void response(std::string_view method, int status) {
    ++responses_[{std::string(method), status}];
  }
  void retransmission() { ++retransmissions_; }
  void transport_error() { ++transport_errors_; }
  void notify_result(int status) { ++notify_results_[status]; }

  std::string render(const presence::PresenceCounters& presence) const;

 private:
  std::map<std::string, uint64_t> requests_;
  std::map<std::pair<std::string, int>, uint64_t> responses_;
  std::map<int, uint64_t> notify_results_;
  uint64_t retransmissions_ = 0;
  uint64_t transport_errors_ = 0;
};

}  // namespace pinana::hub
