// FakeBackend: a NodeBackend over plain containers, for the API tests. Validates state names the
// way the node does (Asterisk's names, upper case) and records the last caller it was given.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "pinana/api/node_backend.h"

namespace pinana::api {

class FakeBackend final : public NodeBackend {
 public:
  FakeBackend() {
    devices_["PJSIP/alice"] = {
        "PJSIP/alice", "INUSE", {{"aa:aa", "INUSE"}, {"bb:bb", "NOT_INUSE"}}};
    devices_["Custom:lamp 1"] = {"Custom:lamp 1", "NOT_INUSE", {{"aa:aa", "NOT_INUSE"}}};
    extensions_.push_back({"1000", "PJSIP/alice&Custom:lamp 1", "InUse", "available", "Alice"});
    extensions_.push_back({"1001", "PJSIP/bob", "Idle", "", ""});
    mailboxes_["1000@default"] = {"1000@default", 2, 5};
    cluster_ = {"aa:aa", {{"aa:aa", 2, 1709296496789, true}, {"bb:bb", 1, 0, false}}};
  }

  std::vector<DeviceView> devices() const override {
    if (throw_on_list) throw std::runtime_error("boom");
    std::vector<DeviceView> out;
    for (const auto& [_, d] : devices_) out.push_back(d);
    return out;
  }
  std::optional<DeviceView> device(std::string_view name) const override {
    const auto it = devices_.find(std::string(name));
    if (it == devices_.end()) return std::nullopt;
    return it->second;
  }
  Status set_device(std::string_view name, std::string_view state,
                    std::optional<CallerView> caller) override {
    static const std::set<std::string, std::less<>> kStates = {
        "UNKNOWN",     "NOT_INUSE", "INUSE",     "BUSY",  "INVALID",
        "UNAVAILABLE", "RINGING",   "RINGINUSE", "ONHOLD"};
    if (!kStates.contains(state))
      return Error{400, "invalid device state \"" + std::string(state) + "\""};
    ++set_calls;
    last_caller = std::move(caller);
    devices_[std::string(name)] = {
        std::string(name), std::string(state), {{"aa:aa", std::string(state)}}};
    return {};
  }
  std::vector<ExtensionView> extensions() const override { return extensions_; }
  std::optional<ExtensionView> extension(std::string_view exten) const override {
    for (const auto& e : extensions_)
      if (e.exten == exten) return e;
    return std::nullopt;
  }
  Status set_mailbox(std::string_view mailbox, int new_messages, int old_messages) override {
    if (mailbox.find('@') == std::string_view::npos)
      return Error{400, "mailbox must be mailbox@context"};
    mailboxes_[std::string(mailbox)] = {std::string(mailbox), new_messages, old_messages};
    return {};
  }
  std::vector<MailboxView> mailboxes() const override {
    std::vector<MailboxView> out;
    for (const auto& [_, m] : mailboxes_) out.push_back(m);
    return out;
  }
  ClusterView cluster() const override { return cluster_; }
  std::string metrics_text() const override { return "pinana_devices 2\n"; }

  std::map<std::string, DeviceView> devices_;
  std::vector<ExtensionView> extensions_;
  std::map<std::string, MailboxView> mailboxes_;
  ClusterView cluster_;
  std::optional<CallerView> last_caller;
  int set_calls = 0;
  bool throw_on_list = false;
};

}  // namespace pinana::api
