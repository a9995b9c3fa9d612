// UdpTransport: SIP over one UDP socket (RFC 3261 §18), IPv4 or IPv6.
//
// Receives datagrams of up to 65,535 bytes, parses each as one message (Framing::kDatagram:
// trailing octets after Content-Length are ignored, a short body is an error), stamps received /
// rport on requests (RFC 3581) and hands them to the TransportUser. A malformed request with a
// usable top Via gets a stateless error response sent back to the address it came from; a
// malformed response is dropped. Datagrams of nothing but CRLF / whitespace (keep-alives) are
// ignored.
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
};

class UdpTransport final : public Transport {
 public:
  static constexpr size_t kMaxDatagram = 65535;

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

 private:
  void start_receive();
  void on_datagram(size_t size);
  void send_to(const boost::asio::ip::udp::endpoint& to, std::string bytes);
  void report(TransportError::Kind kind, const Endpoint& remote, Error error);

  TransportUser& user_;
  UdpOptions options_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::resolver resolver_;
  std::vector<char> buffer_;
  boost::asio::ip::udp::endpoint sender_;
  Endpoint local_;
  // Completion handlers hold a weak reference and do nothing once the transport is gone, so that
  // running the io_context after destroying the transport is harmless.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace pinana::sip::transport
