// BufferPool: spare std::string buffers for messages that are built and dropped at a high rate
// (a hub's NOTIFYs), so that their heap blocks are reused instead of going back to malloc. A
// NOTIFY of a kilobyte or more is beyond glibc's per-thread cache, and each malloc of that size
// first consolidates the fast bins: recycling the buffer saves both.
//
// take() hands out an empty string, with the capacity of a spare when there is one; give() keeps
// a finished buffer as a spare unless the pool holds `max_spares` already or the buffer is larger
// than `max_capacity` (then it is freed). release() frees every spare.
//
// Not thread-safe: one pool per thread (a shard's event loop).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace pinana {

class BufferPool {
 public:
  explicit BufferPool(size_t max_spares = 1024, size_t max_capacity = 4096)
      : max_spares_(max_spares), max_capacity_(max_capacity) {}
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  std::string take() {
    if (spares_.empty()) return {};
    std::string s = std::move(spares_.back());
    spares_.pop_back();
    s.clear();
    return s;
  }

  void give(std::string&& s) {
    if (s.capacity() <= 15 || s.capacity() > max_capacity_ || spares_.size() >= max_spares_) {
      std::string().swap(s);
      return;
    }
    spares_.push_back(std::move(s));
  }

  void release() { std::vector<std::string>().swap(spares_); }

  size_t spares() const { return spares_.size(); }

 private:
  size_t max_spares_;
  size_t max_capacity_;
  std::vector<std::string> spares_;
};

}  // namespace pinana
