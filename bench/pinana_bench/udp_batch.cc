#include "udp_batch.h"

#include <arpa/inet.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace pinana::bench {

bool parse_endpoint(std::string_view text, sockaddr_storage& out, socklen_t& len) {
  std::memset(&out, 0, sizeof out);
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return false;
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  int port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port < 0 || port > 65535)
    return false;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(uint16_t(port));
    len = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(uint16_t(port));
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

std::string endpoint_host(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, text,
              sizeof text);
    return std::string("[") + text + "]";
  }
  inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
  return text;
}

int endpoint_port(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

UdpBatch::~UdpBatch() {
  if (fd_ >= 0) ::close(fd_);
}

std::string UdpBatch::open(const sockaddr_storage& peer, int buffer_bytes) {
  fd_ = ::socket(peer.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return std::string("socket: ") + std::strerror(errno);
  // The *FORCE variants pass net.core.[rw]mem_max when run as root; otherwise the capped request.
  if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  if (setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &buffer_bytes, sizeof buffer_bytes) != 0)
    setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
  sockaddr_storage local{};
  socklen_t len = 0;
  // Bind to the server's own address (loopback in every use here), port 0.
  local = peer;
  if (local.ss_family == AF_INET6) {
    reinterpret_cast<sockaddr_in6*>(&local)->sin6_port = 0;
    len = sizeof(sockaddr_in6);
  } else {
    reinterpret_cast<sockaddr_in*>(&local)->sin_port = 0;
    len = sizeof(sockaddr_in);
  }
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), len) != 0)
    return std::string("bind: ") + std::strerror(errno);
  sockaddr_storage bound{};
  socklen_t blen = sizeof bound;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &blen);
  local_port_ = endpoint_port(bound);
  local_host_ = endpoint_host(bound);
  return {};
}

int UdpBatch::receive() {
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  for (int i = 0; i < kBatch; ++i) {
    iov[i] = {in_[i].data(), kSlot};
    msgs[i].msg_hdr = {};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &in_addr_[i];
    msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    msgs[i].msg_len = 0;
  }
  int n = ::recvmmsg(fd_, msgs, kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) {
    in_len_[i] = msgs[i].msg_len;
    in_addr_len_[i] = msgs[i].msg_hdr.msg_namelen;
  }
  return n;
}

char* UdpBatch::slot() {
  if (out_count_ == kBatch) flush();
  return out_[out_count_].data();
}

void UdpBatch::commit(size_t len, const sockaddr_storage& to, socklen_t to_len) {
  out_len_[out_count_] = len;
  out_addr_[out_count_] = to;
  out_addr_len_[out_count_] = to_len;
  ++out_count_;
}

int UdpBatch::flush() {
  int refused = 0;
  int done = 0;
  while (done < out_count_) {
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    int n = out_count_ - done;
    for (int i = 0; i < n; ++i) {
      iov[i] = {out_[done + i].data(), out_len_[done + i]};
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &out_addr_[done + i];
      msgs[i].msg_hdr.msg_namelen = out_addr_len_[done + i];
    }
    int sent = ::sendmmsg(fd_, msgs, unsigned(n), 0);
    if (sent <= 0) {
      // EAGAIN / ENOBUFS: the datagram is lost like any other UDP loss; skip it.
      ++refused;
      ++done;
      continue;
    }
    done += sent;
  }
  out_count_ = 0;
  return refused;
}

}  // namespace pinana::bench
