#include "pinana/sip/transaction/completed_servers.h"

#include <cassert>

namespace pinana::sip::transaction {

void CompletedServers::add(uint64_t id, TimePoint deadline, uint64_t key_hash, std::string_view key,
                           uint64_t merge_hash, std::string_view merge, std::string_view response) {
  assert(fifo_.empty() || fifo_.back().deadline <= deadline);
  Entry& e = fifo_.emplace_back();  // references to the others stay valid
  e.key_hash = key_hash;
  e.merge_hash = merge_hash;
  e.id = id;
  e.deadline = deadline;
  e.bytes.reserve(key.size() + merge.size() + response.size());
  e.bytes.append(key).append(merge).append(response);
  e.key_size = static_cast<uint32_t>(key.size());
  e.merge_size = static_cast<uint32_t>(merge.size());
  index(e);
}

void CompletedServers::index(Entry& e) {
  by_key_.insert(e.key_hash, &e);
  if (e.merge_size != 0) by_merge_.insert(e.merge_hash, &e);
}

void CompletedServers::expire(TimePoint now) {
  while (!fifo_.empty() && fifo_.front().deadline <= now) {
    Entry& e = fifo_.front();
    by_key_.erase(e.key_hash, &e);
    if (e.merge_size != 0) by_merge_.erase(e.merge_hash, &e);
    fifo_.pop_front();
  }
}

void CompletedServers::compact() {
  fifo_.shrink_to_fit();  // may move entries: re-index them
  by_key_ = FlatIndex<Entry>();
  by_merge_ = FlatIndex<Entry>();
  for (Entry& e : fifo_) index(e);
}

}  // namespace pinana::sip::transaction
