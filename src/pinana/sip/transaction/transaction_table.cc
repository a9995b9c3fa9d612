#include "pinana/sip/transaction/transaction_table.h"

#include <algorithm>
#include <utility>

namespace pinana::sip::transaction {

TransactionTable::TransactionTable(const Clock& clock, TimerConfig config)
    : clock_(clock), config_(config) {}

TransactionId TransactionTable::allocate() {
  if (free_.empty()) {  // a chunk compact() dropped, or a new one
    size_t n = 0;
    while (n < chunks_.size() && chunks_[n] != nullptr) ++n;
    if (n == chunks_.size()) chunks_.emplace_back();
    chunks_[n] = std::make_unique<Chunk>();
    for (Cell& c : *chunks_[n]) c.generation = first_generation_;
    for (size_t i = kChunk; i-- > 0;) free_.push_back(static_cast<uint32_t>(n * kChunk + i));
  }
  const uint32_t index = free_.back();
  free_.pop_back();
  Cell& c = cell(index);
  if (++c.generation == 0) c.generation = 1;  // id 0 means none
  return TransactionId{(uint64_t{c.generation} << 32) | index};
}

void TransactionTable::purge() {
  for (uint32_t index : retired_) {
    cell(index).slot.reset();
    free_.push_back(index);
  }
  retired_.clear();
  if (completed_.size() != 0 || completed_servers_.size() != 0) {
    const TimePoint now = clock_.now();
    completed_.expire(now);
    completed_servers_.expire(now);
  }
}

std::optional<TimePoint> TransactionTable::next_expiry() const {
  const std::optional<TimePoint> k = completed_.next_deadline();
  const std::optional<TimePoint> j = completed_servers_.next_deadline();
  if (k && j) return std::min(*k, *j);
  return k ? k : j;
}

TransactionTable::Slot* TransactionTable::live(TransactionId id) {
  return const_cast<Slot*>(std::as_const(*this).live(id));
}

const TransactionTable::Slot* TransactionTable::live(TransactionId id) const {
  const uint32_t index = index_of(id);
  if (index >= capacity() || chunks_[index / kChunk] == nullptr) return nullptr;
  const Cell& c = cell(index);
  if (c.generation != id.value >> 32 || !c.slot || !c.slot->live) return nullptr;
  return &*c.slot;
}

Outcome TransactionTable::finish(TransactionId id, Actions actions) {
  Slot* slot = nullptr;  // looked up only when needed, and once
  // A client transaction entering Completed (its final response arrived over an unreliable
  // transport) leaves the indexes for CompletedClients, which absorbs retransmissions until K.
  // Likewise a server transaction entering Completed (its final response went out over an
  // unreliable transport) leaves for CompletedServers, which answers retransmissions until J.
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i].kind != ActionKind::kStartTimer) continue;
    if (actions[i].timer == TimerId::kK) {
      slot = &at(id);
      completed_.add(slot->fingerprint, id.value, clock_.now() + actions[i].delay);
    } else if (actions[i].timer == TimerId::kJ) {
      slot = &at(id);
      complete_server(*slot, clock_.now() + actions[i].delay);
    } else {
      continue;
    }
    actions[i] = Action::signal(ActionKind::kTerminated);
    break;
  }
  if (actions.terminated()) {
    if (slot == nullptr) slot = &at(id);
    if (slot->merge) by_merge_.erase(slot->merge_fingerprint, slot);
    by_key_.erase(slot->fingerprint, slot);
    slot->live = false;
    slot->merge.reset();
    retired_.push_back(index_of(id));
  }
  return Outcome{id, actions};
}

void TransactionTable::complete_server(const Slot& slot, TimePoint deadline) {
  key_bytes_.clear();
  slot.key.encode(key_bytes_);
  merge_bytes_.clear();
  if (slot.merge) slot.merge->encode(merge_bytes_);
  const auto& server = std::get<ServerTransaction>(slot.txn);
  completed_servers_.add(slot.id.value, deadline, slot.fingerprint, key_bytes_,
                         slot.merge_fingerprint, merge_bytes_, server.last_response());
}

