// Helpers for the sip_auth tests: messages from text, a map-backed CredentialSource.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>

#include "pinana/sip/auth/credential_source.h"
#include "pinana/sip/auth/digest_response.h"
#include "pinana/sip/message.h"

namespace pinana::sip::auth::testing {

inline Message parse_message(std::string_view text) {
  auto m = Message::from_bytes(text, Framing::kStream);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << text;
  if (!m.ok()) return Message();
  return std::move(m).value();
}

// Serializes and parses again, so the peer sees exactly what went on the wire.
inline Message over_the_wire(const Message& m) {
  return parse_message(m.serialize());
}

inline std::string request_text(std::string_view method, std::string_view uri, int cseq,
                                std::string_view body = {}) {
  std::string s = std::string(method) + " " + std::string(uri) + " SIP/2.0\r\n";
  s += "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-" + std::to_string(cseq) + "\r\n";
  s += "Max-Forwards: 70\r\n";
  s += "From: <sip:alice@example.com>;tag=a1\r\n";
  s += "To: <sip:alice@example.com>\r\n";
  s += "Call-ID: auth-test@127.0.0.1\r\n";
  s += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  if (method == "PUBLISH") s += "Event: presence\r\nExpires: 3600\r\n";
  if (!body.empty()) s += "Content-Type: application/pidf+xml\r\n";
  s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  s += body;
  return s;
}

inline Message request(std::string_view method, std::string_view uri, int cseq,
                       std::string_view body = {}) {
  return parse_message(request_text(method, uri, cseq, body));
}

// Users by (username, realm); answers with the password or, if `ha1_only`, with per-algorithm HA1.
class MapCredentials : public CredentialSource {
 public:
  void add(std::string user, std::string realm, std::string password) {
    users_[{std::move(user), std::move(realm)}] = std::move(password);
  }
  bool ha1_only = false;
  mutable int lookups = 0;

  std::optional<DigestSecret> lookup(std::string_view username, std::string_view realm,
                                     DigestAlgorithm algorithm) const override {
    ++lookups;
    auto it = users_.find({std::string(username), std::string(realm)});
    if (it == users_.end()) return std::nullopt;
    if (!ha1_only) return DigestSecret{DigestSecret::Kind::kPassword, it->second};
    return DigestSecret{DigestSecret::Kind::kHa1,
                        compute_ha1(algorithm, username, realm, it->second)};
  }

 private:
  std::map<std::pair<std::string, std::string>, std::string> users_;
};

}  // namespace pinana::sip::auth::testing
