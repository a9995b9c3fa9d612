// Test support for the presence core: a request builder and a fixture holding a PresenceService
// with the TextPackage registered, a FakeClock and helpers to publish and subscribe. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/presence_service.h"
#include "pinana/sip/message.h"
#include "text_package.h"

namespace pinana::presence::testing {

// Builds request text with sensible defaults; set() replaces a header, add() appends one.
class RequestBuilder {
 public:
  RequestBuilder(std::string method, std::string uri)
      : method_(std::move(method)), uri_(std::move(uri)) {
    set("Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKtest1");
    set("Max-Forwards", "70");
    set("From", "<sip:watcher@example.com>;tag=ft1");
    set("To", "<" + uri_ + ">");
    set("Call-ID", "call-1@127.0.0.1");
    set("CSeq", "1 " + method_);
  }
  RequestBuilder& set(const std::string& name, std::string value) {
    for (auto& [n, v] : headers_)
      if (n == name) {
        v = std::move(value);
        return *this;
      }
    headers_.emplace_back(name, std::move(value));
    return *this;
  }
  RequestBuilder& add(const std::string& name, std::string value) {
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
  std::string text() const {
    std::string out = method_ + " " + uri_ + " SIP/2.0\r\n";
    for (const auto& [n, v] : headers_) out += n + ": " + v + "\r\n";
    if (!content_type_.empty()) out += "Content-Type: " + content_type_ + "\r\n";
    out += "Content-Length: " + std::to_string(body_.size()) + "\r\n\r\n" + body_;
    return out;
  }
  sip::Message build() const {
    auto m = sip::Message::from_bytes(text(), sip::Framing::kStream);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << text();
    return std::move(m).value();
  }

 private:
  std::string method_, uri_, content_type_, body_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

inline sip::Message parse(const std::string& text) {
  auto m = sip::Message::from_bytes(text, sip::Framing::kStream);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << text;
  if (!m.ok()) return sip::Message();
  return std::move(m).value();
}

inline std::string header(const sip::Message& m, std::string_view name) {
  const sip::HeaderField* h = m.find(name);
  return h ? std::string(h->value) : std::string();
}

inline std::vector<std::string> all_headers(const sip::Message& m, std::string_view name) {
  std::vector<std::string> out;
  const sip::HeaderField* first = m.find(name);
  if (first == nullptr) return out;
  for (const auto& h : m.headers())
    if (h.id == first->id && (h.id != sip::HeaderId::kUnknown || h.name == first->name))
      out.emplace_back(h.value);
  return out;
}

// One subscriber's dialog as the subscriber sees it.
struct Subscriber {
  std::string call_id = "sub-call-1@127.0.0.1";
  std::string from_tag = "wt1";
  std::string from_uri = "sip:watcher@example.com";
  std::string contact = "sip:watcher@127.0.0.1:5070;transport=udp";
  std::string to_tag;  // learned from the 200
  uint32_t cseq = 0;
};

class PresenceTest : public ::testing::Test {
 protected:
  PresenceTest() {
    EXPECT_TRUE(registry.add(package).ok());
    config.domains = {"example.com"};
    config.local_addresses = {"192.0.2.10"};
    config.contact_uri = "sip:hub@192.0.2.10:5060";
    config.via_sent_by = "192.0.2.10:5060";
    context.source = Flow{Transport::kUdp, "127.0.0.1", 5070, std::nullopt};
  }

  PresenceService& service() {
    if (!service_) service_ = std::make_unique<PresenceService>(clock, registry, config);
    return *service_;
  }

  static constexpr const char* kResource = "sip:alice@example.com";

  RequestBuilder publish_request(const std::string& body, const std::string& etag = {},
                                 std::optional<uint32_t> expires = std::nullopt,
                                 const std::string& uri = kResource) {
    RequestBuilder b("PUBLISH", uri);
    b.set("From", "<" + uri + ">;tag=pt" + std::to_string(++publish_counter_));
    b.set("Call-ID", "pub-" + std::to_string(publish_counter_) + "@127.0.0.1");
    b.set("Event", package.name().data());
    if (!etag.empty()) b.set("SIP-If-Match", etag);
    if (expires) b.set("Expires", std::to_string(*expires));
    if (!body.empty()) b.body("text/plain", body);
    return b;
  }

  // Sends a PUBLISH; returns the parsed response and records the NOTIFYs it produced.
  sip::Message publish(const std::string& body, const std::string& etag = {},
                       std::optional<uint32_t> expires = std::nullopt,
                       const std::string& uri = kResource) {
    return send_publish(publish_request(body, etag, expires, uri));
  }
  sip::Message send_publish(const RequestBuilder& b) {
    last = service().on_publish(b.build(), context);
    return parse(last.response);
  }

  RequestBuilder subscribe_request(Subscriber& s, std::optional<uint32_t> expires = std::nullopt,
                                   const std::string& uri = kResource) {
    RequestBuilder b("SUBSCRIBE", s.to_tag.empty() ? uri : s.contact);
    b.set("From", "<" + s.from_uri + ">;tag=" + s.from_tag);
    b.set("To", "<" + std::string(uri) + ">" + (s.to_tag.empty() ? "" : ";tag=" + s.to_tag));
    b.set("Call-ID", s.call_id);
    b.set("CSeq", std::to_string(++s.cseq) + " SUBSCRIBE");
    b.set("Contact", "<" + s.contact + ">");
    b.set("Event", std::string(package.name()) + ";id=x");
    if (expires) b.set("Expires", std::to_string(*expires));
    return b;
  }
  // Sends a SUBSCRIBE; learns the To-tag from a 200.
  sip::Message subscribe(Subscriber& s, std::optional<uint32_t> expires = std::nullopt,
                         const std::string& uri = kResource) {
    return send_subscribe(s, subscribe_request(s, expires, uri));
  }
  sip::Message send_subscribe(Subscriber& s, const RequestBuilder& b) {
    last = service().on_subscribe(b.build(), context);
    sip::Message r = parse(last.response);
    if (r.status_code() == 200 && s.to_tag.empty() && r.to()) s.to_tag = std::string(r.to()->tag());
    return r;
  }

  // Answers every NOTIFY of `last` with `status`; collects the NOTIFYs that produces into `last`.
  void answer_all(int status = 200) {
    std::vector<OutgoingNotify> pending = std::move(last.notifies);
    Actions merged;
    for (const OutgoingNotify& n : pending) {
      Actions a = service().on_notify_result(n.subscription, status);
      for (auto& x : a.notifies) merged.notifies.push_back(std::move(x));
    }
    last = std::move(merged);
  }

  FakeClock clock;
  TextPackage package;
  PackageRegistry registry;
  PresenceConfig config;
  RequestContext context;
  Actions last;

 private:
  std::unique_ptr<PresenceService> service_;
  int publish_counter_ = 0;
};

}  // namespace pinana::presence::testing
