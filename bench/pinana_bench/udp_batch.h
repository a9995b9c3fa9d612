// UdpBatch: one non-blocking UDP socket with batched receive (recvmmsg) and send (sendmmsg).
//
// Owns the socket and fixed-size slots for kBatch datagrams each way; receive() fills the
// inbound slots, slot()/commit() stage outbound datagrams, flush() sends everything staged (and
// flushes by itself when the staging area is full). One owning thread; no locks.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pinana::bench {

// "127.0.0.1:5060" or "[::1]:5060" → sockaddr; false on anything else (numeric only).
bool parse_endpoint(std::string_view text, sockaddr_storage& out, socklen_t& len);
std::string endpoint_host(const sockaddr_storage& addr);
int endpoint_port(const sockaddr_storage& addr);

class UdpBatch {
 public:
  static constexpr int kBatch = 64;
  static constexpr size_t kSlot = 4096;

  UdpBatch() = default;
  ~UdpBatch();
  UdpBatch(const UdpBatch&) = delete;
  UdpBatch& operator=(const UdpBatch&) = delete;

  // Binds to port 0 of `local` (same family as the server), sets large socket buffers.
  // Returns an error text, empty on success.
  std::string open(const sockaddr_storage& local_family_of, int buffer_bytes);
  int fd() const { return fd_; }
  int local_port() const { return local_port_; }
  const std::string& local_host() const { return local_host_; }

  // Receives up to kBatch datagrams without blocking; returns how many (0 when none).
  int receive();
  std::string_view datagram(int i) const { return {in_[i].data(), in_len_[i]}; }
  const sockaddr_storage& source(int i) const { return in_addr_[i]; }
  socklen_t source_len(int i) const { return in_addr_len_[i]; }

  // The next outbound slot (kSlot bytes); commit() queues it for `to`.
  char* slot();
  void commit(size_t len, const sockaddr_storage& to, socklen_t to_len);
  // Sends everything staged; returns datagrams the kernel refused (counted by the caller).
  int flush();
  int staged() const { return out_count_; }

 private:
  int fd_ = -1;
  int local_port_ = 0;
  std::string local_host_;
  std::vector<std::array<char, kSlot>> in_ = std::vector<std::array<char, kSlot>>(kBatch);
  std::array<size_t, kBatch> in_len_{};
  std::array<sockaddr_storage, kBatch> in_addr_{};
  std::array<socklen_t, kBatch> in_addr_len_{};
  std::vector<std::array<char, kSlot>> out_ = std::vector<std::array<char, kSlot>>(kBatch);
  std::array<size_t, kBatch> out_len_{};
  std::array<sockaddr_storage, kBatch> out_addr_{};
  std::array<socklen_t, kBatch> out_addr_len_{};
  int out_count_ = 0;
};

}  // namespace pinana::bench
