// FlatIndex<T>: an open-addressing hash index from a 64-bit fingerprint to objects the caller
// owns (T*), for look-ups on the hot path of every datagram. Slots are 16 bytes in one array
// (linear probing, kept at most half full, backward-shift deletion), so a look-up is one or two
// cache lines and no division, unlike a node-based std::unordered_map. Fingerprints may collide:
// find() hands each candidate to the caller's predicate, which compares the real key.
//
// Pointers must stay valid while indexed. Not thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pinana::sip::transaction {

template <typename T>
class FlatIndex {
 public:
  void insert(uint64_t fingerprint, T* item) {
    assert(item != nullptr);
    if (2 * (size_ + 1) > slots_.size()) rebuild(std::max<size_t>(kMinSlots, 2 * slots_.size()));
    place(Slot{fingerprint, item});
    ++size_;
  }

  // The first item with this fingerprint for which `match(item)` holds, or null.
  template <typename Match>
  T* find(uint64_t fingerprint, Match&& match) const {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = fingerprint & mask; slots_[i].item != nullptr; i = (i + 1) & mask) {
      if (slots_[i].fingerprint == fingerprint && match(*slots_[i].item)) return slots_[i].item;
    }
    return nullptr;
  }

  // Starts loading the slot where a find(fingerprint) begins, so that a look-up made a little
  // later (in a large index, a cache miss) overlaps with other work.
  void prefetch(uint64_t fingerprint) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[fingerprint & (slots_.size() - 1)]);
  }

  // Removes `item`, which must be indexed under `fingerprint`.
  void erase(uint64_t fingerprint, const T* item) {
    const size_t mask = slots_.size() - 1;
    size_t i = fingerprint & mask;
    while (slots_[i].item != item) {
      assert(slots_[i].item != nullptr);
      i = (i + 1) & mask;
    }
    // Backward shift: move up every later slot of the run that may live at `i`, so that no probe
    // sequence is cut by the hole.
    for (size_t j = (i + 1) & mask; slots_[j].item != nullptr; j = (j + 1) & mask) {
      const size_t home = slots_[j].fingerprint & mask;
      const bool home_between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!home_between) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = Slot{};
    --size_;
  }

  size_t size() const { return size_; }

  // Shrinks the slot array to the current size (it keeps its peak otherwise).
  void compact() {
    const size_t wanted = std::max<size_t>(kMinSlots, std::bit_ceil(2 * size_ + 1));
    if (wanted < slots_.size()) rebuild(wanted);
  }

 private:
  static constexpr size_t kMinSlots = 64;
  struct Slot {
    uint64_t fingerprint = 0;
    T* item = nullptr;
  };

  void place(Slot s) {
    const size_t mask = slots_.size() - 1;
    size_t i = s.fingerprint & mask;
    while (slots_[i].item != nullptr) i = (i + 1) & mask;
    slots_[i] = s;
  }

  void rebuild(size_t capacity) {
    std::vector<Slot> old(std::bit_ceil(capacity));
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.item != nullptr) place(s);
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace pinana::sip::transaction
