#include "pinana/state/cluster_state.h"

#include <algorithm>

#include "pinana/state/aggregate.h"

namespace pinana::state {
namespace {

template <typename Vec>
auto find_eid(Vec& v, const Eid& eid) {
  return std::lower_bound(v.begin(), v.end(), eid, [](const auto& item, const Eid& key) {
    if constexpr (requires { item.eid; }) {
      return item.eid < key;
    } else {
      return item.first < key;
    }
  });
}

bool ringing(DeviceState s) {
  return s == DeviceState::kRinging || s == DeviceState::kRingInUse;
}

}  // namespace

ClusterState::ClusterState(Eid self) : self_(self) {
  members_.emplace(self_, Member{});
}

// ---------------------------------------------------------------------------------------------
// Devices

ClusterState::Member& ClusterState::member(const Eid& eid, TimePoint now) {
  Member& m = members_[eid];
  m.last_update = std::max(m.last_update, now);
  return m;
}

void ClusterState::forget_member_if_empty(const Eid& eid) {
  if (eid == self_) return;
  auto it = members_.find(eid);
  if (it != members_.end() && it->second.devices.empty() && it->second.mailboxes.empty()) {
    members_.erase(it);
  }
}

bool ClusterState::put_entry(Batch& batch, std::string_view device, const Eid& eid,
                             DeviceState state, bool cachable, TimePoint now,
                             const std::optional<CallerId>* caller) {
  auto dit = devices_.find(device);
  if (dit == devices_.end()) dit = devices_.emplace(std::string(device), Device{}).first;
  Device& d = dit->second;
  Member& m = member(eid, now);

  auto e = find_eid(d.entries, eid);
  const bool exists = e != d.entries.end() && e->eid == eid;
  if (exists) {
    e->updated = now;
    if (e->state == state && e->cachable == cachable && (!caller || e->caller == *caller)) {
      return false;
    }
  }
  batch.before.emplace(dit->first, d.aggregate);  // keeps the first value seen in this call
  if (!exists) {
    e = d.entries.insert(e, Entry{eid, state, cachable, now, {}, 0});
    m.devices.emplace(dit->first);
  }
  e->state = state;
  e->cachable = cachable;
  if (caller) {
    if (*caller && e->caller != *caller) e->caller_seq = ++caller_seq_;
    e->caller = *caller;
  }
  DeviceAggregate agg;
  for (const Entry& x : d.entries) agg.add(x.state);
  d.aggregate = agg.result();
  return true;
}

bool ClusterState::erase_entry(Batch& batch, std::string_view device, const Eid& eid) {
  auto dit = devices_.find(device);
  if (dit == devices_.end()) return false;
  Device& d = dit->second;
  auto e = find_eid(d.entries, eid);
  if (e == d.entries.end() || e->eid != eid) return false;
  batch.before.emplace(dit->first, d.aggregate);
  d.entries.erase(e);
  if (auto mit = members_.find(eid); mit != members_.end()) {
    auto sit = mit->second.devices.find(device);
    if (sit != mit->second.devices.end()) mit->second.devices.erase(sit);
  }
  if (d.entries.empty()) {
    devices_.erase(dit);
  } else {
    DeviceAggregate agg;
    for (const Entry& x : d.entries) agg.add(x.state);
    d.aggregate = agg.result();
  }
  return true;
}

void ClusterState::finish(const Batch& batch, Events& out) {
  std::map<std::string_view, HintSlot*> affected;  // sorted by exten, each hint once
  for (const auto& [device, before] : batch.before) {
    const DeviceState after = aggregate(device);
    if (after != before) out.emplace_back(DeviceChanged{device, before, after});
    if (auto h = hints_by_device_.find(device); h != hints_by_device_.end()) {
      for (HintSlot* slot : h->second) affected.emplace(slot->hint.exten, slot);
    }
  }
  for (auto& [exten, slot] : affected) evaluate(*slot, /*repeat_if_ringing=*/true, out);
}

Events ClusterState::set_local_device(std::string_view device, DeviceState state, bool cachable,
                                      TimePoint now, std::optional<CallerId> caller) {
  Events out;
  Batch batch;
  if (!put_entry(batch, device, self_, state, cachable, now, &caller)) return out;
  out.emplace_back(LocalDeviceChanged{std::string(device), state, cachable});
  finish(batch, out);
  return out;
}

Events ClusterState::apply_remote(std::string_view device, const Eid& eid, DeviceState state,
                                  bool cachable, TimePoint now) {
  Events out;
  if (eid == self_) return out;
  Batch batch;
  if (put_entry(batch, device, eid, state, cachable, now, nullptr)) finish(batch, out);
  return out;
}

Events ClusterState::withdraw_remote(std::string_view device, const Eid& eid) {
  Events out;
  if (eid == self_) return out;
  Batch batch;
  if (erase_entry(batch, device, eid)) finish(batch, out);
  forget_member_if_empty(eid);
  return out;
}

Events ClusterState::withdraw_eid(const Eid& eid) {
  Events out;
  if (eid == self_) return out;
  auto mit = members_.find(eid);
  if (mit == members_.end()) return out;
  // Copies: erasing entries edits the member's sets.
  const std::vector<std::string> devices(mit->second.devices.begin(), mit->second.devices.end());
  const std::vector<std::string> mailboxes(mit->second.mailboxes.begin(),
                                           mit->second.mailboxes.end());
  Batch batch;
  for (const std::string& device : devices) erase_entry(batch, device, eid);
  finish(batch, out);
  for (const std::string& mailbox : mailboxes) erase_mwi(mailbox, eid, out);
  members_.erase(eid);
  return out;
}

Events ClusterState::replace_remote(std::span<const RemoteEntry> full, TimePoint now) {
  std::unordered_map<Eid, std::unordered_set<std::string_view>, EidHash> wanted;
  for (const RemoteEntry& r : full) {
    if (r.eid != self_) wanted[r.eid].insert(r.device);
  }
  Batch batch;
  std::vector<std::pair<Eid, std::string>> stale;
  for (const auto& [eid, m] : members_) {
    if (eid == self_) continue;
    auto w = wanted.find(eid);
    for (const std::string& device : m.devices) {
      if (w == wanted.end() || !w->second.contains(device)) stale.emplace_back(eid, device);
    }
  }
  for (const auto& [eid, device] : stale) erase_entry(batch, device, eid);
  for (const RemoteEntry& r : full) {
    if (r.eid != self_) put_entry(batch, r.device, r.eid, r.state, r.cachable, now, nullptr);
  }
  Events out;
  finish(batch, out);
  for (const auto& [eid, device] : stale) forget_member_if_empty(eid);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hints

ExtensionState ClusterState::compute(const HintSlot& slot) const {
  DeviceAggregate agg;  // no devices: INVALID → Unavailable (§3.3)
  for (const std::string& device : slot.hint.devices) agg.add(aggregate(device));
  return to_extension_state(agg.result());
}

std::optional<CallerId> ClusterState::caller_for(const Hint& hint) const {
  const Entry* best = nullptr;
  for (const std::string& device : hint.devices) {
    auto dit = devices_.find(device);
    if (dit == devices_.end()) continue;
    const auto& entries = dit->second.entries;
    auto e = find_eid(entries, self_);
    if (e == entries.end() || e->eid != self_ || !ringing(e->state) || !e->caller) continue;
    if (!best || e->caller_seq > best->caller_seq) best = &*e;
  }
  if (!best) return std::nullopt;
  return best->caller;
}

void ClusterState::evaluate(HintSlot& slot, bool repeat_if_ringing, Events& out) {
  const ExtensionState before = slot.state;
  const ExtensionState after = compute(slot);
  slot.state = after;
  if (after != before) {
    out.emplace_back(
        ExtensionChanged{slot.hint.exten, before, after, false, caller_for(slot.hint)});
  } else if (repeat_if_ringing && includes_ringing(after)) {
    out.emplace_back(ExtensionChanged{slot.hint.exten, before, after, true, caller_for(slot.hint)});
  }
}

void ClusterState::index_hint(HintSlot& slot) {
  for (const std::string& device : slot.hint.devices) {
    auto it = hints_by_device_.find(device);
    if (it == hints_by_device_.end()) it = hints_by_device_.emplace(device, 0).first;
    it->second.insert(&slot);
  }
}

void ClusterState::unindex_hint(HintSlot& slot) {
  for (const std::string& device : slot.hint.devices) {
    auto it = hints_by_device_.find(device);
    if (it == hints_by_device_.end()) continue;
    it->second.erase(&slot);
    if (it->second.empty()) hints_by_device_.erase(it);
  }
}

Events ClusterState::add_hint(Hint hint) {
  Events out;
  auto it = hints_.find(hint.exten);
  if (it == hints_.end()) {
    std::string exten = hint.exten;
    it = hints_.emplace(std::move(exten), HintSlot{}).first;
  } else {
    unindex_hint(it->second);
  }
  HintSlot& slot = it->second;
  slot.hint = std::move(hint);
  index_hint(slot);
  evaluate(slot, /*repeat_if_ringing=*/false, out);
  return out;
}

Events ClusterState::remove_hint(std::string_view exten) {
  Events out;
  auto it = hints_.find(exten);
  if (it == hints_.end()) return out;
  unindex_hint(it->second);
  out.emplace_back(ExtensionChanged{it->second.hint.exten, it->second.state,
                                    ExtensionState::kDeactivated, false, std::nullopt});
  hints_.erase(it);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mailboxes

void ClusterState::put_mwi(std::string_view mailbox, const Eid& eid, int new_messages,
                           int old_messages, TimePoint now, Events& out) {
  auto mit = mailboxes_.find(mailbox);
  if (mit == mailboxes_.end()) mit = mailboxes_.emplace(std::string(mailbox), Mailbox{}).first;
  Mailbox& mb = mit->second;
  Member& m = member(eid, now);
  const std::pair<int, int> counts{new_messages, old_messages};
  auto e = find_eid(mb.per_eid, eid);
  if (e != mb.per_eid.end() && e->first == eid) {
    if (e->second == counts) return;
    e->second = counts;
  } else {
    mb.per_eid.insert(e, {eid, counts});
    m.mailboxes.emplace(mit->first);
  }
  if (eid == self_) out.emplace_back(LocalMwiChanged{mit->first, new_messages, old_messages});
  int new_total = 0, old_total = 0;
  for (const auto& [_, c] : mb.per_eid) {
    new_total += c.first;
    old_total += c.second;
  }
  if (new_total != mb.new_total || old_total != mb.old_total) {
    mb.new_total = new_total;
    mb.old_total = old_total;
    out.emplace_back(MwiChanged{mit->first, new_total, old_total});
  }
}

void ClusterState::erase_mwi(std::string_view mailbox, const Eid& eid, Events& out) {
  auto mit = mailboxes_.find(mailbox);
  if (mit == mailboxes_.end()) return;
  Mailbox& mb = mit->second;
  auto e = find_eid(mb.per_eid, eid);
  if (e == mb.per_eid.end() || e->first != eid) return;
  const int new_total = mb.new_total - e->second.first;
  const int old_total = mb.old_total - e->second.second;
  mb.per_eid.erase(e);
  if (auto m = members_.find(eid); m != members_.end()) {
    auto sit = m->second.mailboxes.find(mailbox);
    if (sit != m->second.mailboxes.end()) m->second.mailboxes.erase(sit);
  }
  const bool changed = new_total != mb.new_total || old_total != mb.old_total;
  std::string name = mit->first;
  if (mb.per_eid.empty()) {
    mailboxes_.erase(mit);
  } else {
    mb.new_total = new_total;
    mb.old_total = old_total;
  }
  if (changed) out.emplace_back(MwiChanged{std::move(name), new_total, old_total});
}

Events ClusterState::set_local_mwi(std::string_view mailbox, int new_messages, int old_messages,
                                   TimePoint now) {
  Events out;
  put_mwi(mailbox, self_, new_messages, old_messages, now, out);
  return out;
}

Events ClusterState::apply_remote_mwi(std::string_view mailbox, const Eid& eid, int new_messages,
                                      int old_messages, TimePoint now) {
  Events out;
  if (eid != self_) put_mwi(mailbox, eid, new_messages, old_messages, now, out);
  return out;
}

Events ClusterState::withdraw_remote_mwi(std::string_view mailbox, const Eid& eid) {
  Events out;
  if (eid == self_) return out;
  erase_mwi(mailbox, eid, out);
  forget_member_if_empty(eid);
  return out;
}

Events ClusterState::replace_remote_mwi(std::span<const RemoteMwi> full, TimePoint now) {
  std::unordered_map<Eid, std::unordered_set<std::string_view>, EidHash> wanted;
  for (const RemoteMwi& r : full) {
    if (r.eid != self_) wanted[r.eid].insert(r.mailbox);
  }
  std::vector<std::pair<Eid, std::string>> stale;
  for (const auto& [eid, m] : members_) {
    if (eid == self_) continue;
    auto w = wanted.find(eid);
    for (const std::string& mailbox : m.mailboxes) {
      if (w == wanted.end() || !w->second.contains(mailbox)) stale.emplace_back(eid, mailbox);
    }
  }
  Events out;
  for (const auto& [eid, mailbox] : stale) erase_mwi(mailbox, eid, out);
  for (const RemoteMwi& r : full) {
    if (r.eid != self_) put_mwi(r.mailbox, r.eid, r.new_messages, r.old_messages, now, out);
  }
  for (const auto& [eid, mailbox] : stale) forget_member_if_empty(eid);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Queries

DeviceState ClusterState::aggregate(std::string_view device) const {
  auto it = devices_.find(device);
  return it == devices_.end() ? DeviceState::kInvalid : it->second.aggregate;
}

std::vector<ClusterState::EntryView> ClusterState::entries(std::string_view device) const {
  std::vector<EntryView> out;
  auto it = devices_.find(device);
  if (it == devices_.end()) return out;
  out.reserve(it->second.entries.size());
  for (const Entry& e : it->second.entries) out.push_back({e.eid, e.state, e.cachable, e.updated});
  return out;
}

std::vector<std::string> ClusterState::devices() const {
  std::vector<std::string> out;
  out.reserve(devices_.size());
  for (const auto& [name, _] : devices_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> ClusterState::local_devices() const {
  const Member& m = members_.at(self_);
  return {m.devices.begin(), m.devices.end()};
}

ExtensionState ClusterState::extension_state(std::string_view exten) const {
  auto it = hints_.find(exten);
  return it == hints_.end() ? ExtensionState::kRemoved : it->second.state;
}

const Hint* ClusterState::hint(std::string_view exten) const {
  auto it = hints_.find(exten);
  return it == hints_.end() ? nullptr : &it->second.hint;
}

std::vector<const Hint*> ClusterState::hints() const {
  std::vector<const Hint*> out;
  out.reserve(hints_.size());
  for (const auto& [_, slot] : hints_) out.push_back(&slot.hint);
  return out;
}

std::optional<ClusterState::MwiView> ClusterState::mwi(std::string_view mailbox) const {
  auto it = mailboxes_.find(mailbox);
  if (it == mailboxes_.end()) return std::nullopt;
  return MwiView{it->first, it->second.new_total, it->second.old_total, it->second.per_eid};
}

std::vector<ClusterState::MwiView> ClusterState::mailboxes() const {
  std::vector<MwiView> out;
  out.reserve(mailboxes_.size());
  for (const auto& [name, mb] : mailboxes_) {
    out.push_back(MwiView{name, mb.new_total, mb.old_total, mb.per_eid});
  }
  return out;
}

std::vector<ClusterState::MemberView> ClusterState::members() const {
  std::vector<MemberView> out;
  out.reserve(members_.size());
  const Member& me = members_.at(self_);
  out.push_back({self_, me.devices.size(), me.last_update, true});
  for (const auto& [eid, m] : members_) {
    if (eid != self_) out.push_back({eid, m.devices.size(), m.last_update, false});
  }
  return out;
}

}  // namespace pinana::state
