// HubServerTest: the fixture of the HubServer tests. It starts a HubServer on ephemeral loopback
// ports (UDP and TCP) on the test's io_context and gives the tests user agents (hub_test_peers.h),
// request builders for OPTIONS, PUBLISH and SUBSCRIBE, exchanges with bounded waits, digest
// credentials and a reader for the Prometheus metrics. Tests only; the test's thread only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hub_test_peers.h"
#include "pinana/base/clock.h"
#include "pinana/hub/hub_server.h"
#include "pinana/sip/auth/auth_header.h"
#include "pinana/sip/auth/digest_client.h"
#include "pinana/sip/header_values.h"

namespace pinana::hub::testing {

inline constexpr const char* kAlice = "sip:alice@example.com";

inline std::string pidf(const std::string& entity, const std::string& tuple,
                        const std::string& basic) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>)"
         R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity=")" +
         entity + R"("><tuple id=")" + tuple + R"("><status><basic>)" + basic +
         "</basic></status></tuple></presence>";
}

inline std::string dialog_info(const std::string& entity) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>)"
         R"(<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" )"
         R"(entity=")" +
         entity + R"("><dialog id="d1"><state>confirmed</state></dialog></dialog-info>)";
}

// The comma-separated elements of every `id` field, trimmed.
inline std::set<std::string> elements(const sip::Message& m, sip::HeaderId id) {
  std::set<std::string> out;
  m.for_each_value(id, [&](std::string_view e) {
    while (!e.empty() && (e.front() == ' ' || e.front() == '\t')) e.remove_prefix(1);
    while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.remove_suffix(1);
    out.emplace(e);
  });
  return out;
}

// The value of one auth-param of a challenge ("<absent>" if missing).
inline std::string auth_param(const std::string& challenge, std::string_view name) {
  auto h = sip::auth::parse_auth_header(challenge);
  if (!h.ok()) return "<unparsable>";
  auto p = h->params.find(name);
  return p ? std::string(p->value) : std::string("<absent>");
}

class HubServerTest : public ::testing::Test {
 protected:
  static HubConfig base_config() {
    HubConfig c;
    c.listen = {{sip::transport::TransportKind::kUdp, "127.0.0.1", 0},
                {sip::transport::TransportKind::kTcp, "127.0.0.1", 0}};
    c.domains = {"example.com"};
    return c;
  }

  void start(HubConfig config, const Clock* clock = nullptr) {
    hub_ = std::make_unique<HubServer>(io_, clock ? *clock : steady_, std::move(config));
    Status s = hub_->start();
    ASSERT_TRUE(s.ok()) << s.error().reason;
    ASSERT_EQ(hub_->bound().size(), 2u);
    ASSERT_NE(hub_->bound()[0].port, 0);
    ASSERT_NE(hub_->bound()[1].port, 0);
  }

  std::unique_ptr<UdpPeer> udp_peer() {
    const auto& ep = hub_->bound()[0];
    return std::make_unique<UdpPeer>(io_, boost::asio::ip::udp::endpoint(ep.address, ep.port));
  }
  std::unique_ptr<TcpPeer> tcp_peer() {
    const auto& ep = hub_->bound()[1];
    return std::make_unique<TcpPeer>(io_, boost::asio::ip::tcp::endpoint(ep.address, ep.port));
  }

  std::string fresh(const char* prefix) { return prefix + std::to_string(++counter_); }

  // A request from `peer` with a fresh branch, Call-ID and From tag.
  RequestBuilder request(Peer& peer, const std::string& method, const std::string& uri,
                         uint32_t cseq = 1) {
    RequestBuilder b(method, uri);
    b.set("Via", peer.via(fresh("z9hG4bK-hubtest-")));
    b.set("Max-Forwards", "70");
    b.set("From", "<sip:tester@example.com>;tag=" + fresh("ft"));
    b.set("To", "<" + uri + ">");
    b.set("Call-ID", fresh("call-") + "@127.0.0.1");
    b.set("CSeq", std::to_string(cseq) + " " + method);
    return b;
  }

