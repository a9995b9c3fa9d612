#include "pinana/sip/transaction/completed_clients.h"

#include <cassert>

namespace pinana::sip::transaction {

void CompletedClients::add(uint64_t fingerprint, uint64_t id, TimePoint deadline) {
  assert(generations_.empty() || generations_.back().entries.empty() ||
         generations_.back().entries.back().deadline <= deadline);
  if (generations_.empty() || generations_.back().entries.size() == kGeneration) {
    generations_.emplace_back();
    generations_.back().entries.reserve(kGeneration);
  }
  Generation& g = generations_.back();
  g.entries.push_back(Entry{fingerprint, id, deadline});  // within capacity: nothing moves
  g.index.insert(fingerprint, &g.entries.back());
  if (size_++ == 0) front_ = deadline;
}

std::optional<uint64_t> CompletedClients::find(uint64_t fingerprint, TimePoint now) const {
  for (auto g = generations_.rbegin(); g != generations_.rend(); ++g) {
    const Entry* e = g->index.find(fingerprint, [now](const Entry& x) { return x.deadline > now; });
    if (e != nullptr) return e->id;
  }
  return std::nullopt;
}

void CompletedClients::expire(TimePoint now) {
  while (!generations_.empty()) {
    Generation& g = generations_.front();
    while (g.expired < g.entries.size() && g.entries[g.expired].deadline <= now) {
      ++g.expired;
      --size_;
    }
    if (g.expired < g.entries.size()) {
      front_ = g.entries[g.expired].deadline;
      return;
    }
    generations_.pop_front();  // all expired; the next add starts a new one if this was the last
  }
  front_.reset();
}

void CompletedClients::compact() {
  // The oldest generation may be mostly expired: keep only its live entries, re-indexed.
  if (generations_.empty() || generations_.front().expired == 0) return;
  Generation& old = generations_.front();
  Generation fresh;
  // The newest generation keeps a full generation's room for what is added next.
  fresh.entries.reserve(generations_.size() == 1 ? kGeneration : old.entries.size() - old.expired);
  fresh.entries.assign(old.entries.begin() + static_cast<std::ptrdiff_t>(old.expired),
                       old.entries.end());
  for (Entry& e : fresh.entries) fresh.index.insert(e.fingerprint, &e);
  old = std::move(fresh);
}

}  // namespace pinana::sip::transaction
