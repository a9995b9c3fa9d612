// DigestServer: challenge building and the credential checks, in the order that lets a client with
// the right password recover transparently (stale=true) and gives a client without it nothing.
#include "pinana/sip/auth/digest_server.h"

#include <algorithm>

#include "pinana/sip/auth/auth_header.h"
#include "pinana/sip/auth/crypto.h"
#include "pinana/sip/auth/digest_response.h"
#include "pinana/sip/charset.h"
#include "pinana/sip/uri.h"

namespace pinana::sip::auth {
namespace {

std::string resolved(std::string_view inside) {
  return needs_unquote(inside) ? unquote_param(inside) : std::string(inside);
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = chars::lower(c);
  return out;
}

// RFC 3261 §22.4 item 3: the uri is the Request-URI. Compared as text first; a client that
// re-wrote it (host case, say) still matches if both parse and agree part by part.
bool same_uri(std::string_view digest_uri, std::string_view request_uri) {
  if (digest_uri == request_uri) return true;
  auto a = parse_uri(digest_uri);
  auto b = parse_uri(request_uri);
  if (!a || !b) return false;
  return a->scheme == b->scheme && a->user == b->user && a->password == b->password &&
         chars::iequals(a->host, b->host) && a->has_port == b->has_port && a->port == b->port &&
         a->params.text() == b->params.text() && a->headers == b->headers && a->opaque == b->opaque;
}

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7f;
  });
}

}  // namespace

std::string_view reason_text(AuthReason r) {
  switch (r) {
    case AuthReason::kOk:
      return "ok";
    case AuthReason::kNotChallengeable:
      return "ACK and CANCEL are not challenged";
    case AuthReason::kNoCredentials:
      return "no Digest credentials for this realm";
    case AuthReason::kMalformed:
      return "malformed credentials";
    case AuthReason::kUnsupportedAlgorithm:
      return "unsupported algorithm";
    case AuthReason::kUnsupportedQop:
      return "unsupported qop";
    case AuthReason::kQopMissing:
      return "credentials without qop";
    case AuthReason::kUriMismatch:
      return "uri is not the Request-URI";
    case AuthReason::kUnknownUser:
      return "unknown user";
    case AuthReason::kWrongResponse:
      return "wrong response";
    case AuthReason::kBadNonce:
      return "nonce or opaque not issued here";
    case AuthReason::kStaleNonce:
      return "nonce expired";
    case AuthReason::kForgottenNonce:
      return "nonce no longer tracked";
    case AuthReason::kNonceCountReplay:
      return "nonce count replayed";
    case AuthReason::kInternal:
      return "internal error";
  }
  return "unknown";
}

void AuthOutcome::add_challenges_to(Message& response) const {
  if (verdict != AuthVerdict::kChallenge) return;
  for (const auto& c : challenges) response.add_header(canonical_name(challenge_header), c);
}

Result<DigestServer> DigestServer::create(DigestServerOptions options, const Clock& clock) {
  if (options.realm.empty() || !printable(options.realm))
    return Error{500, "digest realm must be non-empty printable text"};
  if (options.algorithms.empty()) return Error{500, "digest needs at least one algorithm"};
  for (size_t i = 0; i < options.algorithms.size(); ++i) {
    for (size_t j = i + 1; j < options.algorithms.size(); ++j) {
      // RFC 8760 §2.4: no two challenges with the same algorithm for one realm.
      if (options.algorithms[i] == options.algorithms[j])
        return Error{500, "digest algorithm listed twice"};
    }
  }
  if (options.nonce_lifetime <= Duration::zero())
    return Error{500, "digest nonce lifetime must be positive"};
  std::vector<uint8_t> secret;
  if (options.secret.empty()) {
    secret.resize(32);
    if (!random_bytes(secret)) return Error{500, "no random bytes for the digest secret"};
  } else if (options.secret.size() < NonceCodec::kMinSecretSize) {
    return Error{500, "digest secret shorter than 16 bytes"};
  } else {
    secret.assign(options.secret.begin(), options.secret.end());
  }
  return DigestServer(std::move(options), clock, std::move(secret));
}

