// UdpTransport: SIP over one UDP socket (RFC 3261 §18), IPv4 or IPv6.
//
// Receives datagrams of up to 65,535 bytes, parses each as one message (Framing::kDatagram:
// trailing octets after Content-Length are ignored, a short body is an error), stamps received /
// rport on requests (RFC 3581) and hands them to the TransportUser. A malformed request with a
// usable top Via gets a stateless error response sent back to the address it came from; a
// malformed response is dropped. Datagrams of nothing but CRLF / whitespace (keep-alives) are
// ignored.
//
// Socket I/O is batched (Linux recvmmsg / sendmmsg): when the socket turns readable, up to
// kBatch datagrams are taken in one system call and handed to the user one by one; the datagrams
// the user sends meanwhile are queued and written with one sendmmsg at the end of the batch. Sends
// made outside a receive batch (from timers, from other handlers) are flushed by one handler
// posted to `io`, so a burst made in one handler still costs one system call per kBatch
// datagrams. A full socket send buffer parks the queue until the socket is writable; more than
// kMaxQueued waiting datagrams are refused (kSend error). Order of sends is kept.
//
// Threading: the transport belongs to the thread that runs `io`. Call every member there (or
// before that thread starts running `io`); other threads post to `io`. Callbacks to the user run on
// that thread. Do not destroy the transport from inside a callback; destroy it only when `io` is
// stopped or from a handler posted to `io`. The user must outlive the transport.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "pinana/sip/transport/transport.h"

namespace pinana::sip::transport {

struct UdpOptions {
  // Refuse to send requests above kMaxUdpRequestBytes (RFC 3261 §18.1.1): the caller must use TCP.
  bool enforce_request_size_limit = true;
  // SO_RCVBUF / SO_SNDBUF asked of the kernel (0: the system default). A presence server takes
  // bursts of NOTIFY responses; a small receive buffer drops them and causes retransmissions.
  int socket_buffer_bytes = 16 << 20;
};

class UdpTransport final : public Transport {
 public:
  static constexpr size_t kMaxDatagram = 65535;
  static constexpr size_t kBatch = 32;           // datagrams per recvmmsg / sendmmsg
  static constexpr size_t kMaxQueued = 1 << 16;  // datagrams waiting to be sent

  UdpTransport(boost::asio::io_context& io, TransportUser& user, UdpOptions options = {});
  ~UdpTransport() override;
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  // Binds to `local` (port 0 picks a free port) and starts receiving.
  Status open(const Endpoint& local);
  // The bound address and port (after open()).
  const Endpoint& local_endpoint() const { return local_; }
  // Stops receiving and closes the socket; pending sends are abandoned.
  void close();

  TransportKind kind() const override { return TransportKind::kUdp; }
  // `to.connection` is ignored. A DNS name in `to.host` is resolved first.
  Status send(const Destination& to, std::string bytes) override;
  // The same for bytes the caller keeps (a transaction's request): they are copied into a queue
  // slot the transport reuses, so a send allocates nothing once the queue is warm.
  Status send_view(const Destination& to, std::string_view bytes);

 private:
  static constexpr size_t kSlot = kMaxDatagram + 1;  // one receive buffer; a full one is too large
  static constexpr int kRoundsPerWakeup = 8;

  struct Outgoing {
    boost::asio::ip::udp::endpoint to;
    std::string bytes;
  };

  void start_receive();
  void receive_batch();
  void on_datagram(std::string_view bytes, const boost::asio::ip::udp::endpoint& from);
  void send_to(const boost::asio::ip::udp::endpoint& to, std::string_view bytes);
  // Writes queued datagrams until the queue is empty or the socket would block.
  void flush();
  void schedule_flush();
  void report(TransportError::Kind kind, const Endpoint& remote, Error error);

  TransportUser& user_;
  UdpOptions options_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::resolver resolver_;
  // kBatch slots of kSlot bytes, left uninitialized: pages the kernel never writes stay unmapped.
  std::unique_ptr<char[]> buffer_;
  Endpoint local_;
  static constexpr size_t kWarmSlots = 256;  // queue slots kept between batches
  std::vector<Outgoing> queue_;  // queue_[sent_..queued_) wait to be sent; the rest are spare
  size_t queued_ = 0;
  size_t sent_ = 0;
  bool in_batch_ = false;  // receiving: the batch's end flushes
  bool flush_posted_ = false;
  bool waiting_writable_ = false;
  // Completion handlers hold a weak reference and do nothing once the transport is gone, so that
  // running the io_context after destroying the transport is harmless.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace pinana::sip::transport