Result<Outcome> TransactionTable::on_request(const Message& request, Reliability reliability) {
  purge();
  auto key = TransactionKey::for_server(request);
  if (!key.ok()) return key.error();

  const uint64_t fingerprint = key->hash();
  // A new request (the usual case) looks in both Completed indexes, which a high request rate
  // makes large: start both loads now, while the live index is searched.
  std::optional<MergedRequestKey> merge = MergedRequestKey::of(request);
  const uint64_t merge_fingerprint = merge.has_value() ? merge->hash() : 0;
  if (completed_servers_.size() != 0) completed_servers_.prefetch(fingerprint, merge_fingerprint);
  if (Slot* slot = find_slot(*key, fingerprint)) {
    auto& server = std::get<ServerTransaction>(slot->txn);
    return finish(slot->id, server.on_request());
  }
  const TimePoint now = clock_.now();
  if (completed_servers_.size() != 0) {
    key_bytes_.clear();
    const CompletedServers::Entry* done =
        completed_servers_.find(fingerprint, now, [&](std::string_view stored) {
          if (key_bytes_.empty()) key->encode(key_bytes_);
          return stored == key_bytes_;
        });
    if (done != nullptr) {  // Completed: the final response again (§17.2.2)
      Outcome o{TransactionId{done->id}, {}};
      o.actions.push(Action::send(done->response()));
      return o;
    }
  }

  // ACK (to a 2xx, or to a final this stack never sent) and INVITE have no non-INVITE
  // transaction; the core answers or absorbs them without one.
  if (request.method_id() == Method::kAck || request.method_id() == Method::kInvite) {
    Outcome o;
    o.actions.push(Action::signal(ActionKind::kStatelessRequest));
    return o;
  }

  bool merged = merge.has_value() && by_merge_.find(merge_fingerprint, [&merge](const Slot& s) {
    return s.merge.has_value() && *s.merge == *merge;
  }) != nullptr;
  if (merge.has_value() && !merged && completed_servers_.size() != 0) {
    merge_bytes_.clear();
    merged = completed_servers_.merged(merge_fingerprint, now, [&](std::string_view stored) {
      if (merge_bytes_.empty()) merge->encode(merge_bytes_);
      return stored == merge_bytes_;
    });
  }

  const TransactionId id = allocate();
  Slot& slot = cell(index_of(id))
                   .slot.emplace(std::move(*key), id, std::in_place_type<ServerTransaction>, clock_,
                                 config_, reliability, request);
  by_key_.insert(slot.fingerprint, &slot);
  // The merged request's own transaction is not indexed: the original one still owns the entry.
  if (merge.has_value() && !merged) {
    slot.merge = std::move(merge);
    slot.merge_fingerprint = merge_fingerprint;
    by_merge_.insert(merge_fingerprint, &slot);
  }

  Actions actions = std::get<ServerTransaction>(slot.txn).start();
  if (merged) {
    for (size_t i = 0; i < actions.size(); ++i)
      if (actions[i].kind == ActionKind::kDeliverRequest)
        actions[i] = Action::signal(ActionKind::kAnswerLoopDetected);
  }
  return finish(id, actions);
}

Outcome TransactionTable::on_response(const Message& response) {
  purge();
  Outcome stray;
  stray.actions.push(Action::signal(ActionKind::kStrayResponse));
  if (!response.is_response()) return stray;
  auto key = TransactionKey::for_client(response);
  if (!key.ok()) return stray;
  const uint64_t fingerprint = key->hash();
  Slot* slot = find_slot(*key, fingerprint);
  if (slot == nullptr) {
    if (auto done = completed_.find(fingerprint, clock_.now()))
      return Outcome{TransactionId{*done}, {}};
    return stray;
  }
  auto& client = std::get<ClientTransaction>(slot->txn);
  return finish(slot->id, client.on_response(response));
}

Result<Outcome> TransactionTable::start_client(const Message& request, Reliability reliability,
                                               std::string bytes) {
  purge();
  if (!request.is_request()) return Error{500, "start_client given a response"};
  if (request.method_id() == Method::kInvite || request.method_id() == Method::kAck)
    return Error{500, "no INVITE client transactions"};
  auto key = TransactionKey::for_client(request);
  if (!key.ok()) return Error{500, key.error().reason};
  if (key->method() != request.method()) return Error{500, "CSeq method differs from the method"};
  if (bytes.empty()) bytes = request.serialize();
  return start_client(std::move(*key), reliability, std::move(bytes));
}

Result<Outcome> TransactionTable::start_client(std::string_view method, std::string_view branch,
                                               Reliability reliability, std::string bytes) {
  purge();
  if (method == "INVITE" || method == "ACK") return Error{500, "no INVITE client transactions"};
  auto key = TransactionKey::for_client(method, branch);
  if (!key.ok()) return Error{500, key.error().reason};
  return start_client(std::move(*key), reliability, std::move(bytes));
}

