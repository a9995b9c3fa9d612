// pinana demo: a hub and three nodes (A, B, C) on loopback in this process, simulated calls across
// them, and a live table of every extension's state and of the busy lamp a phone subscribed at
// the hub sees. Each node serves its HTTP API (the CLI works against it while the demo runs).
// --duration ends it: the calls hang up, and it checks that every node has the same view of every
// device and that every lamp matches its extension (exit 1 otherwise).
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <map>
#include <sstream>

#include "demo_scenario.h"
#include "pinana/hub/hub_server.h"
#include "pinana/node/node.h"
#include "pinana/state/hint.h"
#include "subcommands.h"

namespace pinana::app {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

struct DemoFlags {
  double duration = 0;  // seconds; 0 = until Ctrl-C
  uint16_t hub_port = 5060;
  uint16_t api_port = 8088;
  uint32_t seed = 1;
  bool plain = false;
};

constexpr const char* kNodeNames[] = {"A", "B", "C"};

// `port` if it can be bound on 127.0.0.1 now, else 0 (a free one).
uint16_t usable_tcp_port(uint16_t port) {
  asio::io_context io;
  tcp::acceptor a(io);
  boost::system::error_code ec;
  a.open(tcp::v4(), ec);
  if (!ec) a.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  return ec ? 0 : port;
}

std::string lamp_of(std::string_view body) {
  const auto open = body.find("<state");
  if (open == std::string_view::npos) return "terminated";
  const auto gt = body.find('>', open);
  const auto close = body.find("</state>", gt);
  if (gt == std::string_view::npos || close == std::string_view::npos) return "?";
  return std::string(body.substr(gt + 1, close - gt - 1));
}

// What a dialog-info lamp should show for an extension state (asterisk-semantics §4b).
std::string expected_lamp(std::string_view exten_state) {
  if (exten_state == "Ringing") return "early";
  if (exten_state == "Idle" || exten_state == "Unavailable") return "terminated";
  return "confirmed";
}

class Demo {
 public:
  Demo(asio::io_context& io, const DemoFlags& flags) : io_(io), flags_(flags), timer_(io) {}

  Status start() {
    hub::HubConfig hc;
    const uint16_t hub_port = usable_udp_port(flags_.hub_port);
    hc.listen = {{sip::transport::TransportKind::kUdp, "127.0.0.1", hub_port}};
    hc.max_requests_per_second_per_source = 0;  // every node and the phone share 127.0.0.1
    hc.log_level = "warn";
    hub_ = std::make_unique<hub::HubServer>(io_, clock_, hc, &log_);
    if (auto s = hub_->start(); !s) return s;
    const auto hub_ep = hub_->bound().front();

    for (int i = 0; i < 3; ++i) {
      node::NodeOptions o;
      o.eid = *state::Eid::parse(std::string("02:00:00:00:00:0") + static_cast<char>('a' + i));
      o.hub = hub_ep;
      o.listen = sip::transport::Endpoint::normalized(asio::ip::make_address("127.0.0.1"), 0);
      const uint16_t want = flags_.api_port == 0 ? 0 : static_cast<uint16_t>(flags_.api_port + i);
      o.api = tcp::endpoint(asio::ip::make_address("127.0.0.1"), usable_tcp_port(want));
      o.domain = hub_ep.address_text();
      o.publish_expires = 30;
      o.subscribe_expires = 30;
      for (const DemoHint& h : demo_hints()) {
        if (h.node != i) continue;
        auto hint = state::parse_hint(h.exten, h.value);
        if (!hint.ok()) return hint.error();
        o.hints.push_back(std::move(*hint));
      }
      for (const DemoPhone& p : demo_phones()) {
        if (p.node == i) o.devices.emplace_back(p.device, state::DeviceState::kNotInUse);
      }
      if (i == 2) o.devices.emplace_back("Custom:frank-dnd", state::DeviceState::kNotInUse);
      nodes_.push_back(std::make_unique<node::Node>(io_, clock_, std::move(o), &log_));
      if (auto s = nodes_.back()->start(); !s) return s;
    }

    // A phone on the hub watching every extension's dialog state: the busy lamps.
    transports::sip::AgentConfig pc;
    pc.listen = sip::transport::Endpoint::normalized(asio::ip::make_address("127.0.0.1"), 0);
    pc.hub = hub_ep;
    pc.user = "phone";
    pc.domain = hub_ep.address_text();
    phone_ = std::make_unique<transports::sip::SipAgent>(io_, clock_, pc, &log_);
    if (auto s = phone_->start(); !s) return s;
    for (const DemoHint& h : demo_hints()) {
      transports::sip::SubscriptionSpec spec;
      spec.request_uri = "sip:" + h.exten + "@" + hub_ep.address_text();
      spec.event = "dialog";
      spec.accept = {"application/dialog-info+xml"};
      spec.expires = 60;
      const std::string exten = h.exten;
      phone_->add_subscription(spec, [this, exten](const transports::sip::NotifyView& n) {
        if (!n.body.empty()) lamps_[exten] = lamp_of(n.body);
      });
    }

    std::cout << "pinana demo: hub udp " << hub_ep.to_string() << "\n";
    for (int i = 0; i < 3; ++i) {
      auto api = nodes_[i]->api_endpoint();
      std::cout << "  node " << kNodeNames[i] << ": eid "
                << nodes_[i]->cluster_state().self().to_string() << ", API http://"
                << api->address().to_string() << ":" << api->port()
                << "  (try: pinana hints --api http://" << api->address().to_string() << ":"
                << api->port() << ")\n";
    }
    std::cout << std::flush;
    gen_ = std::make_unique<CallGenerator>(clock_.now(), flags_.seed);
    started_ = clock_.now();
    tick();
    return Status();
  }

