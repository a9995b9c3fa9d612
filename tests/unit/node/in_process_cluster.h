// InProcessCluster: a gtest fixture running the real hub and real nodes in one io_context on
// loopback (port 0), for the node's tests of both profiles. Test thread only.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pinana/hub/hub_server.h"
#include "pinana/node/node.h"
#include "pinana/state/hint.h"

namespace pinana::node {

inline sip::transport::Endpoint loopback(uint16_t port = 0) {
  return sip::transport::Endpoint::normalized(boost::asio::ip::make_address("127.0.0.1"), port);
}

inline state::Eid eid_of(char id) {
  return *state::Eid::parse(std::string("02:00:00:00:00:0") + id);
}

class InProcessCluster : public ::testing::Test {
 protected:
  explicit InProcessCluster(std::string profile = "native") : profile_(std::move(profile)) {}

  void start_hub(uint16_t port = 0) {
    hub::HubConfig hc;
    hc.listen = {{sip::transport::TransportKind::kUdp, "127.0.0.1", port}};
    hc.min_expires = 1;
    hc.max_requests_per_second_per_source = 0;
    hub_ = std::make_unique<hub::HubServer>(io_, clock_, hc);
    ASSERT_TRUE(hub_->start().ok());
    hub_port_ = hub_->bound().front().port;
  }

  // Node `id` ('a' → EID 02:00:00:00:00:0a) with hints "EXTEN=DEVICES".
  NodeOptions options(char id, std::vector<std::string> hints = {}) {
    NodeOptions o;
    o.eid = eid_of(id);
    o.hub = loopback(hub_port_);
    o.listen = loopback();
    o.domain = "127.0.0.1";
    o.profile = profile_;
    o.publish_expires = 30;
    o.subscribe_expires = 30;
    for (const auto& h : hints) {
      const auto eq = h.find('=');
      auto hint = state::parse_hint(h.substr(0, eq), h.substr(eq + 1));
      EXPECT_TRUE(hint.ok());
      o.hints.push_back(std::move(*hint));
    }
    return o;
  }

  std::unique_ptr<Node> start_node(NodeOptions o) {
    auto n = std::make_unique<Node>(io_, clock_, std::move(o));
    EXPECT_TRUE(n->start().ok());
    return n;
  }

  // A bare SIP agent on loopback (a phone, or a hand-made publisher).
  std::unique_ptr<transports::sip::SipAgent> agent(const char* user) {
    transports::sip::AgentConfig c;
    c.listen = loopback();
    c.hub = loopback(hub_port_);
    c.user = user;
    c.domain = "127.0.0.1";
    auto a = std::make_unique<transports::sip::SipAgent>(io_, clock_, c);
    EXPECT_TRUE(a->start().ok());
    return a;
  }

  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      io_.run_for(std::chrono::milliseconds(5));
    }
    return done();
  }

  boost::asio::io_context io_;
  SteadyClock clock_;
  std::unique_ptr<hub::HubServer> hub_;
  uint16_t hub_port_ = 0;
  std::string profile_;
};

}  // namespace pinana::node
