// Test peers for the HubServer tests: a SIP user agent's socket (UDP or TCP, on 127.0.0.1) that
// runs on the hub's own io_context, a request builder, and bounded waits that drive that
// io_context. Tests only.
//
// Everything runs on the test's thread, which is also the thread that runs the io_context: every
// wait turns the io_context for at most its limit (2 s by default), so a missing response fails
// the test instead of hanging it. A peer owns its socket; its completion handlers hold a weak
// token and do nothing once the peer is gone.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/write.hpp>

#include "pinana/sip/message.h"
#include "pinana/sip/transport/stream_framer.h"

namespace pinana::hub::testing {

inline constexpr std::chrono::milliseconds kWaitLimit{2000};

// Turns `io` until `done()` holds or `limit` passes; returns done().
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = kWaitLimit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

// One message a peer received: the exact bytes and their parse.
struct Received {
  std::string raw;
  sip::Message message;
};

inline std::string header(const sip::Message& m, std::string_view name) {
  const sip::HeaderField* h = m.find(name);
  return h ? std::string(h->value) : std::string();
}

// Every value of the header fields named like `name` (long or compact form), in wire order.
inline std::vector<std::string> all_headers(const sip::Message& m, std::string_view name) {
  std::vector<std::string> out;
  const sip::HeaderField* first = m.find(name);
  if (first == nullptr) return out;
  for (const auto& h : m.headers())
    if (h.id == first->id && (h.id != sip::HeaderId::kUnknown || h.name == first->name))
      out.emplace_back(h.value);
  return out;
}

// Builds request text; set() replaces a header (or appends it), remove() drops it.
class RequestBuilder {
 public:
  RequestBuilder(std::string method, std::string uri)
      : method_(std::move(method)), uri_(std::move(uri)) {}
  RequestBuilder& set(const std::string& name, std::string value) {
    for (auto& [n, v] : headers_)
      if (n == name) {
        v = std::move(value);
        return *this;
      }
    headers_.emplace_back(name, std::move(value));
    return *this;
  }
  RequestBuilder& remove(const std::string& name) {
    std::erase_if(headers_, [&](const auto& h) { return h.first == name; });
    return *this;
  }
  RequestBuilder& body(std::string content_type, std::string text) {
    content_type_ = std::move(content_type);
    body_ = std::move(text);
    return *this;
  }
  const std::string& method() const { return method_; }
  const std::string& uri() const { return uri_; }
  std::string text() const {
    std::string out = method_ + " " + uri_ + " SIP/2.0\r\n";
    for (const auto& [n, v] : headers_) out += n + ": " + v + "\r\n";
    if (!content_type_.empty()) out += "Content-Type: " + content_type_ + "\r\n";
    out += "Content-Length: " + std::to_string(body_.size()) + "\r\n\r\n" + body_;
    return out;
  }

 private:
  std::string method_, uri_, content_type_, body_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// A response to a request the hub sent (a NOTIFY): Via, From, To, Call-ID and CSeq copied.
inline std::string response_to(const sip::Message& request, int status, std::string_view reason) {
  std::string out = "SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  for (const auto& h : request.headers()) {
    if (h.id == sip::HeaderId::kVia || h.id == sip::HeaderId::kFrom || h.id == sip::HeaderId::kTo ||
        h.id == sip::HeaderId::kCallId || h.id == sip::HeaderId::kCSeq)
      out += std::string(sip::canonical_name(h.id)) + ": " + std::string(h.value) + "\r\n";
  }
  return out + "Content-Length: 0\r\n\r\n";
}

// A user agent's socket talking to the hub. Received messages queue in `inbox` until a test
// takes them.
class Peer {
 public:
  explicit Peer(boost::asio::io_context& io) : io_(io) {}
  virtual ~Peer() = default;
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  virtual void send(const std::string& bytes) = 0;
  virtual uint16_t port() const = 0;
  virtual std::string_view transport() const = 0;  // "UDP" / "TCP"

  std::string via(const std::string& branch) const {
    return "SIP/2.0/" + std::string(transport()) + " 127.0.0.1:" + std::to_string(port()) +
           ";branch=" + branch + ";rport";
  }
  std::string contact(const std::string& user) const {
    const std::string t = transport() == "TCP" ? ";transport=tcp" : "";
    return "<sip:" + user + "@127.0.0.1:" + std::to_string(port()) + t + ">";
  }

