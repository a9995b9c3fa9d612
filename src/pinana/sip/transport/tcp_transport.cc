#include "pinana/sip/transport/tcp_transport.h"

#include <array>
#include <deque>
#include <optional>
#include <span>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pinana/sip/transport/inbound.h"

namespace pinana::sip::transport {
namespace {

namespace ip = boost::asio::ip;
using boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr std::string_view kPong = "\r\n";
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
constexpr size_t kMaxGather = 16;

std::pair<ip::address, uint16_t> key_of(const Endpoint& e) {
  return {e.address, e.port};
}

}  // namespace

// One stream connection, accepted or initiated. Owned by connections_; kept alive until every
// asynchronous operation that refers to it has completed (`pending` back to zero).
struct TcpTransport::Connection {
  Connection(boost::asio::io_context& io, ip::tcp::socket s, const FramerLimits& limits)
      : socket(std::move(s)), timer(io), framer(limits) {}

  ConnectionId id;
  ip::tcp::socket socket;
  boost::asio::steady_timer timer;  // connect timeout, then idle timeout, then drain timeout
  StreamFramer framer;
  std::deque<std::string> queue;  // unsent output; front() is being written while `writing`
  size_t queued_bytes = 0;
  size_t write_offset = 0;  // bytes of queue.front() already written
  std::array<boost::asio::const_buffer, kMaxGather> gather;  // the write in flight
  Endpoint local, remote;
  SteadyTime last_read;
  std::optional<SteadyTime> partial_since;  // when the message now being received began
  bool timer_armed = false;
  int pending = 0;
  bool connected = false;
  bool writing = false;
  bool draining = false;           // after a framing fault: input is discarded
  bool close_after_write = false;  // after a framing fault: close once the answer is out
  bool peer_eof = false;
  bool closing = false;
  bool erase_posted = false;
  std::array<char, 2048> scratch;  // discarded input while draining
};

struct TcpTransport::Listener {
  explicit Listener(boost::asio::io_context& io) : acceptor(io), backoff(io) {}
  ip::tcp::acceptor acceptor;
  boost::asio::steady_timer backoff;
  Endpoint local;
};

TcpTransport::TcpTransport(boost::asio::io_context& io, TransportUser& user, TcpOptions options)
    : io_(io), user_(user), options_(options), resolver_(io) {}

TcpTransport::~TcpTransport() {
  // No callbacks from here: the user may already be half torn down.
  closed_ = true;
  error_code ec;
  resolver_.cancel();
  for (auto& l : listeners_) l->acceptor.close(ec), l->backoff.cancel();
  for (auto& [id, c] : connections_) c->timer.cancel(), c->socket.close(ec);
}

Status TcpTransport::listen(const Endpoint& local) {
  if (closed_) return Error{0, "TCP transport is closed"};
  auto l = std::make_unique<Listener>(io_);
  const ip::tcp::endpoint ep(local.address, local.port);
  error_code ec;
  l->acceptor.open(ep.protocol(), ec);
  if (!ec) l->acceptor.set_option(ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) l->acceptor.bind(ep, ec);
  if (!ec) l->acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{0, "cannot listen on TCP " + local.to_string() + ": " + ec.message()};
  const auto bound = l->acceptor.local_endpoint(ec);
  l->local = Endpoint::normalized(bound.address(), bound.port());
  listeners_.push_back(std::move(l));
  start_accept(*listeners_.back());
  return Status::Ok();
}

Endpoint TcpTransport::listen_endpoint(size_t index) const {
  return index < listeners_.size() ? listeners_[index]->local : Endpoint{};
}

bool TcpTransport::is_open(ConnectionId id) const {
  auto it = connections_.find(id);
  return it != connections_.end() && !it->second->closing;
}

size_t TcpTransport::connection_count() const {
  size_t n = 0;
  for (const auto& [id, c] : connections_) n += c->closing ? 0 : 1;
  return n;
}

void TcpTransport::close_connection(ConnectionId id) {
  if (auto it = connections_.find(id); it != connections_.end()) shutdown(*it->second);
}

void TcpTransport::close() {
  if (closed_) return;
  closed_ = true;
  error_code ec;
  resolver_.cancel();
  for (auto& l : listeners_) l->acceptor.close(ec), l->backoff.cancel();
  // shutdown() only posts the erasure, so iterating here is safe.
  for (auto& [id, c] : connections_) shutdown(*c);
}

// --- accepting and connecting ----------------------------------------------------------------

void TcpTransport::start_accept(Listener& l) {
  l.acceptor.async_accept(io_, [this, alive = std::weak_ptr<int>(alive_), lp = &l](
                                   const error_code& ec, ip::tcp::socket s) {
    if (alive.expired() || closed_ || !lp->acceptor.is_open()) return;
    if (ec) {
      if (ec == boost::asio::error::operation_aborted) return;
      // Out of descriptors and the like: back off instead of spinning.
      lp->backoff.expires_after(kAcceptBackoff);
      lp->backoff.async_wait([this, alive, lp](const error_code& tec) {
        if (!alive.expired() && !tec && !closed_) start_accept(*lp);
      });
      return;
    }
    if (connection_count() >= options_.max_connections) {
      error_code ignored;
      const auto peer = s.remote_endpoint(ignored);
      s.close(ignored);
      user_.on_transport_error(TransportError{
          TransportError::Kind::kLimit,
          TransportKind::kTcp,
          lp->local,
          Endpoint::normalized(peer.address(), peer.port()),
          {},
          Error{0, "connection refused: " + std::to_string(options_.max_connections) +
                       " connections open"}});
    } else {
      Connection& c = add_connection(std::move(s), /*connected=*/true);
      if (!c.closing) {
        start_read(c);
        schedule(c);
      }
    }
    start_accept(*lp);
  });
}

TcpTransport::Connection& TcpTransport::add_connection(ip::tcp::socket socket, bool connected) {
  auto owned = std::make_unique<Connection>(io_, std::move(socket), options_.limits);
  Connection& c = *owned;
  c.id = ConnectionId{next_id_++};
  c.connected = connected;
  c.last_read = std::chrono::steady_clock::now();
  connections_.emplace(c.id, std::move(owned));
  if (connected) {
    error_code ec1, ec2, ignored;
    const auto local = c.socket.local_endpoint(ec1);
    const auto remote = c.socket.remote_endpoint(ec2);
    if (ec1 || ec2) {  // the peer reset before we looked
      shutdown(c, /*notify=*/false);
      return c;
    }
    c.socket.set_option(ip::tcp::no_delay(true), ignored);
    c.local = Endpoint::normalized(local.address(), local.port());
    c.remote = Endpoint::normalized(remote.address(), remote.port());
    by_remote_[key_of(c.remote)] = c.id;
  }
  return c;
}

void TcpTransport::connect(const Endpoint& remote, std::string bytes) {
  Connection& c = add_connection(ip::tcp::socket(io_), /*connected=*/false);
  c.remote = remote;
  by_remote_[key_of(remote)] = c.id;
  if (!enqueue(c, std::move(bytes)).ok()) return;  // held until connected
  arm_timer(c, std::chrono::steady_clock::now() + options_.connect_timeout);
  ++c.pending;
  c.socket.async_connect(
      ip::tcp::endpoint(remote.address, remote.port),
      [this, alive = std::weak_ptr<int>(alive_), cp = &c](const error_code& ec) {
        if (alive.expired() || !enter(*cp)) return;
        Connection& c = *cp;
        if (ec) {
          report(TransportError::Kind::kConnect, &c,
                 Error{0, "cannot connect to " + c.remote.to_string() + ": " + ec.message()});
          shutdown(c);
          return;
        }
        error_code lec, ignored;
        const auto local = c.socket.local_endpoint(lec);
        c.local = Endpoint::normalized(local.address(), local.port());
        c.socket.set_option(ip::tcp::no_delay(true), ignored);
        c.connected = true;
        c.last_read = std::chrono::steady_clock::now();
        c.timer.cancel();  // the connect timeout
        c.timer_armed = false;
        schedule(c);
        start_read(c);
        start_write(c);
      });
}

// --- sending ----------------------------------------------------------------------------------

Status TcpTransport::send(const Destination& to, std::string bytes) {
  if (closed_) return Error{0, "TCP transport is closed"};
  if (to.connection) {
    auto it = connections_.find(*to.connection);
    if (it != connections_.end() && !it->second->closing && !it->second->draining) {
      return enqueue(*it->second, std::move(bytes));
    }
  }
  if (to.host.empty() || to.port == 0) {
    return Error{0, "connection is closed and there is no address to reconnect to"};
  }
  error_code ec;
  const ip::address address = ip::make_address(to.host, ec);
  if (!ec) {
    const Endpoint remote = Endpoint::normalized(address, to.port);
    if (auto it = by_remote_.find(key_of(remote)); it != by_remote_.end()) {
      Connection& c = *connections_.at(it->second);
      if (!c.closing && !c.draining) return enqueue(c, std::move(bytes));
    }
    if (connection_count() >= options_.max_connections) {
      return Error{
          0, "cannot connect: " + std::to_string(options_.max_connections) + " connections open"};
    }
    connect(remote, std::move(bytes));
    return Status::Ok();
  }
  resolver_.async_resolve(
      to.host, std::to_string(to.port),
      [this, alive = std::weak_ptr<int>(alive_), to,
       data = std::make_unique<std::string>(std::move(bytes))](
          const error_code& rec, const ip::tcp::resolver::results_type& results) {
        if (alive.expired() || rec == boost::asio::error::operation_aborted || closed_) return;
        if (rec || results.empty()) {
          report(TransportError::Kind::kConnect, nullptr,
                 Error{0, "cannot resolve " + to.to_string() + (rec ? ": " + rec.message() : "")});
          return;
        }
        Destination numeric = to;
        numeric.host = results.begin()->endpoint().address().to_string();
        numeric.connection.reset();
        if (auto s = send(numeric, std::move(*data)); !s) {
          report(TransportError::Kind::kSend, nullptr, s.error());
        }
      });
  return Status::Ok();
}

Status TcpTransport::enqueue(Connection& c, std::string bytes) {
  if (c.closing) return Error{0, "connection is closed"};
  if (c.queued_bytes + bytes.size() > options_.max_queued_bytes) {
    Error e{0, "more than " + std::to_string(options_.max_queued_bytes) +
                   " bytes of output queued; connection dropped"};
    report(TransportError::Kind::kLimit, &c, e);
    shutdown(c);
    return e;
  }
  c.queued_bytes += bytes.size();
  c.queue.push_back(std::move(bytes));
  start_write(c);
  return Status::Ok();
}

void TcpTransport::start_write(Connection& c) {
  if (c.writing || !c.connected || c.closing || c.queue.empty()) return;
  c.writing = true;
  ++c.pending;
  // One write_some at a time rather than the composed async_write: a composed operation touches
  // the socket between its steps, which must not happen once the transport is gone. Up to
  // kMaxGather queued messages go out in one system call. deque::push_back keeps references to
  // existing elements valid, so the buffers stay put while the write is in flight.
  // The operation keeps a copy of the span, so the buffer array lives in the connection.
  auto& buffers = c.gather;
  size_t count = 0;
  for (const std::string& m : c.queue) {
    if (count == buffers.size()) break;
    buffers[count] = count == 0
                         ? boost::asio::buffer(m.data() + c.write_offset, m.size() - c.write_offset)
                         : boost::asio::buffer(m);
    ++count;
  }
  c.socket.async_write_some(
      std::span<const boost::asio::const_buffer>(buffers.data(), count),
      [this, alive = std::weak_ptr<int>(alive_), cp = &c](const error_code& ec, size_t n) {
        if (alive.expired() || !enter(*cp)) return;
        Connection& c = *cp;
        c.writing = false;
        if (ec) {
          report(TransportError::Kind::kSend, &c, Error{0, "write failed: " + ec.message()});
          shutdown(c);
          return;
        }
        // Retire what was written; a partly written message stays at the front.
        while (n > 0) {
          const size_t left = c.queue.front().size() - c.write_offset;
          if (n < left) {
            c.write_offset += n;
            break;
          }
          n -= left;
          c.queued_bytes -= c.queue.front().size();
          c.queue.pop_front();
          c.write_offset = 0;
        }
        if (!c.queue.empty()) {
          start_write(c);
        } else if (c.close_after_write) {
          // The answer to the fault is out: send FIN, and close once the peer is done too.
          // The drain timer armed at the fault bounds how long the peer may take.
          error_code ignored;
          c.socket.shutdown(ip::tcp::socket::shutdown_send, ignored);
          if (c.peer_eof) shutdown(c);
        }
      });
}

// --- receiving --------------------------------------------------------------------------------

void TcpTransport::start_read(Connection& c) {
  auto space = c.framer.prepare(options_.read_chunk);
  ++c.pending;
  c.socket.async_read_some(
      boost::asio::buffer(space.data(), space.size()),
      [this, alive = std::weak_ptr<int>(alive_), cp = &c](const error_code& ec, size_t n) {
        if (alive.expired() || !enter(*cp)) return;
        Connection& c = *cp;
        if (ec) {
          shutdown(c);  // EOF or reset: the peer is gone
          return;
        }
        on_read(c, n);
      });
}

void TcpTransport::on_read(Connection& c, size_t n) {
  c.last_read = std::chrono::steady_clock::now();
  c.framer.commit(n);
  drain_frames(c);
  if (c.closing) return;
  if (c.framer.between_messages()) {
    c.partial_since.reset();
  } else if (!c.partial_since) {
    c.partial_since = c.last_read;
    if (!c.draining) schedule(c);
  }
  if (c.draining) {
    start_discard(c);
  } else {
    start_read(c);
  }
}

void TcpTransport::drain_frames(Connection& c) {
  for (;;) {
    StreamFramer::Frame f = c.framer.next();
    switch (f.kind) {
      case StreamFramer::Kind::kNeedMore:
        return;
      case StreamFramer::Kind::kPing:
        (void)enqueue(c, std::string(kPong));
        break;
      case StreamFramer::Kind::kMessage: {
        Received r = receive(f.bytes, Framing::kStream, c.remote);
        if (r.message) {
          user_.on_message(
              IncomingMessage{std::move(*r.message), TransportKind::kTcp, c.local, c.remote, c.id});
        } else {
          // Well framed but malformed: answer it and keep the connection, the stream is in sync.
          const int answered = r.reply ? r.error.status : 0;
          if (r.reply) (void)enqueue(c, std::move(*r.reply));
          report(TransportError::Kind::kParse, &c, Error{answered, r.error.reason});
        }
        break;
      }
      case StreamFramer::Kind::kFault: {
        std::optional<std::string> reply;
        if (!f.bytes.empty()) reply = stateless_response(f.bytes, f.fault, c.remote);
        report(TransportError::Kind::kFraming, &c,
               Error{reply ? f.fault.status : 0, f.fault.reason});
        if (c.closing) return;
        c.draining = true;
        if (reply && enqueue(c, std::move(*reply)).ok()) {
          c.close_after_write = true;
          arm_timer(c, std::chrono::steady_clock::now() + options_.drain_timeout);
        } else if (!c.closing) {
          shutdown(c);
        }
        return;
      }
    }
    if (c.closing) return;  // the user closed it from a callback, or a limit was hit
  }
}

void TcpTransport::start_discard(Connection& c) {
  ++c.pending;
  c.socket.async_read_some(
      boost::asio::buffer(c.scratch),
      [this, alive = std::weak_ptr<int>(alive_), cp = &c](const error_code& ec, size_t) {
        if (alive.expired() || !enter(*cp)) return;
        Connection& c = *cp;
        if (!ec) {
          start_discard(c);
          return;
        }
        c.peer_eof = true;
        // Half-closed peers still read: keep the socket until the answer is written.
        if (c.queue.empty() || ec != boost::asio::error::eof) shutdown(c);
      });
}

// --- timers and closing -----------------------------------------------------------------------

void TcpTransport::arm_timer(Connection& c, SteadyTime at) {
  c.timer.expires_at(at);  // cancels an outstanding wait; its handler sees operation_aborted
  c.timer_armed = true;
  ++c.pending;
  c.timer.async_wait([this, alive = std::weak_ptr<int>(alive_), cp = &c](const error_code& ec) {
    if (alive.expired() || !enter(*cp)) return;
    if (ec != boost::asio::error::operation_aborted) on_timer(*cp);
  });
}

void TcpTransport::schedule(Connection& c) {
  std::optional<SteadyTime> next;
  if (options_.idle_timeout.count() > 0) next = c.last_read + options_.idle_timeout;
  if (options_.message_timeout.count() > 0 && c.partial_since) {
    const SteadyTime m = *c.partial_since + options_.message_timeout;
    next = next ? std::min(*next, m) : m;
  }
  if (!next) return;
  // A pending check that comes earlier re-schedules itself when it fires.
  if (c.timer_armed && c.timer.expiry() <= *next) return;
  arm_timer(c, *next);
}

void TcpTransport::on_timer(Connection& c) {
  const SteadyTime now = std::chrono::steady_clock::now();
  // A wait that completed just before it was re-armed also lands here: the newer wait decides.
  if (c.timer.expiry() > now) return;
  c.timer_armed = false;
  if (c.draining) {  // the answer to a framing fault had its time to go out
    shutdown(c);
    return;
  }
  if (!c.connected) {
    report(TransportError::Kind::kConnect, &c,
           Error{0, "connect to " + c.remote.to_string() + " timed out"});
    shutdown(c);
    return;
  }
  if (options_.idle_timeout.count() > 0 && now - c.last_read >= options_.idle_timeout) {
    report(TransportError::Kind::kLimit, &c, Error{0, "connection idle; closed"});
    shutdown(c);
    return;
  }
  if (options_.message_timeout.count() > 0 && c.partial_since &&
      now - *c.partial_since >= options_.message_timeout) {
    report(TransportError::Kind::kLimit, &c,
           Error{0, "message not completed in time; connection closed"});
    shutdown(c);
    return;
  }
  schedule(c);
}

bool TcpTransport::enter(Connection& c) {
  --c.pending;
  if (c.closing) {
    release(c);
    return false;
  }
  return true;
}

void TcpTransport::shutdown(Connection& c, bool notify) {
  if (c.closing) return;
  c.closing = true;
  error_code ignored;
  c.timer.cancel();
  c.socket.shutdown(ip::tcp::socket::shutdown_both, ignored);
  c.socket.close(ignored);
  // The output queue stays until the Connection goes: a cancelled write may still refer to it.
  if (auto it = by_remote_.find(key_of(c.remote)); it != by_remote_.end() && it->second == c.id) {
    by_remote_.erase(it);
  }
  if (notify) user_.on_connection_closed(c.id);
  release(c);
}

void TcpTransport::release(Connection& c) {
  if (!c.closing || c.pending > 0 || c.erase_posted) return;
  c.erase_posted = true;
  // Erase later, never from inside a stack frame that may still hold a reference to it.
  boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), id = c.id] {
    if (!alive.expired()) connections_.erase(id);
  });
}

void TcpTransport::report(TransportError::Kind kind, const Connection* c, Error error) {
  TransportError e{kind, TransportKind::kTcp, {}, {}, {}, std::move(error)};
  if (c != nullptr) {
    e.local = c->local;
    e.remote = c->remote;
    e.connection = c->id;
  }
  user_.on_transport_error(e);
}

}  // namespace pinana::sip::transport
