// Test helper: ClusterState events as one-line strings, so a test can compare a whole event
// sequence (order included) with one EXPECT_EQ.
#pragma once

#include <string>
#include <vector>

#include "pinana/state/cluster_state.h"

namespace pinana::state {

inline std::string exten_text(ExtensionState s) {
  if (s == ExtensionState::kRemoved) return "Removed";
  if (s == ExtensionState::kDeactivated) return "Deactivated";
  return std::string(to_text(s));
}

inline std::string event_text(const Event& e) {
  struct V {
    std::string operator()(const LocalDeviceChanged& x) const {
      return "local " + x.device + " " + std::string(to_string(x.state)) +
             (x.cachable ? "" : " nocache");
    }
    std::string operator()(const DeviceChanged& x) const {
      return "device " + x.device + " " + std::string(to_string(x.before)) + "->" +
             std::string(to_string(x.after));
    }
    std::string operator()(const ExtensionChanged& x) const {
      std::string s = "exten " + x.exten + " " + exten_text(x.before) + "->" + exten_text(x.after);
      if (x.repeat) s += " repeat";
      if (x.caller) s += " caller=" + x.caller->name + "<" + x.caller->number + ">";
      return s;
    }
    std::string operator()(const LocalMwiChanged& x) const {
      return "localmwi " + x.mailbox + " " + std::to_string(x.new_messages) + "/" +
             std::to_string(x.old_messages);
    }
    std::string operator()(const MwiChanged& x) const {
      return "mwi " + x.mailbox + " " + std::to_string(x.new_messages) + "/" +
             std::to_string(x.old_messages);
    }
  };
  return std::visit(V{}, e);
}

inline std::vector<std::string> texts(const Events& events) {
  std::vector<std::string> out;
  for (const Event& e : events) out.push_back(event_text(e));
  return out;
}

using Texts = std::vector<std::string>;

}  // namespace pinana::state