  void stop(std::function<void()> done) {
    stopping_ = true;
    timer_.cancel();
    auto remaining = std::make_shared<int>(static_cast<int>(nodes_.size()) + 1);
    auto finish = [this, remaining, done] {
      if (--*remaining == 0) hub_->shutdown(std::chrono::seconds(2), done);
    };
    for (auto& n : nodes_) n->shutdown(std::chrono::seconds(2), finish);
    phone_->shutdown(std::chrono::seconds(2), finish);
  }

  // Hangs every phone up, then checks the views agree after `settle`.
  void finish_and_check(std::function<void(bool)> done) {
    calls_off_ = true;
    for (const DemoPhone& p : demo_phones()) {
      (void)nodes_[p.node]->set_local_device(p.device, "NOT_INUSE", std::nullopt);
    }
    timer_.expires_after(std::chrono::milliseconds(2500));
    timer_.async_wait([this, done](const boost::system::error_code& ec) {
      if (ec) return;
      render(std::cout);
      done(check(std::cerr));
    });
  }

 private:
  static uint16_t usable_udp_port(uint16_t port) {
    asio::io_context io;
    asio::ip::udp::socket s(io);
    boost::system::error_code ec;
    s.open(asio::ip::udp::v4(), ec);
    if (!ec) s.bind(asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return ec ? 0 : port;
  }

  void tick() {
    if (stopping_ || calls_off_) return;
    const TimePoint now = clock_.now();
    for (DemoChange& c : gen_->step(now)) {
      std::optional<api::CallerView> caller;
      if (c.caller) caller = api::CallerView{c.caller->first, c.caller->second};
      (void)nodes_[c.node]->set_local_device(c.device, c.state, caller);
      if (!c.note.empty()) {
        log_lines_.push_back(c.note);
        if (log_lines_.size() > 6) log_lines_.erase(log_lines_.begin());
      }
    }
    if (now >= next_render_) {
      next_render_ = now + std::chrono::milliseconds(flags_.plain ? 5000 : 500);
      render(std::cout);
    }
    timer_.expires_after(std::chrono::milliseconds(100));
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  }

  void render(std::ostream& out) {
    std::ostringstream s;
    const bool ansi = !flags_.plain;
    if (ansi) s << "\x1b[H\x1b[2J";
    const auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - started_).count();
    s << "pinana demo: 1 hub, 3 nodes, " << gen_->calls_started() << " calls so far, "
      << gen_->active_calls() << " active, t=" << secs << "s  (Ctrl-C to stop)\n\n";
    s << "exten  owner  hint                                   state          lamp at the hub\n";
    for (const DemoHint& h : demo_hints()) {
      auto view = nodes_[h.node]->extension(h.exten);
      const std::string st = view ? view->state : "?";
      const std::string lamp = lamps_.count(h.exten) ? lamps_[h.exten] : "(none yet)";
      std::string glyph = lamp == "early"       ? "(*) ringing"
                          : lamp == "confirmed" ? "[#] busy"
                                                : "( ) idle";
      if (ansi) {
        const char* color = lamp == "early"       ? "\x1b[33m"
                            : lamp == "confirmed" ? "\x1b[31m"
                                                  : "\x1b[32m";
        glyph = std::string(color) + glyph + "\x1b[0m";
      }
      s << pad(h.exten, 7) << pad(kNodeNames[h.node], 7) << pad(h.value, 39) << pad(st, 15) << glyph
        << "\n";
    }
    s << "\ndevice             as seen by A   as seen by B   as seen by C\n";
    for (const DemoPhone& p : demo_phones()) {
      s << pad(p.device, 19);
      for (auto& n : nodes_) {
        s << pad(std::string(state::to_string(n->cluster_state().aggregate(p.device))), 15);
      }
      s << "\n";
    }
    s << "\n";
    for (const auto& line : log_lines_) s << "  " << line << "\n";
    out << s.str() << std::flush;
  }