Result<Outcome> TransactionTable::start_client_with_fresh_branch(std::string_view method,
                                                                 std::string_view branch_id,
                                                                 Reliability reliability,
                                                                 std::string bytes) {
  purge();
  if (method == "INVITE" || method == "ACK") return Error{500, "no INVITE client transactions"};
  auto key = TransactionKey::for_client_branch_id(method, branch_id);
  if (!key.ok()) return Error{500, key.error().reason};
  return start_client(std::move(*key), reliability, std::move(bytes), true);
}

Result<Outcome> TransactionTable::start_client(TransactionKey key, Reliability reliability,
                                               std::string bytes, bool fresh_branch) {
  const uint64_t fingerprint = key.hash();
  if (find_slot(key, fingerprint) != nullptr ||
      (!fresh_branch && completed_.find(fingerprint, clock_.now())))
    return Error{500, "branch already used by a client transaction"};
  const TransactionId id = allocate();
  Slot& slot = cell(index_of(id))
                   .slot.emplace(std::move(key), id, std::in_place_type<ClientTransaction>, clock_,
                                 config_, reliability, std::move(bytes));
  by_key_.insert(slot.fingerprint, &slot);
  auto& client = std::get<ClientTransaction>(slot.txn);
  client.recycle_into(pool_);
  return finish(id, client.start());
}

Result<Outcome> TransactionTable::send_response(TransactionId id, int status, std::string bytes) {
  purge();
  Slot* slot = live(id);
  if (slot == nullptr || !std::holds_alternative<ServerTransaction>(slot->txn))
    return Error{0, "no such server transaction"};
  auto actions = std::get<ServerTransaction>(slot->txn).send_response(status, std::move(bytes));
  if (!actions.ok()) return actions.error();
  return finish(id, *actions);
}

Result<Outcome> TransactionTable::send_response(TransactionId id, const Message& response) {
  if (!response.is_response()) return Error{500, "send_response given a request"};
  return send_response(id, response.status_code(), response.serialize());
}

Outcome TransactionTable::on_timer(TransactionId id, TimerId timer) {
  purge();
  Slot* slot = live(id);
  if (slot == nullptr) return Outcome{id, {}};
  Actions actions = std::visit([timer](auto& t) { return t.on_timer(timer); }, slot->txn);
  return finish(id, actions);
}

Outcome TransactionTable::on_transport_error(TransactionId id) {
  purge();
  Slot* slot = live(id);
  if (slot == nullptr) return Outcome{id, {}};
  Actions actions = std::visit([](auto& t) { return t.on_transport_error(); }, slot->txn);
  return finish(id, actions);
}

TransactionTable::Slot* TransactionTable::find_slot(const TransactionKey& key,
                                                    uint64_t fingerprint) const {
  return by_key_.find(fingerprint, [&key](const Slot& s) { return s.key == key; });
}

std::optional<TransactionId> TransactionTable::find(const TransactionKey& key) const {
  const Slot* slot = find_slot(key, key.hash());
  if (slot == nullptr) return std::nullopt;
  return slot->id;
}

const ServerTransaction* TransactionTable::server(TransactionId id) const {
  const Slot* slot = live(id);
  return slot ? std::get_if<ServerTransaction>(&slot->txn) : nullptr;
}

const ClientTransaction* TransactionTable::client(TransactionId id) const {
  const Slot* slot = live(id);
  return slot ? std::get_if<ClientTransaction>(&slot->txn) : nullptr;
}

void TransactionTable::compact() {
  purge();
  by_key_.compact();
  // Chunks without a transaction go; cells made from now on start above every generation theirs
  // had, so no id of theirs comes back.
  for (auto& chunk : chunks_) {
    if (chunk == nullptr) continue;
    bool empty = true;
    uint32_t top = first_generation_;
    for (const Cell& c : *chunk) {
      empty = empty && !c.slot.has_value();
      top = std::max(top, c.generation);
    }
    if (!empty) continue;
    first_generation_ = top;
    chunk.reset();
  }
  while (!chunks_.empty() && chunks_.back() == nullptr) chunks_.pop_back();
  chunks_.shrink_to_fit();
  free_.clear();
  for (size_t n = chunks_.size(); n-- > 0;) {
    if (chunks_[n] == nullptr) continue;
    for (size_t i = kChunk; i-- > 0;) {
      const auto index = static_cast<uint32_t>(n * kChunk + i);
      if (!cell(index).slot) free_.push_back(index);
    }
  }
  free_.shrink_to_fit();
  by_merge_.compact();
  retired_.shrink_to_fit();
  completed_.compact();
  completed_servers_.compact();
  key_bytes_.shrink_to_fit();
  merge_bytes_.shrink_to_fit();
}

}  // namespace pinana::sip::transaction
