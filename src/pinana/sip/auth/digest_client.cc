// DigestClient: challenge selection per realm and credentials with nonce counts.
#include "pinana/sip/auth/digest_client.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "pinana/sip/auth/auth_header.h"
#include "pinana/sip/auth/crypto.h"
#include "pinana/sip/auth/digest_params.h"
#include "pinana/sip/auth/digest_response.h"
#include "pinana/sip/charset.h"

namespace pinana::sip::auth {
namespace {

Result<std::string> random_cnonce() {
  std::array<uint8_t, 16> b;
  if (!random_bytes(b)) return Error{500, "no random bytes for a cnonce"};
  return to_hex(b);
}

std::string resolved(std::string_view inside) {
  return needs_unquote(inside) ? unquote_param(inside) : std::string(inside);
}

}  // namespace

DigestClient::DigestClient(std::string username, std::string password,
                           std::vector<DigestAlgorithm> supported)
    : username_(std::move(username)),
      password_(std::move(password)),
      supported_(std::move(supported)),
      cnonce_source_(random_cnonce) {}

const DigestClient::RealmState* DigestClient::find(std::string_view realm) const {
  for (const auto& r : realms_)
    if (r.realm == realm) return &r;
  return nullptr;
}

DigestClient::RealmState* DigestClient::find(std::string_view realm) {
  for (auto& r : realms_)
    if (r.realm == realm) return &r;
  return nullptr;
}

bool DigestClient::supports(DigestAlgorithm a) const {
  return std::find(supported_.begin(), supported_.end(), a) != supported_.end();
}

std::optional<DigestAlgorithm> DigestClient::algorithm_for(std::string_view realm) const {
  const RealmState* r = find(realm);
  if (!r) return std::nullopt;
  return r->algorithm;
}

void DigestClient::forget(std::string_view realm) {
  std::erase_if(realms_, [&](const RealmState& r) { return r.realm == realm; });
}

Status DigestClient::on_challenge(const Message& response) {
  std::vector<std::string_view> www, proxy;
  for (const auto& h : response.headers()) {
    if (h.id == HeaderId::kWwwAuthenticate) www.push_back(h.value);
    if (h.id == HeaderId::kProxyAuthenticate) proxy.push_back(h.value);
  }
  return on_challenge(response.status_code(), www, proxy);
}

Status DigestClient::on_challenge(int status, std::span<const std::string_view> www,
                                  std::span<const std::string_view> proxy) {
  std::vector<std::string> answered;  // realms taken from this response
  std::string refused;
  auto consider = [&](std::string_view value, bool is_proxy) {
    auto header = parse_auth_header(value);
    if (!header || !header->is_digest()) return;
    auto c = parse_digest_challenge(*header);
    if (!c || !c->algorithm || !supports(*c->algorithm)) return;
    std::string qop;
    if (c->offers_qop("auth")) {
      qop = "auth";
    } else if (c->offers_qop("auth-int")) {
      qop = "auth-int";
    } else if (c->has_qop) {
      return;  // only qop values we do not know
    }
    std::string realm = resolved(c->realm);
    // RFC 8760 §2.4: the topmost supported challenge of a realm wins; the rest are ignored.
    if (std::find(answered.begin(), answered.end(), realm) != answered.end()) return;
    answered.push_back(realm);
    RealmState* existing = find(realm);
    if (existing && existing->nc > 0 && !c->stale) {
      // We answered this realm's nonce and the server challenges again without calling the nonce
      // stale: it refused the password.
      refused = realm;
      forget(realm);
      return;
    }
    RealmState s;
    s.realm = std::move(realm);
    s.nonce = resolved(c->nonce);
    s.opaque = resolved(c->opaque);
    s.has_opaque = c->has_opaque;
    s.algorithm = *c->algorithm;
    s.qop = std::move(qop);
    s.proxy = is_proxy;
    s.ha1 = compute_ha1(s.algorithm, username_, s.realm, password_);
    if (existing) {
      *existing = std::move(s);
    } else {
      realms_.push_back(std::move(s));
    }
  };
  for (auto v : www) consider(v, false);
  for (auto v : proxy) consider(v, true);
  if (!refused.empty()) return Error{status, "credentials refused for realm \"" + refused + "\""};
  if (answered.empty()) return Error{status, "no Digest challenge this client can answer"};
  return Status::Ok();
}

Result<std::string> DigestClient::credentials_for(std::string_view realm, std::string_view method,
                                                  std::string_view uri, std::string_view body) {
  RealmState* s = find(realm);
  if (!s) return Error{0, "no challenge known for realm \"" + std::string(realm) + "\""};
  if (s->ha1.empty()) return Error{500, "hash unavailable"};
  std::string cnonce;
  if (!s->qop.empty()) {
    if (is_session_variant(s->algorithm) && !s->sess_cnonce.empty()) {
      cnonce = s->sess_cnonce;
    } else {
      auto fresh = cnonce_source_();
      if (!fresh) return fresh.error();
      cnonce = std::move(*fresh);
      if (is_session_variant(s->algorithm)) s->sess_cnonce = cnonce;
    }
  }
  const uint32_t nc = ++s->nc;
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", nc);
  DigestInput in;
  in.algorithm = s->algorithm;
  in.ha1 = s->ha1;
  in.nonce = s->nonce;
  in.cnonce = cnonce;
  in.nc = nc_text;
  in.qop = s->qop;
  in.method = method;
  in.uri = uri;
  in.body = body;
  const std::string response = compute_response(in);
  if (response.empty()) return Error{500, "hash unavailable"};
  CredentialsFields f;
  f.username = username_;
  f.realm = s->realm;
  f.nonce = s->nonce;
  f.uri = uri;
  f.response = response;
  f.algorithm = s->algorithm;
  f.cnonce = cnonce;
  f.opaque = s->opaque;
  f.has_opaque = s->has_opaque;
  f.qop = s->qop;
  f.nc = nc;
  return format_credentials(f);
}

Status DigestClient::authorize(Message& request) {
  for (const auto& s : realms_) {
    const HeaderId id = s.proxy ? HeaderId::kProxyAuthorization : HeaderId::kAuthorization;
    // Drop credentials a re-sent request still carries for this realm (RFC 8760 §2.4: one per
    // realm). Indices shift on removal, so walk backwards.
    const auto& headers = request.headers();
    for (size_t i = headers.size(); i-- > 0;) {
      if (headers[i].id != id) continue;
      auto h = parse_auth_header(headers[i].value);
      if (!h || !h->is_digest()) continue;
      auto r = h->params.find("realm");
      if (r && resolved(r->value) == s.realm) request.remove_header(i);
    }
  }
  for (const auto& s : realms_) {
    auto value =
        credentials_for(s.realm, request.method(), request.request_uri().text, request.body());
    if (!value) return value.error();
    request.add_header(
        canonical_name(s.proxy ? HeaderId::kProxyAuthorization : HeaderId::kAuthorization),
        std::move(*value));
  }
  return Status::Ok();
}

}  // namespace pinana::sip::auth
