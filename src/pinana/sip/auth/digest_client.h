// DigestClient: the UAC side of SIP Digest authentication (RFC 3261 §22.2-22.3, RFC 7616,
// RFC 8760 §2.4) for one identity (username + password).
//
// on_challenge() reads a 401/407 and remembers, per realm, the first (topmost) Digest challenge
// whose algorithm and qop it supports; later challenges for the same realm in that response are
// ignored, as RFC 8760 requires. authorize() then adds one Authorization (for WWW-Authenticate) or
// Proxy-Authorization (for Proxy-Authenticate) per remembered realm to each outgoing request:
// uri quoted and equal to the Request-URI, opaque echoed, qop=auth (auth-int only if that is all
// the server offers), a random cnonce, and nc counting 1, 2, 3 ... for each use of the same nonce.
// A new nonce (stale=true or a new challenge) restarts nc at 1.
//
// A second challenge without stale=true for a realm whose nonce was already answered means the
// password was refused: on_challenge() then forgets the realm and returns an error, so callers do
// not loop. Owned by one thread (the client's SIP shard); not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/sip/auth/digest_algorithm.h"
#include "pinana/sip/message.h"

namespace pinana::sip::auth {

class DigestClient {
 public:
  // A fresh cnonce per request: default 16 random bytes as hex. Tests may fix it.
  using CnonceSource = std::function<Result<std::string>()>;

  // `supported`: the algorithms this client will answer; the server's order picks among them.
  DigestClient(std::string username, std::string password,
               std::vector<DigestAlgorithm> supported = {
                   DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Sess,
                   DigestAlgorithm::kSha512_256, DigestAlgorithm::kSha512_256Sess,
                   DigestAlgorithm::kMd5, DigestAlgorithm::kMd5Sess});

  // Learns the challenges of a 401 or 407 response (both header kinds are read: a forking proxy
  // may aggregate them). Error (with the response's status) when no challenge can be answered or
  // the credentials were refused for a realm.
  Status on_challenge(const Message& response);
  // The same from header values: `www` from WWW-Authenticate fields, `proxy` from
  // Proxy-Authenticate fields, each in wire order.
  Status on_challenge(int status, std::span<const std::string_view> www,
                      std::span<const std::string_view> proxy);

  // Replaces any credentials for the remembered realms in `request` with fresh ones.
  Status authorize(Message& request);

  // The credentials header value for `realm` (nc advances); error if the realm is unknown.
  Result<std::string> credentials_for(std::string_view realm, std::string_view method,
                                      std::string_view uri, std::string_view body = {});

  bool knows_realm(std::string_view realm) const { return find(realm) != nullptr; }
  // The algorithm chosen for `realm`, if known.
  std::optional<DigestAlgorithm> algorithm_for(std::string_view realm) const;
  void forget(std::string_view realm);
  void clear() { realms_.clear(); }

  void set_cnonce_source(CnonceSource source) { cnonce_source_ = std::move(source); }

 private:
  struct RealmState {
    std::string realm;  // octets
    std::string nonce;
    std::string opaque;
    bool has_opaque = false;
    DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
    std::string qop;          // "auth", "auth-int" or "" (RFC 2069 server)
    bool proxy = false;       // answer in Proxy-Authorization
    uint32_t nc = 0;          // uses of this nonce so far
    std::string ha1;          // base HA1 for `algorithm`
    std::string sess_cnonce;  // -sess: one cnonce per nonce, since HA1 depends on it
  };
  const RealmState* find(std::string_view realm) const;
  RealmState* find(std::string_view realm);
  bool supports(DigestAlgorithm a) const;

  std::string username_;
  std::string password_;
  std::vector<DigestAlgorithm> supported_;
  std::vector<RealmState> realms_;  // a client faces one or two realms: a vector is enough
  CnonceSource cnonce_source_;
};

}  // namespace pinana::sip::auth