  bool check(std::ostream& err) {
    bool ok = true;
    for (const DemoPhone& p : demo_phones()) {
      const auto a = nodes_[0]->cluster_state().aggregate(p.device);
      for (size_t i = 1; i < nodes_.size(); ++i) {
        if (nodes_[i]->cluster_state().aggregate(p.device) != a) {
          err << "pinana demo: node " << kNodeNames[i] << " disagrees about " << p.device << "\n";
          ok = false;
        }
      }
      if (a != state::DeviceState::kNotInUse) {
        err << "pinana demo: " << p.device << " is " << state::to_string(a) << " after hang-up\n";
        ok = false;
      }
    }
    for (const DemoHint& h : demo_hints()) {
      auto view = nodes_[h.node]->extension(h.exten);
      const std::string lamp = lamps_.count(h.exten) ? lamps_[h.exten] : "(none)";
      if (!view || view->state != "Idle" || lamp != expected_lamp(view->state)) {
        err << "pinana demo: extension " << h.exten << " is " << (view ? view->state : "?")
            << " with lamp " << lamp << "\n";
        ok = false;
      }
    }
    err << (ok ? "pinana demo: check passed: every node agrees on every device, every lamp "
                 "matches its extension\n"
               : "pinana demo: check FAILED\n");
    return ok;
  }

  static std::string pad(std::string_view s, size_t width) {
    std::string out(s);
    if (out.size() < width)
      out.append(width - out.size(), ' ');
    else
      out += ' ';
    return out;
  }

  asio::io_context& io_;
  DemoFlags flags_;
  SteadyClock clock_;
  Logger log_{LogLevel::kWarn, std::cerr, "pinana demo: "};
  asio::steady_timer timer_;
  std::unique_ptr<hub::HubServer> hub_;
  std::vector<std::unique_ptr<node::Node>> nodes_;
  std::unique_ptr<transports::sip::SipAgent> phone_;
  std::map<std::string, std::string> lamps_;
  std::unique_ptr<CallGenerator> gen_;
  std::vector<std::string> log_lines_;
  TimePoint started_{};
  TimePoint next_render_{};
  bool stopping_ = false;
  bool calls_off_ = false;
};

int run_demo(DemoFlags flags) {
  if (!flags.plain && !isatty(STDOUT_FILENO)) flags.plain = true;
  asio::io_context io(1);
  Demo demo(io, flags);
  if (auto s = demo.start(); !s) {
    std::cerr << "pinana demo: " << s.error().reason << "\n";
    return 1;
  }
  int rc = 0;
  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::cerr << "pinana demo: stopping\n";
    demo.stop([&io] { io.stop(); });
  });
  asio::steady_timer end(io);
  if (flags.duration > 0) {
    end.expires_after(std::chrono::milliseconds(static_cast<int64_t>(flags.duration * 1000)));
    end.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      demo.finish_and_check([&](bool ok) {
        rc = ok ? 0 : 1;
        signals.cancel();
        demo.stop([&io] { io.stop(); });
      });
    });
  }
  io.run();
  return rc;
}

}  // namespace

void add_demo(CLI::App& app, int& rc) {
  auto flags = std::make_shared<DemoFlags>();
  auto* cmd = app.add_subcommand(
      "demo", "Run a hub and three nodes on loopback with simulated calls and live lamps");
  cmd->add_option("--duration", flags->duration,
                  "stop after SECONDS, hang up, and check the cluster views agree (exit 1 if not)");
  cmd->add_option("--hub-port", flags->hub_port, "UDP port of the hub (default 5060, else free)");
  cmd->add_option("--api-port", flags->api_port,
                  "API port of node A; B and C use the next two (default 8088; 0: free ports)");
  cmd->add_option("--seed", flags->seed, "seed of the call generator");
  cmd->add_flag("--plain", flags->plain, "no screen redraws or colors (default when not a tty)");
  cmd->callback([flags, &rc] { rc = run_demo(*flags); });
}

}  // namespace pinana::app