  // The first response whose top Via has `branch`; nullopt if none within `limit`.
  std::optional<Received> take_response(const std::string& branch,
                                        std::chrono::milliseconds limit = kWaitLimit) {
    return take(
        [&](const sip::Message& m) {
          return m.is_response() && m.top_via() && m.top_via()->branch() == branch;
        },
        limit);
  }
  // The first response of any kind.
  std::optional<Received> take_any_response(std::chrono::milliseconds limit = kWaitLimit) {
    return take([](const sip::Message& m) { return m.is_response(); }, limit);
  }
  // The first request of `method` not taken before: retransmissions of a request already taken
  // (same Call-ID and CSeq) are dropped on the way.
  std::optional<Received> take_request(std::string_view method,
                                       std::chrono::milliseconds limit = kWaitLimit) {
    return take(
        [&](const sip::Message& m) {
          return m.is_request() && m.method() == method && !seen_.count(key_of(m));
        },
        limit);
  }
  // True if a request of `method` not taken before is waiting in the inbox (no waiting).
  bool has_new_request(std::string_view method) const {
    for (const auto& r : inbox)
      if (r.message.is_request() && r.message.method() == method && !seen_.count(key_of(r.message)))
        return true;
    return false;
  }

  std::deque<Received> inbox;
  size_t unparsable = 0;

 protected:
  void deliver(std::string raw, sip::Framing framing) {
    auto m = sip::Message::from_bytes(raw, framing);
    if (!m.ok()) {
      ++unparsable;
      ADD_FAILURE() << "unparsable message from the hub: " << m.error().reason << "\n" << raw;
      return;
    }
    inbox.push_back(Received{std::move(raw), std::move(m).value()});
  }

  boost::asio::io_context& io_;
  // Completion handlers check this token before touching the peer.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

 private:
  static std::string key_of(const sip::Message& m) {
    return std::string(m.call_id()) + "|" + std::to_string(m.cseq() ? m.cseq()->sequence : 0);
  }

  std::optional<Received> take(const std::function<bool(const sip::Message&)>& match,
                               std::chrono::milliseconds limit) {
    std::optional<Received> out;
    run_until(
        io_,
        [&] {
          for (auto it = inbox.begin(); it != inbox.end(); ++it) {
            if (!match(it->message)) continue;
            out = std::move(*it);
            inbox.erase(it);
            if (out->message.is_request()) seen_.insert(key_of(out->message));
            return true;
          }
          return false;
        },
        limit);
    return out;
  }

  std::set<std::string> seen_;
};

class UdpPeer final : public Peer {
 public:
  UdpPeer(boost::asio::io_context& io, boost::asio::ip::udp::endpoint hub)
      : Peer(io),
        socket_(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        hub_(std::move(hub)) {
    receive();
  }
  ~UdpPeer() override {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  void send(const std::string& bytes) override {
    boost::system::error_code ec;
    socket_.send_to(boost::asio::buffer(bytes), hub_, 0, ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  uint16_t port() const override { return socket_.local_endpoint().port(); }
  std::string_view transport() const override { return "UDP"; }

 private:
  void receive() {
    socket_.async_receive_from(
        boost::asio::buffer(buffer_), sender_,
        [this, token = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec, size_t n) {
          if (token.expired() || ec) return;
          deliver(std::string(buffer_.data(), n), sip::Framing::kDatagram);
          receive();
        });
  }

  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint hub_;
  boost::asio::ip::udp::endpoint sender_;
  std::array<char, 65536> buffer_{};
};

class TcpPeer final : public Peer {
 public:
  TcpPeer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& hub)
      : Peer(io), socket_(io) {
    boost::system::error_code ec;
    socket_.connect(hub, ec);  // the listener's backlog completes it without turning io
    EXPECT_FALSE(ec) << ec.message();
    if (!ec) receive();
  }
  ~TcpPeer() override {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  void send(const std::string& bytes) override {
    boost::system::error_code ec;
    boost::asio::write(socket_, boost::asio::buffer(bytes), ec);
    EXPECT_FALSE(ec) << ec.message();
  }
  uint16_t port() const override { return socket_.local_endpoint().port(); }
  std::string_view transport() const override { return "TCP"; }
  bool closed_by_hub() const { return closed_; }

 private:
  void receive() {
    socket_.async_read_some(
        boost::asio::buffer(buffer_),
        [this, token = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec, size_t n) {
          if (token.expired()) return;
          if (ec) {
            closed_ = true;
            return;
          }
          framer_.feed(std::string_view(buffer_.data(), n));
          for (;;) {
            auto frame = framer_.next();
            if (frame.kind == sip::transport::StreamFramer::Kind::kMessage) {
              deliver(std::string(frame.bytes), sip::Framing::kStream);
            } else if (frame.kind == sip::transport::StreamFramer::Kind::kFault) {
              ADD_FAILURE() << "hub sent an unframable stream: " << frame.fault.reason;
              return;
            } else if (frame.kind == sip::transport::StreamFramer::Kind::kNeedMore) {
              break;
            }
          }
          receive();
        });
  }

  boost::asio::ip::tcp::socket socket_;
  sip::transport::StreamFramer framer_;
  std::array<char, 16384> buffer_{};
  bool closed_ = false;
};

}  // namespace pinana::hub::testing