  RequestBuilder publish(Peer& peer, const std::string& uri, const std::string& body,
                         const std::string& event = "presence",
                         const std::string& type = "application/pidf+xml") {
    RequestBuilder b = request(peer, "PUBLISH", uri);
    b.set("From", "<" + uri + ">;tag=" + fresh("pt"));
    b.set("Event", event);
    b.set("Expires", "600");
    b.body(type, body);
    return b;
  }

  RequestBuilder subscribe(Peer& peer, const std::string& uri,
                           const std::string& event = "presence",
                           const std::string& accept = "application/pidf+xml") {
    RequestBuilder b = request(peer, "SUBSCRIBE", uri);
    b.set("From", "<sip:watcher@example.com>;tag=" + fresh("wt"));
    b.set("Event", event);
    b.set("Contact", peer.contact("watcher"));
    b.set("Expires", "600");
    b.set("Accept", accept);
    return b;
  }

  static std::string branch_of(const std::string& text) {
    auto m = sip::Message::from_bytes(text, sip::Framing::kStream);
    if (!m.ok() || !m->top_via()) return {};
    return std::string(m->top_via()->branch());
  }

  // Sends `text` and waits for its final response.
  std::optional<Received> exchange_text(Peer& peer, const std::string& text) {
    const std::string branch = branch_of(text);
    EXPECT_FALSE(branch.empty()) << text;
    peer.send(text);
    for (;;) {
      auto r = peer.take_response(branch);
      if (!r) {
        ADD_FAILURE() << "no response within the limit to:\n" << text;
        return r;
      }
      if (r->message.status_code() >= 200) return r;
    }
  }
  std::optional<Received> exchange(Peer& peer, const RequestBuilder& b) {
    return exchange_text(peer, b.text());
  }

  // `b` with credentials from `client` added.
  static std::string authorized(sip::auth::DigestClient& client, const RequestBuilder& b) {
    auto m = sip::Message::from_bytes(b.text(), sip::Framing::kStream);
    EXPECT_TRUE(m.ok());
    if (!m.ok()) return b.text();
    Status s = client.authorize(m.value());
    EXPECT_TRUE(s.ok()) << s.error().reason;
    return m->serialize();
  }

  // Waits for the answer to an OPTIONS sent after everything before it on `peer`'s socket.
  void sync(Peer& peer) {
    auto r = exchange(peer, request(peer, "OPTIONS", "sip:hub@127.0.0.1"));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->message.status_code(), 200);
  }

  // The sample `name` (with its labels, exactly as rendered); nullopt if absent.
  std::optional<uint64_t> metric(std::string_view name) const {
    const std::string text = hub_->metrics_text();
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      std::string_view line(text.data() + pos, end - pos);
      if (line.size() > name.size() && line.substr(0, name.size()) == name &&
          line[name.size()] == ' ')
        return std::stoull(std::string(line.substr(name.size() + 1)));
      pos = end + 1;
    }
    return std::nullopt;
  }

  // A SUBSCRIBE to `uri` from `watcher`, its 200 and the first NOTIFY (answered 200).
  void subscribe_and_confirm(Peer& watcher, const std::string& uri) {
    auto r = exchange(watcher, subscribe(watcher, uri));
    ASSERT_TRUE(r.has_value());
    ASSERT_EQ(r->message.status_code(), 200) << r->raw;
    auto n = watcher.take_request("NOTIFY");
    ASSERT_TRUE(n.has_value()) << "no NOTIFY after the SUBSCRIBE's 200";
    auto state = sip::parse_subscription_state(n->message.value(sip::HeaderId::kSubscriptionState));
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->state, "active");
    watcher.send(response_to(n->message, 200, "OK"));
  }

  boost::asio::io_context io_;
  SteadyClock steady_;
  std::unique_ptr<HubServer> hub_;
  uint64_t counter_ = 0;
};

}  // namespace pinana::hub::testing
