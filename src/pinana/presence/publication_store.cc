#include "pinana/presence/publication_store.h"

#include <algorithm>
#include <cassert>

namespace pinana::presence {

const ServerPublication* PublicationStore::find(const ResourceKey& resource,
                                                std::string_view etag) const {
  auto it = by_etag_.find(etag);
  if (it == by_etag_.end()) return nullptr;
  const ServerPublication& p = *by_id_.at(it->second);
  return p.resource() == resource ? &p : nullptr;
}

ServerPublication& PublicationStore::get(PublicationId id) {
  auto it = by_id_.find(id);
  assert(it != by_id_.end());
  return *it->second;
}

void PublicationStore::changed(ResourceState& state) {
  state.version = next_version_++;
  rebuild_views(state);
}

void PublicationStore::rebuild_views(ResourceState& state) const {
  state.views.clear();
  for (PublicationId id : state.order) {
    const ServerPublication& p = *by_id_.at(id);
    state.views.push_back(PublicationView{p.id_text(), p.document()});
  }
}

void PublicationStore::compact() {
  // Everything new is allocated while the old is still held, so it comes from the free space
  // the burst left, packed together; then the old is freed, which lets the scattered pages go.
  decltype(by_id_) by_id;
  by_id.reserve(by_id_.size());
  for (const auto& [id, p] : by_id_) {
    by_id.emplace(id, std::make_unique<ServerPublication>(id, p->resource_, p->etag_,
                                                          p->document_->clone(), p->expires_at_));
  }
  decltype(by_etag_) by_etag(by_etag_.begin(), by_etag_.end(), by_etag_.size());
  decltype(by_expiry_) by_expiry(by_expiry_);
  decltype(resources_) resources;
  resources.reserve(resources_.size());
  for (const auto& [key, state] : resources_) {
    ResourceState& copy = resources[key];
    copy.order = state.order;
    copy.version = state.version;
  }
  by_id_.swap(by_id);
  by_etag_.swap(by_etag);
  by_expiry_.swap(by_expiry);
  resources_.swap(resources);
  for (auto& [key, state] : resources_) rebuild_views(state);
}

StoreChange PublicationStore::add(const ResourceKey& resource, std::unique_ptr<Document> document,
                                  std::string etag, TimePoint expires_at) {
  const PublicationId id{next_id_++};
  auto pub =
      std::make_unique<ServerPublication>(id, resource, etag, std::move(document), expires_at);
  StoreChange change{resource, ChangeKind::kAdded, std::string(pub->id_text()), nullptr,
                     pub->document_.get()};
  by_etag_.emplace(std::move(etag), id);
  by_expiry_.emplace(expires_at, id);
  by_id_.emplace(id, std::move(pub));
  ResourceState& state = resources_[resource];
  state.order.push_back(id);
  changed(state);
  return change;
}

void PublicationStore::refresh(PublicationId id, std::string etag, TimePoint expires_at) {
  ServerPublication& p = get(id);
  by_etag_.erase(p.etag_);
  by_expiry_.erase({p.expires_at_, id});
  p.etag_ = std::move(etag);
  p.expires_at_ = expires_at;
  by_etag_.emplace(p.etag_, id);
  by_expiry_.emplace(expires_at, id);
}

StoreChange PublicationStore::modify(PublicationId id, std::unique_ptr<Document> document,
                                     std::string etag, TimePoint expires_at) {
  refresh(id, std::move(etag), expires_at);
  ServerPublication& p = get(id);
  StoreChange change{p.resource(), ChangeKind::kModified, std::string(p.id_text()),
                     std::move(p.document_), document.get()};
  p.document_ = std::move(document);
  changed(resources_.at(p.resource()));
  return change;
}

StoreChange PublicationStore::remove(PublicationId id) {
  auto node = by_id_.extract(id);
  assert(!node.empty());
  std::unique_ptr<ServerPublication> p = std::move(node.mapped());
  by_etag_.erase(p->etag_);
  by_expiry_.erase({p->expires_at_, id});
  ResourceState& state = resources_.at(p->resource());
  state.order.erase(std::find(state.order.begin(), state.order.end(), id));
  changed(state);
  return StoreChange{p->resource(), ChangeKind::kRemoved, std::string(p->id_text()),
                     std::move(p->document_), nullptr};
}

std::vector<StoreChange> PublicationStore::expire(TimePoint now) {
  std::vector<StoreChange> out;
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now)
    out.push_back(remove(by_expiry_.begin()->second));
  return out;
}

std::optional<TimePoint> PublicationStore::next_expiry() const {
  if (by_expiry_.empty()) return std::nullopt;
  return by_expiry_.begin()->first;
}

ResourceView PublicationStore::view(const ResourceKey& resource) const {
  auto it = resources_.find(resource);
  if (it == resources_.end()) return ResourceView{resource.uri, {}, 0};
  return ResourceView{it->first.uri, it->second.views, it->second.version};
}

uint64_t PublicationStore::version(const ResourceKey& resource) const {
  auto it = resources_.find(resource);
  return it == resources_.end() ? 0 : it->second.version;
}

void PublicationStore::forget_if_empty(const ResourceKey& resource) {
  auto it = resources_.find(resource);
  if (it != resources_.end() && it->second.order.empty()) resources_.erase(it);
}

}  // namespace pinana::presence