DigestServer::DigestServer(DigestServerOptions options, const Clock& clock,
                           std::vector<uint8_t> secret)
    : options_(std::move(options)),
      clock_(&clock),
      codec_(secret),
      tracker_(options_.max_tracked_nonces, options_.nonce_lifetime) {
  // The opaque only has to come back unchanged; deriving it from the secret keeps it the same
  // across servers sharing a secret, so it never turns a good client away after a fail-over.
  const std::string label = "opaque:" + options_.realm;
  Sha256Mac mac{};
  hmac_sha256(
      secret,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(label.data()), label.size()), mac);
  opaque_ = base64url_encode(std::span<const uint8_t>(mac.data(), 16));
}

AuthOutcome DigestServer::challenge(bool stale, AuthReason reason) {
  AuthOutcome out;
  out.reason = reason;
  auto nonce = codec_.issue(options_.realm, clock_->now());
  if (!nonce) {
    out.verdict = AuthVerdict::kServerError;
    out.reason = AuthReason::kInternal;
    out.status = 500;
    out.detail = nonce.error().reason;
    return out;
  }
  out.verdict = AuthVerdict::kChallenge;
  out.status = options_.proxy ? 407 : 401;
  out.challenge_header = options_.proxy ? HeaderId::kProxyAuthenticate : HeaderId::kWwwAuthenticate;
  out.stale = stale;
  out.detail = std::string(reason_text(reason));
  ChallengeFields f;
  f.realm = options_.realm;
  f.nonce = *nonce;
  f.opaque = opaque_;
  f.qop_options = options_.offer_auth_int ? "auth,auth-int" : "auth";
  f.stale = stale;
  out.challenges.reserve(options_.algorithms.size());
  for (DigestAlgorithm a : options_.algorithms) {
    f.algorithm = a;
    out.challenges.push_back(format_challenge(f));
  }
  return out;
}

AuthOutcome DigestServer::bad_request(AuthReason reason, std::string detail) {
  AuthOutcome out;
  out.verdict = AuthVerdict::kBadRequest;
  out.reason = reason;
  out.status = 400;
  out.detail = std::move(detail);
  return out;
}

AuthOutcome DigestServer::wrong_credentials(AuthReason reason) {
  if (!options_.forbid_wrong_credentials) return challenge(false, reason);
  AuthOutcome out;
  out.verdict = AuthVerdict::kForbidden;
  out.reason = reason;
  out.status = 403;
  out.detail = std::string(reason_text(reason));
  return out;
}

AuthOutcome DigestServer::verify(const Message& request, const CredentialSource& source) {
  const HeaderId id = options_.proxy ? HeaderId::kProxyAuthorization : HeaderId::kAuthorization;
  std::vector<std::string_view> values;
  for (const auto& h : request.headers())
    if (h.id == id) values.push_back(h.value);
  return verify(request.method(), request.request_uri().text, request.body(), values, source);
}

AuthOutcome DigestServer::verify(std::string_view method, std::string_view request_uri,
                                 std::string_view body,
                                 std::span<const std::string_view> credentials,
                                 const CredentialSource& source) {
  if (!is_challengeable(method)) {
    AuthOutcome out;
    out.verdict = AuthVerdict::kExempt;
    out.reason = AuthReason::kNotChallengeable;
    out.status = 0;
    return out;
  }
  // RFC 8760 §2.4 / RFC 3261 §22.3: at most one set of credentials per realm counts; others
  // belong to other realms (further proxies) or to schemes we do not speak.
  for (std::string_view value : credentials) {
    auto header = parse_auth_header(value);
    if (!header) return bad_request(AuthReason::kMalformed, header.error().reason);
    if (!header->is_digest()) continue;
    auto realm = header->params.find("realm");
    if (realm && resolved(realm->value) != options_.realm) continue;
    auto creds = parse_digest_credentials(*header);
    if (!creds) return bad_request(AuthReason::kMalformed, creds.error().reason);
    return check(*creds, method, request_uri, body, source);
  }
  return challenge(false, AuthReason::kNoCredentials);
}

