#include "pinana/presence/subscription_manager.h"

#include <algorithm>
#include <cassert>

namespace pinana::presence {

ServerSubscription& SubscriptionManager::add(std::unique_ptr<ServerSubscription> s) {
  ServerSubscription& ref = *s;
  const SubscriptionId id = s->id();
  assert(by_id_.count(id) == 0);
  by_id_.emplace(id, std::move(s));
  ++by_source_[ref.source_address()];
  if (!ref.terminating()) {
    by_key_.insert(&ref);
    by_resource_[ref.resource()].insert(id);
    by_expiry_.emplace(ref.expires_at(), id);
  }
  return ref;
}

ServerSubscription* SubscriptionManager::find(SubscriptionId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

ServerSubscription* SubscriptionManager::find(const SubscriptionKey& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : *it;
}

void SubscriptionManager::refresh(ServerSubscription& s, TimePoint expires_at, Flow flow,
                                  uint32_t remote_cseq, std::optional<std::string> remote_target) {
  by_expiry_.erase({s.expires_at(), s.id()});
  s.refresh(expires_at, std::move(flow), remote_cseq, std::move(remote_target));
  by_expiry_.emplace(s.expires_at(), s.id());
}

void SubscriptionManager::retire(ServerSubscription& s, TerminationReason reason) {
  if (s.terminating()) return;
  by_key_.erase(&s);
  by_expiry_.erase({s.expires_at(), s.id()});
  auto it = by_resource_.find(s.resource());
  if (it != by_resource_.end()) {
    it->second.erase(s.id());
    if (it->second.empty()) by_resource_.erase(it);
  }
  s.terminate(reason);
}

std::unique_ptr<ServerSubscription> SubscriptionManager::remove(SubscriptionId id) {
  auto node = by_id_.extract(id);
  if (node.empty()) return nullptr;
  std::unique_ptr<ServerSubscription> s = std::move(node.mapped());
  if (!s->terminating()) {
    // Retire without recording a reason, so that the indexes forget it.
    by_key_.erase(s.get());
    by_expiry_.erase({s->expires_at(), id});
    auto it = by_resource_.find(s->resource());
    if (it != by_resource_.end()) {
      it->second.erase(id);
      if (it->second.empty()) by_resource_.erase(it);
    }
  }
  auto src = by_source_.find(s->source_address());
  if (src != by_source_.end() && --src->second == 0) by_source_.erase(src);
  return s;
}

const std::set<SubscriptionId>& SubscriptionManager::watchers(const ResourceKey& resource) const {
  auto it = by_resource_.find(resource);
  return it == by_resource_.end() ? none_ : it->second;
}

std::vector<SubscriptionId> SubscriptionManager::expired(TimePoint now) const {
  std::vector<SubscriptionId> out;
  for (const auto& [when, id] : by_expiry_) {
    if (when > now) break;
    out.push_back(id);
  }
  return out;
}

std::optional<TimePoint> SubscriptionManager::next_expiry() const {
  if (by_expiry_.empty()) return std::nullopt;
  return by_expiry_.begin()->first;
}

size_t SubscriptionManager::count_for_source(const std::string& address) const {
  auto it = by_source_.find(address);
  return it == by_source_.end() ? 0 : it->second;
}

std::vector<SubscriptionId> SubscriptionManager::all_ids() const {
  std::vector<SubscriptionId> out;
  out.reserve(by_id_.size());
  for (const auto& [id, s] : by_id_) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace pinana::presence
