#include "pinana/sip/transport/udp_transport.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "pinana/sip/transport/inbound.h"
#include "pinana/sip/transport/response_routing.h"

namespace pinana::sip::transport {
namespace {

namespace ip = boost::asio::ip;
using boost::system::error_code;

// Between 63 and 65,507 bytes depending on the family and options; larger is never deliverable.
constexpr size_t kMaxSendDatagram = 65507;

bool only_whitespace(std::string_view bytes) {
  for (char c : bytes)
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t') return false;
  return true;
}

bool is_response(std::string_view bytes) {
  return bytes.substr(0, 4) == "SIP/";
}

}  // namespace

UdpTransport::UdpTransport(boost::asio::io_context& io, TransportUser& user, UdpOptions options)
    : user_(user), options_(options), socket_(io), resolver_(io) {}

UdpTransport::~UdpTransport() {
  close();
}

Status UdpTransport::open(const Endpoint& local) {
  if (socket_.is_open()) return Error{0, "already open"};
  error_code ec;
  const ip::udp::endpoint ep(local.address, local.port);
  socket_.open(ep.protocol(), ec);
  if (!ec) socket_.bind(ep, ec);
  if (!ec) socket_.non_blocking(true, ec);
  if (ec) {
    socket_.close();
    return Error{0, "cannot bind UDP " + local.to_string() + ": " + ec.message()};
  }
  if (options_.socket_buffer_bytes > 0) {
    // Best effort: the kernel caps the size at net.core.{r,w}mem_max (root may exceed it).
    const int fd = socket_.native_handle();
    const int size = options_.socket_buffer_bytes;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
      (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
      (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  const auto bound = socket_.local_endpoint(ec);
  local_ = Endpoint::normalized(bound.address(), bound.port());
  if (!buffer_) buffer_.reset(new char[kBatch * kSlot]);
  start_receive();
  return Status::Ok();
}

void UdpTransport::close() {
  error_code ec;
  resolver_.cancel();
  socket_.close(ec);
  queue_.clear();
  queued_ = 0;
  sent_ = 0;
}

void UdpTransport::start_receive() {
  socket_.async_wait(ip::udp::socket::wait_read, [this, alive = std::weak_ptr<int>(alive_)](
                                                     const error_code& ec) {
    if (alive.expired() || !socket_.is_open()) return;
    if (ec == boost::asio::error::operation_aborted || ec == boost::asio::error::bad_descriptor) {
      return;
    }
    receive_batch();
  });
}

void UdpTransport::receive_batch() {
  const int fd = socket_.native_handle();
  std::array<mmsghdr, kBatch> msgs;
  std::array<iovec, kBatch> iov;
  std::array<sockaddr_storage, kBatch> from;
  in_batch_ = true;
  // A bounded number of rounds per wake-up, so that timers and other sockets get their turn.
  for (int round = 0; round < kRoundsPerWakeup && socket_.is_open(); ++round) {
    for (size_t i = 0; i < kBatch; ++i) {
      iov[i] = iovec{buffer_.get() + i * kSlot, kSlot};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      // EINTR, or an error about an earlier send (ICMP): it is consumed; read on.
      continue;
    }
    for (int i = 0; i < n && socket_.is_open(); ++i) {
      ip::udp::endpoint sender;
      const size_t len = std::min<size_t>(msgs[i].msg_hdr.msg_namelen, sender.capacity());
      std::memcpy(sender.data(), &from[i], len);
      sender.resize(len);
      size_t size = msgs[i].msg_len;
      if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) size = kSlot;  // reported as too large
      on_datagram(std::string_view(buffer_.get() + i * kSlot, size), sender);
    }
    if (static_cast<size_t>(n) < kBatch) break;
  }
  in_batch_ = false;
  flush();
  if (socket_.is_open()) start_receive();
}

void UdpTransport::on_datagram(std::string_view bytes, const ip::udp::endpoint& from) {
  if (only_whitespace(bytes)) return;  // RFC 5626 keep-alive, or noise
  const Endpoint remote = Endpoint::normalized(from.address(), from.port());
  if (bytes.size() > kMaxDatagram) {
    report(TransportError::Kind::kLimit, remote, Error{0, "datagram larger than 65535 bytes"});
    return;
  }
  Received r = receive(bytes, Framing::kDatagram, remote);
  if (r.message) {
    user_.on_message(
        IncomingMessage{std::move(*r.message), TransportKind::kUdp, local_, remote, {}});
    return;
  }
  int answered = 0;
  if (r.reply) {
    answered = r.error.status;
    send_to(from, *r.reply);
  }
  report(TransportError::Kind::kParse, remote, Error{answered, r.error.reason});
}

Status UdpTransport::send(const Destination& to, std::string bytes) {
  return send_view(to, bytes);
}

Status UdpTransport::send_view(const Destination& to, std::string_view bytes) {
  if (!socket_.is_open()) return Error{0, "UDP transport is closed"};
  if (bytes.size() > kMaxSendDatagram) {
    return Error{513,
                 "message of " + std::to_string(bytes.size()) + " bytes does not fit a datagram"};
  }
  if (options_.enforce_request_size_limit && !is_response(bytes) &&
      must_use_congestion_controlled(bytes.size())) {
    return Error{513, "request of " + std::to_string(bytes.size()) +
                          " bytes must be sent over TCP (RFC 3261 18.1.1)"};
  }
  if (to.host.empty() || to.port == 0) return Error{0, "no destination address"};
  error_code ec;
  const ip::address address = ip::make_address(to.host, ec);
  if (queued_ - sent_ >= kMaxQueued) return Error{0, "UDP send queue full"};
  if (!ec) {
    ip::udp::endpoint ep(address, to.port);
    if (address.is_v4() && local_.address.is_v6()) {
      // A dual-stack IPv6 socket reaches IPv4 peers through mapped addresses.
      ep = ip::udp::endpoint(ip::make_address_v6(ip::v4_mapped, address.to_v4()), to.port);
    } else if (address.is_v6() && local_.address.is_v4()) {
      return Error{0, "cannot reach " + to.to_string() + " from " + local_.to_string()};
    }
    send_to(ep, bytes);
    return Status::Ok();
  }
  // A DNS name (sent-by host): resolve, then send to the first address of the socket's family.
  const bool v6 = local_.address.is_v6();
  resolver_.async_resolve(
      to.host, std::to_string(to.port),
      [this, alive = std::weak_ptr<int>(alive_), v6, to,
       data = std::make_unique<std::string>(bytes)](
          const error_code& rec, const ip::udp::resolver::results_type& results) mutable {
        if (alive.expired() || rec == boost::asio::error::operation_aborted) return;
        for (const auto& entry : results) {
          if (rec) break;
          if (entry.endpoint().address().is_v6() == v6) {
            send_to(entry.endpoint(), *data);
            return;
          }
        }
        report(TransportError::Kind::kSend, Endpoint{},
               Error{0, "cannot resolve " + to.to_string() + (rec ? ": " + rec.message() : "")});
      });
  return Status::Ok();
}

void UdpTransport::send_to(const ip::udp::endpoint& to, std::string_view bytes) {
  if (!socket_.is_open()) return;
  // Slots are reused: once warm, queueing a datagram is a copy into memory already held.
  if (queued_ == queue_.size()) queue_.emplace_back();
  Outgoing& o = queue_[queued_++];
  o.to = to;
  o.bytes.assign(bytes.data(), bytes.size());
  if (!in_batch_) schedule_flush();
}

void UdpTransport::schedule_flush() {
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(socket_.get_executor(), [this, alive = std::weak_ptr<int>(alive_)] {
    if (alive.expired()) return;
    flush_posted_ = false;
    flush();
  });
}

void UdpTransport::flush() {
  if (waiting_writable_ || !socket_.is_open()) return;
  const int fd = socket_.native_handle();
  std::array<mmsghdr, kBatch> msgs;
  std::array<iovec, kBatch> iov;
  while (sent_ < queued_) {
    const size_t n = std::min(kBatch, queued_ - sent_);
    for (size_t i = 0; i < n; ++i) {
      Outgoing& o = queue_[sent_ + i];
      iov[i] = iovec{o.bytes.data(), o.bytes.size()};
      msgs[i] = mmsghdr{};
      msgs[i].msg_hdr.msg_name = o.to.data();
      msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(o.to.size());
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int r = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT);
    if (r > 0) {
      sent_ += static_cast<size_t>(r);
      continue;
    }
    const int err = r < 0 ? errno : EIO;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      // The send buffer is full: wait until the socket drains.
      waiting_writable_ = true;
      socket_.async_wait(ip::udp::socket::wait_write,
                         [this, alive = std::weak_ptr<int>(alive_)](const error_code& ec) {
                           if (alive.expired()) return;
                           waiting_writable_ = false;
                           if (!ec) flush();
                         });
      return;
    }
    // The first datagram of the batch cannot be sent (bad address, unreachable): report it and
    // go on with the rest. The report may queue more sends; the loop takes them too.
    const ip::udp::endpoint to = queue_[sent_].to;
    ++sent_;
    report(TransportError::Kind::kSend, Endpoint::normalized(to.address(), to.port()),
           Error{0, std::string("send failed: ") + std::strerror(err)});
    if (!socket_.is_open()) return;
  }
  queued_ = 0;
  sent_ = 0;
  // Keep enough warm slots for a usual batch, not the memory of a past burst.
  if (queue_.size() > kWarmSlots) queue_.resize(kWarmSlots);
}

void UdpTransport::report(TransportError::Kind kind, const Endpoint& remote, Error error) {
  user_.on_transport_error(
      TransportError{kind, TransportKind::kUdp, local_, remote, {}, std::move(error)});
}

}  // namespace pinana::sip::transport
