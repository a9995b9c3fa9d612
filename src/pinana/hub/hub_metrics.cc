#include "pinana/hub/hub_metrics.h"

namespace pinana::hub {
namespace {

// Method names are SIP tokens, which may hold '"' or '\\' only as '%'-free token chars; escape
// anyway so the exposition stays valid whatever a peer sent.
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, uint64_t v) {
  out.append(name).append(" ").append(std::to_string(v)).append("\n");
}

}  // namespace

uint32_t HubMetrics::slot(sip::Method id, std::string_view name) {
  if (id != sip::Method::kUnknown) return static_cast<uint32_t>(id);
  for (size_t i = 0; i < extension_names_.size(); ++i)
    if (extension_names_[i] == name) return kKnown + static_cast<uint32_t>(i);
  if (extension_names_.size() == kMaxExtensionNames) return kOther;
  extension_names_.emplace_back(name);
  return kKnown + static_cast<uint32_t>(extension_names_.size() - 1);
}

std::string_view HubMetrics::name_of(uint32_t slot) const {
  if (slot < kKnown) return sip::method_name(static_cast<sip::Method>(slot));
  if (slot < kOther) return extension_names_[slot - kKnown];
  return "other";
}

std::string HubMetrics::render(const presence::PresenceCounters& p,
                               const TransactionGauges& transactions) const {
  std::string out;
  // By method name, as before methods were counted by number.
  std::map<std::string_view, uint64_t> requests;
  for (const auto& [slot, n] : requests_) requests[name_of(slot)] += n;
  std::map<std::pair<std::string_view, int>, uint64_t> responses;
  for (const auto& [key, n] : responses_) responses[{name_of(key.first), key.second}] += n;
  family(out, "pinana_hub_requests_total", "counter", "SIP requests received, by method");
  for (const auto& [method, n] : requests)
    out +=
        "pinana_hub_requests_total{method=\"" + label(method) + "\"} " + std::to_string(n) + "\n";
  family(out, "pinana_hub_responses_total", "counter", "SIP responses sent, by method and status");
  for (const auto& [key, n] : responses)
    out += "pinana_hub_responses_total{method=\"" + label(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  family(out, "pinana_hub_transactions", "gauge",
         "SIP transactions held, live or completed (waiting out Timer J or K)");
  out += "pinana_hub_transactions{state=\"live\"} " + std::to_string(transactions.live) + "\n";
  out += "pinana_hub_transactions{state=\"completed\"} " + std::to_string(transactions.completed) +
         "\n";
  family(out, "pinana_hub_memory_releases_total", "counter",
         "times the memory of a burst of transactions was handed back");
  sample(out, "pinana_hub_memory_releases_total", transactions.memory_releases);
  family(out, "pinana_hub_retransmissions_total", "counter",
         "request retransmissions absorbed by server transactions");
  sample(out, "pinana_hub_retransmissions_total", retransmissions_);
  family(out, "pinana_hub_transport_errors_total", "counter", "framing, parse and send failures");
  sample(out, "pinana_hub_transport_errors_total", transport_errors_);
  family(out, "pinana_hub_publications", "gauge", "live publications");
  sample(out, "pinana_hub_publications", p.publications);
  family(out, "pinana_hub_subscriptions", "gauge", "live subscriptions");
  sample(out, "pinana_hub_subscriptions", p.subscriptions);
  family(out, "pinana_hub_publish_total", "counter", "PUBLISH requests by outcome");
  out += "pinana_hub_publish_total{outcome=\"accepted\"} " + std::to_string(p.publishes_accepted) +
         "\n";
  out += "pinana_hub_publish_total{outcome=\"rejected\"} " + std::to_string(p.publishes_rejected) +
         "\n";
  family(out, "pinana_hub_subscribe_total", "counter", "SUBSCRIBE requests by outcome");
  out += "pinana_hub_subscribe_total{outcome=\"accepted\"} " +
         std::to_string(p.subscribes_accepted) + "\n";
  out += "pinana_hub_subscribe_total{outcome=\"rejected\"} " +
         std::to_string(p.subscribes_rejected) + "\n";
  family(out, "pinana_hub_notifies_sent_total", "counter", "NOTIFY requests sent");
  sample(out, "pinana_hub_notifies_sent_total", p.notifies_sent);
  family(out, "pinana_hub_notifies_failed_total", "counter",
         "NOTIFYs answered non-2xx or unanswered");
  sample(out, "pinana_hub_notifies_failed_total", p.notifies_failed);
  family(out, "pinana_hub_notify_results_total", "counter", "NOTIFY outcomes by status (0: none)");
  for (const auto& [status, n] : notify_results_)
    out += "pinana_hub_notify_results_total{status=\"" + std::to_string(status) + "\"} " +
           std::to_string(n) + "\n";
  family(out, "pinana_hub_watchers_dropped_total", "counter",
         "watchers removed after 481 or timeout");
  sample(out, "pinana_hub_watchers_dropped_total", p.watchers_dropped);
  return out;
}

}  // namespace pinana::hub
