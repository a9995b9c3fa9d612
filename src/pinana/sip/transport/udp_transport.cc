#include "pinana/sip/transport/udp_transport.h"

#include <boost/asio/error.hpp>

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
  if (ec) {
    socket_.close();
    return Error{0, "cannot bind UDP " + local.to_string() + ": " + ec.message()};
  }
  const auto bound = socket_.local_endpoint(ec);
  local_ = Endpoint::normalized(bound.address(), bound.port());
  buffer_.resize(kMaxDatagram + 1);
  start_receive();
  return Status::Ok();
}

void UdpTransport::close() {
  error_code ec;
  resolver_.cancel();
  socket_.close(ec);
}

void UdpTransport::start_receive() {
  socket_.async_receive_from(
      boost::asio::buffer(buffer_), sender_,
      [this, alive = std::weak_ptr<int>(alive_)](const error_code& ec, size_t n) {
        if (alive.expired() || !socket_.is_open()) return;
        if (ec == boost::asio::error::operation_aborted ||
            ec == boost::asio::error::bad_descriptor) {
          return;
        }
        // Other errors (an ICMP port unreachable surfaces as connection_refused) concern one
        // earlier send, not the socket: keep receiving.
        if (!ec) on_datagram(n);
        if (socket_.is_open()) start_receive();
      });
}

void UdpTransport::on_datagram(size_t size) {
  const std::string_view bytes(buffer_.data(), size);
  if (only_whitespace(bytes)) return;  // RFC 5626 keep-alive, or noise
  const Endpoint remote = Endpoint::normalized(sender_.address(), sender_.port());
  if (size > kMaxDatagram) {
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
    send_to(sender_, std::move(*r.reply));
  }
  report(TransportError::Kind::kParse, remote, Error{answered, r.error.reason});
}

Status UdpTransport::send(const Destination& to, std::string bytes) {
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
  if (!ec) {
    ip::udp::endpoint ep(address, to.port);
    if (address.is_v4() && local_.address.is_v6()) {
      // A dual-stack IPv6 socket reaches IPv4 peers through mapped addresses.
      ep = ip::udp::endpoint(ip::make_address_v6(ip::v4_mapped, address.to_v4()), to.port);
    } else if (address.is_v6() && local_.address.is_v4()) {
      return Error{0, "cannot reach " + to.to_string() + " from " + local_.to_string()};
    }
    send_to(ep, std::move(bytes));
    return Status::Ok();
  }
  // A DNS name (sent-by host): resolve, then send to the first address of the socket's family.
  const bool v6 = local_.address.is_v6();
  resolver_.async_resolve(
      to.host, std::to_string(to.port),
      [this, alive = std::weak_ptr<int>(alive_), v6, to,
       data = std::make_unique<std::string>(std::move(bytes))](
          const error_code& rec, const ip::udp::resolver::results_type& results) mutable {
        if (alive.expired() || rec == boost::asio::error::operation_aborted) return;
        for (const auto& entry : results) {
          if (rec) break;
          if (entry.endpoint().address().is_v6() == v6) {
            send_to(entry.endpoint(), std::move(*data));
            return;
          }
        }
        report(TransportError::Kind::kSend, Endpoint{},
               Error{0, "cannot resolve " + to.to_string() + (rec ? ": " + rec.message() : "")});
      });
  return Status::Ok();
}

void UdpTransport::send_to(const ip::udp::endpoint& to, std::string bytes) {
  auto data = std::make_unique<std::string>(std::move(bytes));
  auto buffer = boost::asio::buffer(*data);
  socket_.async_send_to(buffer, to,
                        [this, alive = std::weak_ptr<int>(alive_), to, data = std::move(data)](
                            const error_code& ec, size_t) {
                          if (alive.expired() || !ec || ec == boost::asio::error::operation_aborted)
                            return;
                          report(TransportError::Kind::kSend,
                                 Endpoint::normalized(to.address(), to.port()),
                                 Error{0, "send failed: " + ec.message()});
                        });
}

void UdpTransport::report(TransportError::Kind kind, const Endpoint& remote, Error error) {
  user_.on_transport_error(
      TransportError{kind, TransportKind::kUdp, local_, remote, {}, std::move(error)});
}

}  // namespace pinana::sip::transport
