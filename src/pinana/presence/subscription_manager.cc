#include "pinana/presence/subscription_manager.h"

#include <algorithm>
#include <cassert>

namespace pinana::presence {

namespace {
// Blocks up to this size come from the pool's size classes; larger ones (a rare subscription
// with kilobytes of headers, the indexes' bucket arrays) go to operator new and back.
std::pmr::pool_options pool_options() {
  std::pmr::pool_options o;
  o.largest_required_pool_block = 1024;
  return o;
}
}  // namespace

void SubscriptionManager::Release::operator()(ServerSubscription* s) const {
  owner->destroy(s);
}

void SubscriptionManager::destroy(ServerSubscription* s) {
  auto it = by_resource_.find(s->resource());
  const bool last = it != by_resource_.end() && --it->second.refs == 0;
  std::pmr::polymorphic_allocator<ServerSubscription>(&pool_).delete_object(s);
  if (last) by_resource_.erase(it);
}

SubscriptionManager::SubscriptionManager() : pool_(pool_options()) {}

SubscriptionManager::~SubscriptionManager() {
  for (auto& [id, s] : by_id_)
    std::pmr::polymorphic_allocator<ServerSubscription>(&pool_).delete_object(s);
}

ServerSubscription& SubscriptionManager::add(SubscriptionId id, const SubscriptionKey& key,
                                             ResourceKey resource, const EventPackage& package,
                                             std::string_view notify_type,
                                             SubscriptionDialog dialog, const Flow& flow,
                                             TimePoint expires_at,
                                             std::unique_ptr<WatcherState> watcher,
                                             bool terminating) {
  assert(by_id_.count(id) == 0);
  auto entry = by_resource_.try_emplace(std::move(resource)).first;
  ++entry->second.refs;
  ServerSubscription* s =
      std::pmr::polymorphic_allocator<ServerSubscription>(&pool_).new_object<ServerSubscription>(
          id, key, entry->first, package, notify_type, std::move(dialog), flow, expires_at,
          std::move(watcher), &pool_);
  ServerSubscription& ref = *s;
  by_id_.emplace(id, s);
  auto src = by_source_.find(ref.source_address());
  if (src == by_source_.end()) src = by_source_.emplace(std::string(ref.source_address()), 0).first;
  ++src->second;
  if (terminating) {
    ref.terminate(TerminationReason::kTimeout);
  } else {
    by_key_.insert(&ref);
    entry->second.live.insert(id);
    by_expiry_.emplace(ref.expires_at(), id);
  }
  return ref;
}

ServerSubscription* SubscriptionManager::find(SubscriptionId id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

ServerSubscription* SubscriptionManager::find(const SubscriptionKeyView& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : *it;
}

void SubscriptionManager::refresh(ServerSubscription& s, TimePoint expires_at, const Flow& flow,
                                  uint32_t remote_cseq, std::optional<std::string> remote_target) {
  by_expiry_.erase({s.expires_at(), s.id()});
  s.refresh(expires_at, flow, remote_cseq, std::move(remote_target));
  by_expiry_.emplace(s.expires_at(), s.id());
}

void SubscriptionManager::unindex(ServerSubscription& s) {
  by_key_.erase(&s);
  by_expiry_.erase({s.expires_at(), s.id()});
  auto it = by_resource_.find(s.resource());
  if (it != by_resource_.end()) it->second.live.erase(s.id());
}

void SubscriptionManager::retire(ServerSubscription& s, TerminationReason reason) {
  if (s.terminating()) return;
  unindex(s);
  s.terminate(reason);
}

SubscriptionManager::Handle SubscriptionManager::remove(SubscriptionId id) {
  auto node = by_id_.extract(id);
  if (node.empty()) return Handle(nullptr, Release{this});
  Handle s(node.mapped(), Release{this});
  // Not retired: unindex without recording a reason.
  if (!s->terminating()) unindex(*s);
  auto src = by_source_.find(s->source_address());
  if (src != by_source_.end() && --src->second == 0) by_source_.erase(src);
  return s;  // its resource entry goes with it, in destroy()
}

const std::pmr::set<SubscriptionId>& SubscriptionManager::watchers(
    const ResourceKey& resource) const {
  auto it = by_resource_.find(resource);
  return it == by_resource_.end() ? none_ : it->second.live;
}

bool SubscriptionManager::watched(const ResourceKey& resource) const {
  auto it = by_resource_.find(resource);
  return it != by_resource_.end() && !it->second.live.empty();
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

size_t SubscriptionManager::count_for_source(std::string_view address) const {
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
