#include "pinana/sip/transaction/completed_clients.h"

#include <cassert>

namespace pinana::sip::transaction {

void CompletedClients::add(uint64_t fingerprint, uint64_t id, TimePoint deadline) {
  assert(fifo_.empty() || fifo_.back().deadline <= deadline);
  fifo_.push_back(Entry{fingerprint, id, deadline});  // references to the others stay valid
  index_.insert(fingerprint, &fifo_.back());
}

std::optional<uint64_t> CompletedClients::find(uint64_t fingerprint, TimePoint now) const {
  const Entry* e = index_.find(fingerprint, [now](const Entry& x) { return x.deadline > now; });
  if (e == nullptr) return std::nullopt;
  return e->id;
}

void CompletedClients::expire(TimePoint now) {
  while (!fifo_.empty() && fifo_.front().deadline <= now) {
    index_.erase(fifo_.front().fingerprint, &fifo_.front());
    fifo_.pop_front();
  }
}

void CompletedClients::compact() {
  fifo_.shrink_to_fit();  // may move entries: re-index them
  index_ = FlatIndex<Entry>();
  for (Entry& e : fifo_) index_.insert(e.fingerprint, &e);
}

}  // namespace pinana::sip::transaction