AuthOutcome DigestServer::check(const DigestCredentials& creds, std::string_view method,
                                std::string_view request_uri, std::string_view body,
                                const CredentialSource& source) {
  const TimePoint now = clock_->now();
  // What the client asked for must be something we offered.
  if (!creds.algorithm || std::find(options_.algorithms.begin(), options_.algorithms.end(),
                                    *creds.algorithm) == options_.algorithms.end())
    return challenge(false, AuthReason::kUnsupportedAlgorithm);
  const DigestAlgorithm algorithm = *creds.algorithm;
  if (!creds.has_qop) return bad_request(AuthReason::kQopMissing, "Digest credentials without qop");
  const bool auth_int = options_.offer_auth_int && chars::iequals(creds.qop, "auth-int");
  if (!auth_int && !chars::iequals(creds.qop, "auth"))
    return challenge(false, AuthReason::kUnsupportedQop);
  const std::string uri = resolved(creds.uri);
  if (!same_uri(uri, request_uri))
    return bad_request(AuthReason::kUriMismatch, "Digest uri is not the Request-URI");

  // Whether the nonce is still usable is decided only after the response checked out: a client
  // with the right password then gets stale=true and retries silently; anyone else learns nothing.
  const std::string nonce = resolved(creds.nonce);
  const auto nonce_id = codec_.check(options_.realm, nonce);
  const bool opaque_ok = creds.has_opaque && constant_time_equal(resolved(creds.opaque), opaque_);

  const std::string username = resolved(creds.username);
  auto secret = source.lookup(username, options_.realm, base_algorithm(algorithm));
  if (!secret) return wrong_credentials(AuthReason::kUnknownUser);
  const std::string ha1 = secret->kind == DigestSecret::Kind::kPassword
                              ? compute_ha1(algorithm, username, options_.realm, secret->value)
                              : lowercase(secret->value);
  const std::string cnonce = resolved(creds.cnonce);
  const std::string qop = lowercase(creds.qop);
  DigestInput in;
  in.algorithm = algorithm;
  in.ha1 = ha1;
  in.nonce = nonce;
  in.cnonce = cnonce;
  in.nc = creds.nc_text;
  in.qop = qop;
  in.method = method;
  in.uri = uri;
  in.body = body;
  const std::string expected = compute_response(in);
  if (expected.empty()) {
    AuthOutcome out = bad_request(AuthReason::kInternal, "hash unavailable");
    out.verdict = AuthVerdict::kServerError;
    out.status = 500;
    return out;
  }
  if (!constant_time_equal(lowercase(creds.response), expected))
    return wrong_credentials(AuthReason::kWrongResponse);

  if (!nonce_id || !opaque_ok || nonce_id->issued() > now)
    return challenge(true, AuthReason::kBadNonce);
  if (now - nonce_id->issued() > options_.nonce_lifetime)
    return challenge(true, AuthReason::kStaleNonce);
  switch (tracker_.use(*nonce_id, creds.nc, now)) {
    case NonceTracker::Use::kFresh:
      break;
    case NonceTracker::Use::kReplay:
      return challenge(true, AuthReason::kNonceCountReplay);
    case NonceTracker::Use::kForgotten:
      return challenge(true, AuthReason::kForgottenNonce);
  }
  AuthOutcome out;
  out.verdict = AuthVerdict::kAccepted;
  out.reason = AuthReason::kOk;
  out.status = 0;
  out.username = username;
  out.algorithm = algorithm;
  return out;
}

}  // namespace pinana::sip::auth
