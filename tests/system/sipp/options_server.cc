// sipp_options_server: a tiny SIP server built on pinana's UDP and TCP transports, for the system
// test that drives it with a real peer (SIPp). It answers OPTIONS with 200 and every other request
// except ACK with 501, routing each response with route_response() (same TCP connection; rport
// over UDP).
//
// Usage: sipp_options_server [--address A] [--seconds N]
// Listens on A (default 127.0.0.1), UDP and TCP on ephemeral ports, and prints
//   udp <port> / tcp <port> / free <p1> <p2> <p3> / ready
// on stdout: the "free" ports were free a moment ago, for the test script's SIPp instances. Exits
// after N seconds (default 60) or on SIGTERM / SIGINT. Everything runs on one thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "pinana/sip/transport/response_routing.h"
#include "pinana/sip/transport/tcp_transport.h"
#include "pinana/sip/transport/udp_transport.h"

namespace {

namespace ip = boost::asio::ip;
using namespace pinana::sip;
using namespace pinana::sip::transport;

// A response to `request` built with the Message API: the Via fields (as stamped by the transport),
// From, To (tagged), Call-ID and CSeq, as RFC 3261 §8.2.6.2 asks.
std::string make_response(const Message& request, int status, std::string_view reason) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& h : request.headers()) {
    switch (h.id) {
      case HeaderId::kVia:
      case HeaderId::kFrom:
      case HeaderId::kCallId:
      case HeaderId::kCSeq:
        out += std::string(canonical_name(h.id)) + ": " + std::string(h.value) + "\r\n";
        break;
      default:
        break;
    }
  }
  if (const NameAddr* to = request.to()) {
    out += "To: " + std::string(request.value(HeaderId::kTo));
    if (!to->params.has("tag")) out += ";tag=pinana-test";
    out += "\r\n";
  }
  if (status == 200) out += "Allow: OPTIONS\r\nAccept: application/sdp\r\n";
  out += "Server: pinana-sipp-options-server\r\nContent-Length: 0\r\n\r\n";
  return out;
}

class OptionsServer : public TransportUser {
 public:
  explicit OptionsServer(boost::asio::io_context& io) : udp_(io, *this), tcp_(io, *this) {}

  pinana::Status start(const ip::address& address) {
    if (auto s = udp_.open(Endpoint{address, 0}); !s) return s;
    return tcp_.listen(Endpoint{address, 0});
  }
  uint16_t udp_port() const { return udp_.local_endpoint().port; }
  uint16_t tcp_port() const { return tcp_.listen_endpoint().port; }
  void stop() {
    udp_.close();
    tcp_.close();
  }

  void on_message(IncomingMessage in) override {
    const Message& m = in.message;
    if (!m.is_request() || m.method_id() == Method::kAck) return;
    const bool options = m.method_id() == Method::kOptions;
    auto bytes = make_response(m, options ? 200 : 501, options ? "OK" : "Not Implemented");
    auto response = Message::from_bytes(bytes, Framing::kDatagram);
    if (!response) {
      std::cerr << "built a bad response: " << response.error().reason << "\n";
      return;
    }
    auto to = route_response(response.value(), in.connection);
    if (!to) {
      std::cerr << "cannot route: " << to.error().reason << "\n";
      return;
    }
    Transport& t = to->transport == TransportKind::kUdp ? static_cast<Transport&>(udp_) : tcp_;
    if (auto s = t.send(to.value(), std::move(bytes)); !s) {
      std::cerr << "send failed: " << s.error().reason << "\n";
    }
  }
  void on_transport_error(const TransportError& e) override {
    std::cerr << "transport error from " << e.remote.to_string() << ": " << e.error.reason << "\n";
  }

 private:
  UdpTransport udp_;
  TcpTransport tcp_;
};

// `n` distinct ports that are free for both UDP and TCP right now (all held until chosen).
std::vector<uint16_t> free_ports(boost::asio::io_context& io, const ip::address& address,
                                 size_t n) {
  std::vector<ip::udp::socket> udp;
  std::vector<ip::tcp::acceptor> tcp;
  std::vector<uint16_t> ports;
  for (int attempt = 0; attempt < 50 && ports.size() < n; ++attempt) {
    ip::udp::socket u(io, ip::udp::endpoint(address, 0));
    const uint16_t port = u.local_endpoint().port();
    boost::system::error_code ec;
    ip::tcp::acceptor t(io);
    t.open(address.is_v6() ? ip::tcp::v6() : ip::tcp::v4(), ec);
    if (!ec) t.bind(ip::tcp::endpoint(address, port), ec);
    if (ec) continue;
    ports.push_back(port);
    udp.push_back(std::move(u));
    tcp.push_back(std::move(t));
  }
  return ports;
}

}  // namespace

int main(int argc, char** argv) {
  std::string address_text = "127.0.0.1";
  int seconds = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--address") {
      address_text = argv[i + 1];
    } else if (flag == "--seconds") {
      seconds = std::atoi(argv[i + 1]);
    } else {
      std::cerr << "usage: sipp_options_server [--address A] [--seconds N]\n";
      return 64;
    }
  }
  boost::system::error_code ec;
  const ip::address address = ip::make_address(address_text, ec);
  if (ec) {
    std::cerr << "bad address " << address_text << "\n";
    return 64;
  }

  boost::asio::io_context io;
  OptionsServer server(io);
  if (auto s = server.start(address); !s) {
    std::cerr << s.error().reason << "\n";
    return 1;
  }
  std::cout << "udp " << server.udp_port() << "\ntcp " << server.tcp_port() << "\nfree";
  for (uint16_t p : free_ports(io, address, 3)) std::cout << " " << p;
  std::cout << "\nready" << std::endl;

  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  boost::asio::steady_timer deadline(io, std::chrono::seconds(seconds));
  auto stop = [&] {
    server.stop();
    io.stop();
  };
  signals.async_wait([&](const boost::system::error_code&, int) { stop(); });
  deadline.async_wait([&](const boost::system::error_code& e) {
    if (!e) stop();
  });
  io.run();
  return 0;
}
