// TransactionMap<T>: what an owner keeps per transaction of one TransactionTable (where to send,
// whom to tell), found by TransactionId without hashing: entries sit in chunks indexed by
// index_of(id), the transaction's cell in the table, and each remembers the full id it was set
// for, so an id whose cell has since been reused finds nothing.
//
// T must be default-constructible; an erased entry is reset to T{} so it holds no memory.
// compact() frees the chunks left without entries. Owned by the table's thread; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "pinana/sip/transaction/transaction_table.h"

namespace pinana::sip::transaction {

template <typename T>
class TransactionMap {
 public:
  // The entry of `id`, or null.
  T* find(TransactionId id) {
    Entry* e = entry(id);
    return e != nullptr && e->id == id ? &e->value : nullptr;
  }
  const T* find(TransactionId id) const { return const_cast<TransactionMap*>(this)->find(id); }

  // Sets the entry of `id` (replacing any entry of an older id in its cell) and returns it.
  T& set(TransactionId id, T value) {
    const uint32_t index = index_of(id);
    const size_t n = index / kChunk;
    if (n >= chunks_.size()) chunks_.resize(n + 1);
    if (chunks_[n] == nullptr) chunks_[n] = std::make_unique<Chunk>();
    Entry& e = chunks_[n]->entries[index % kChunk];
    if (!e.id.valid()) {
      ++chunks_[n]->count;
      ++size_;
    }
    e.id = id;
    e.value = std::move(value);
    return e.value;
  }

  // Forgets the entry of `id`, if there is one.
  void erase(TransactionId id) {
    Entry* e = entry(id);
    if (e == nullptr || e->id != id) return;
    e->id = TransactionId{};
    e->value = T{};
    --chunks_[index_of(id) / kChunk]->count;
    --size_;
  }

  size_t size() const { return size_; }

  // Frees the chunks without entries (they are kept for reuse otherwise).
  void compact() {
    for (auto& c : chunks_)
      if (c != nullptr && c->count == 0) c.reset();
    while (!chunks_.empty() && chunks_.back() == nullptr) chunks_.pop_back();
    chunks_.shrink_to_fit();
  }

 private:
  static constexpr size_t kChunk = 256;
  struct Entry {
    TransactionId id;  // invalid: no entry
    T value{};
  };
  struct Chunk {
    std::array<Entry, kChunk> entries;
    size_t count = 0;
  };

  Entry* entry(TransactionId id) {
    const uint32_t index = index_of(id);
    const size_t n = index / kChunk;
    if (n >= chunks_.size() || chunks_[n] == nullptr) return nullptr;
    return &chunks_[n]->entries[index % kChunk];
  }

  std::vector<std::unique_ptr<Chunk>> chunks_;
  size_t size_ = 0;
};

}  // namespace pinana::sip::transaction
