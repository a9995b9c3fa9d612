#include "pinana/presence/server_subscription.h"

#include <cstring>
#include <utility>

namespace pinana::presence {

std::string_view to_string(TerminationReason reason) {
  switch (reason) {
    case TerminationReason::kTimeout:
      return "timeout";
    case TerminationReason::kDeactivated:
      return "deactivated";
    case TerminationReason::kNoresource:
      return "noresource";
  }
  return "timeout";
}

ServerSubscription::ServerSubscription(SubscriptionId id, const SubscriptionKey& key,
                                       const ResourceKey& resource, const EventPackage& package,
                                       std::string_view notify_type, SubscriptionDialog dialog,
                                       const Flow& flow, TimePoint expires_at,
                                       std::unique_ptr<WatcherState> watcher,
                                       std::pmr::memory_resource* memory)
    : memory_(memory),
      id_(id),
      resource_(&resource),
      package_(package),
      notify_type_(notify_type),
      route_set_(std::move(dialog.route_set)),
      watcher_(std::move(watcher)),
      expires_at_(expires_at),
      connection_(flow.connection),
      remote_cseq_(dialog.remote_cseq),
      local_cseq_(dialog.local_cseq),
      port_(flow.port),
      transport_(flow.transport) {
  Fields f;
  f[kCallId] = key.dialog.call_id;
  f[kLocalTag] = key.dialog.local_tag;
  f[kRemoteTag] = key.dialog.remote_tag;
  f[kEventType] = key.event_type;
  f[kEventId] = key.event_id;
  f[kLocalParty] = dialog.local_party;
  f[kRemoteParty] = dialog.remote_party;
  f[kRemoteTarget] = dialog.remote_target;
  f[kFlowAddress] = flow.address;
  f[kSourceAddress] = flow.address;
  set_text(f);
}

ServerSubscription::~ServerSubscription() {
  if (text_ != nullptr) memory_->deallocate(text_, end_[kFieldCount - 1], 1);
}

void ServerSubscription::set_text(const Fields& fields) {
  std::array<uint32_t, kFieldCount> end{};
  uint32_t size = 0;
  for (size_t i = 0; i < kFieldCount; ++i) end[i] = size += uint32_t(fields[i].size());
  char* text = size == 0 ? nullptr : static_cast<char*>(memory_->allocate(size, 1));
  for (size_t i = 0; i < kFieldCount; ++i)
    if (!fields[i].empty())
      std::memcpy(text + (end[i] - fields[i].size()), fields[i].data(), fields[i].size());
  if (text_ != nullptr) memory_->deallocate(text_, end_[kFieldCount - 1], 1);
  text_ = text;
  end_ = end;
}

void ServerSubscription::refresh(TimePoint expires_at, const Flow& flow, uint32_t remote_cseq,
                                 std::optional<std::string> remote_target) {
  expires_at_ = expires_at;
  remote_cseq_ = remote_cseq;
  transport_ = flow.transport;
  port_ = flow.port;
  connection_ = flow.connection;
  if (flow.address != field(kFlowAddress) ||
      (remote_target && *remote_target != field(kRemoteTarget))) {
    Fields f;
    for (size_t i = 0; i < kFieldCount; ++i) f[i] = field(Field(i));
    f[kFlowAddress] = flow.address;
    if (remote_target) f[kRemoteTarget] = *remote_target;
    set_text(f);
  }
  mark_full();
}

void ServerSubscription::terminate(TerminationReason reason) {
  if (!termination_) termination_ = reason;
}

uint32_t ServerSubscription::begin_notify(bool final) {
  in_flight_ = true;
  dirty_ = full_ = false;
  final_sent_ = final_sent_ || final;
  return ++local_cseq_;
}

void ServerSubscription::end_notify(bool delivered) {
  in_flight_ = false;
  if (!delivered) full_ = true;
}

}  // namespace pinana::presence
