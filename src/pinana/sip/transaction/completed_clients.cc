#include "pinana/sip/transaction/completed_clients.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace pinana::sip::transaction {

namespace {
constexpr size_t kMinSlots = 64;
}  // namespace

void CompletedClients::add(uint64_t fingerprint, uint64_t id, TimePoint deadline) {
  assert(fifo_.empty() || fifo_.back().deadline <= deadline);
  // At most half full, so probe sequences stay short.
  if (2 * (fifo_.size() + 1) > slots_.size()) rebuild(std::max(kMinSlots, 2 * slots_.size()));
  fifo_.push_back(Entry{fingerprint, id, deadline});
  insert_slot(Slot{fingerprint, first_seq_ + fifo_.size()});
}

std::optional<uint64_t> CompletedClients::find(uint64_t fingerprint, TimePoint now) const {
  if (slots_.empty()) return std::nullopt;
  const size_t mask = slots_.size() - 1;
  for (size_t i = home(fingerprint); slots_[i].seq1 != 0; i = (i + 1) & mask) {
    if (slots_[i].fingerprint != fingerprint) continue;
    const Entry& e = entry(slots_[i]);
    if (e.deadline > now) return e.id;
  }
  return std::nullopt;
}

void CompletedClients::expire(TimePoint now) {
  while (!fifo_.empty() && fifo_.front().deadline <= now) {
    erase_slot(Slot{fifo_.front().fingerprint, first_seq_ + 1});
    fifo_.pop_front();
    ++first_seq_;
  }
}

void CompletedClients::insert_slot(Slot s) {
  const size_t mask = slots_.size() - 1;
  size_t i = home(s.fingerprint);
  while (slots_[i].seq1 != 0) i = (i + 1) & mask;
  slots_[i] = s;
}

void CompletedClients::erase_slot(Slot s) {
  const size_t mask = slots_.size() - 1;
  size_t i = home(s.fingerprint);
  while (slots_[i].seq1 != s.seq1) {
    assert(slots_[i].seq1 != 0);
    i = (i + 1) & mask;
  }
  // Backward-shift deletion: move up every later slot of the run that may live at `i`, so that
  // no probe sequence is cut by the hole.
  for (size_t j = (i + 1) & mask; slots_[j].seq1 != 0; j = (j + 1) & mask) {
    const size_t k = home(slots_[j].fingerprint);
    // `j`'s entry may move to `i` unless its home lies cyclically in (i, j].
    const bool home_between = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (!home_between) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
}

void CompletedClients::rebuild(size_t capacity) {
  std::vector<Slot>(std::bit_ceil(capacity)).swap(slots_);
  for (size_t n = 0; n < fifo_.size(); ++n)
    insert_slot(Slot{fifo_[n].fingerprint, first_seq_ + n + 1});
}

void CompletedClients::compact() {
  fifo_.shrink_to_fit();
  const size_t wanted = std::max(kMinSlots, std::bit_ceil(2 * fifo_.size() + 1));
  if (wanted < slots_.size()) rebuild(wanted);
}

}  // namespace pinana::sip::transaction
