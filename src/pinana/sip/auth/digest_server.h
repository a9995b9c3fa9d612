// DigestServer: the UAS / proxy side of SIP Digest authentication (RFC 3261 §22.2-22.4, RFC 7616,
// RFC 8760). It builds challenges and verifies credentials for one realm; it does no I/O and
// sends nothing: each call returns an AuthOutcome that says what the caller should do.
//
// Challenges: one per configured algorithm, most preferred first (SHA-256 then MD5 by default),
// one shared nonce, always qop="auth" (plus auth-int if enabled), an opaque, and stale=true when
// the credentials were right but the nonce can no longer be used. Nonces are stateless and
// self-validating (NonceCodec); per-nonce nc memory (NonceTracker) refuses replays in bounded
// memory.
//
// Outcomes (AuthVerdict, with the status to answer):
//   kAccepted     0    the request is authenticated as `username`
//   kChallenge    401 / 407 (proxy mode) with `challenges` as WWW-/Proxy-Authenticate values:
//                 no credentials for this realm (including other schemes, e.g. RFC 4475 regaut01),
//                 unsupported algorithm or qop, wrong password or unknown user (stale=false), or
//                 right password with an expired, foreign, forgotten or replayed nonce (stale=true)
//   kForbidden    403  wrong password or unknown user when options.forbid_wrong_credentials is set
//   kBadRequest   400  malformed credentials (syntax, missing parameters, bad nc, qop missing,
//                      uri not the Request-URI — RFC 2617 §3.2.2.5)
//   kExempt       -    ACK and CANCEL: never challenged (RFC 3261 §22.1), handle as usual
//   kServerError  500  OpenSSL could not produce random bytes or a hash
// `reason` tells which case it was, for logs and metrics; the peer sees only the status.
//
// A DigestServer is owned by one thread (the SIP shard that handles the requests) and called from
// it only. It keeps a reference to the Clock, which must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/base/result.h"
#include "pinana/sip/auth/credential_source.h"
#include "pinana/sip/auth/digest_algorithm.h"
#include "pinana/sip/auth/digest_params.h"
#include "pinana/sip/auth/nonce_codec.h"
#include "pinana/sip/auth/nonce_tracker.h"
#include "pinana/sip/header_id.h"
#include "pinana/sip/message.h"

namespace pinana::sip::auth {

enum class AuthVerdict : uint8_t {
  kAccepted,
  kChallenge,
  kForbidden,
  kBadRequest,
  kExempt,
  kServerError,
};

enum class AuthReason : uint8_t {
  kOk,
  kNotChallengeable,      // ACK / CANCEL
  kNoCredentials,         // none for this realm (absent, other realm, other scheme)
  kMalformed,             // syntax or missing parameters
  kUnsupportedAlgorithm,  // not one of options.algorithms
  kUnsupportedQop,        // not offered
  kQopMissing,            // RFC 2069 form: SIP requires qop (RFC 3261 §22.4 item 8)
  kUriMismatch,           // uri is not the Request-URI
  kUnknownUser,
  kWrongResponse,     // the password (or HA1) does not match
  kBadNonce,          // not issued by us for this realm, or opaque changed
  kStaleNonce,        // older than options.nonce_lifetime
  kForgottenNonce,    // its nc memory was evicted early
  kNonceCountReplay,  // nc not above the highest accepted for this nonce
  kInternal,          // OpenSSL failure
};
std::string_view reason_text(AuthReason r);

struct AuthOutcome {
  AuthVerdict verdict = AuthVerdict::kChallenge;
  AuthReason reason = AuthReason::kNoCredentials;
  int status = 401;
  std::string username;  // kAccepted: the authenticated user, quoted-pairs resolved
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;  // kAccepted: the algorithm used
  bool stale = false;                                    // kChallenge: challenges say stale=true
  HeaderId challenge_header = HeaderId::kWwwAuthenticate;
  std::vector<std::string> challenges;  // kChallenge: header values, most preferred first
  std::string detail;                   // one line for logs

  bool accepted() const { return verdict == AuthVerdict::kAccepted; }
  // Appends the challenge header fields to a response being built; nothing unless kChallenge.
  void add_challenges_to(Message& response) const;
};

struct DigestServerOptions {
  std::string realm;  // required; written as a quoted string
  // Most preferred first; each at most once. MD5 only for old clients (RFC 8760 §2.3).
  std::vector<DigestAlgorithm> algorithms = {DigestAlgorithm::kSha256, DigestAlgorithm::kMd5};
  Duration nonce_lifetime = std::chrono::minutes(5);
  size_t max_tracked_nonces = 16384;      // nc memory bound (entries of ~40 bytes + map node)
  bool proxy = false;                     // 407, Proxy-Authenticate / Proxy-Authorization
  bool offer_auth_int = false;            // qop="auth,auth-int" instead of qop="auth"
  bool forbid_wrong_credentials = false;  // 403 instead of a fresh 401 for a wrong password
  // HMAC key for nonces, at least 16 bytes, so several servers (or a restarted one) accept each
  // other's nonces; empty: 32 random bytes per DigestServer.
  std::string secret;
};

class DigestServer {
 public:
  // Checks the options (status 500 with the reason on a bad configuration or RNG failure).
  static Result<DigestServer> create(DigestServerOptions options, const Clock& clock);

  DigestServer(DigestServer&&) noexcept = default;
  DigestServer& operator=(DigestServer&&) noexcept = default;

  const DigestServerOptions& options() const { return options_; }

  // RFC 3261 §22.1: ACK and CANCEL cannot be resubmitted, so they are never challenged.
  static bool is_challengeable(std::string_view method) {
    return method != "ACK" && method != "CANCEL";
  }

  // A kChallenge outcome with fresh challenges (e.g. for a request that must be authenticated
  // before the caller even looked at its credentials).
  AuthOutcome challenge(bool stale = false, AuthReason reason = AuthReason::kNoCredentials);

  // Verifies `request` (Authorization, or Proxy-Authorization in proxy mode) against `source`.
  AuthOutcome verify(const Message& request, const CredentialSource& source);

  // The same from parts: `credentials` are the values of the credentials header fields in order.
  AuthOutcome verify(std::string_view method, std::string_view request_uri, std::string_view body,
                     std::span<const std::string_view> credentials, const CredentialSource& source);

  size_t tracked_nonces() const { return tracker_.size(); }

 private:
  DigestServer(DigestServerOptions options, const Clock& clock, std::vector<uint8_t> secret);
  AuthOutcome check(const DigestCredentials& creds, std::string_view method,
                    std::string_view request_uri, std::string_view body,
                    const CredentialSource& source);
  AuthOutcome wrong_credentials(AuthReason reason);
  static AuthOutcome bad_request(AuthReason reason, std::string detail);

  DigestServerOptions options_;
  const Clock* clock_;
  NonceCodec codec_;
  NonceTracker tracker_;
  std::string opaque_;
};

}  // namespace pinana::sip::auth
