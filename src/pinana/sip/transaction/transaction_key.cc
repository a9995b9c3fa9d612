#include "pinana/sip/transaction/transaction_key.h"

#include <functional>

#include "pinana/sip/charset.h"

namespace pinana::sip::transaction {
namespace {

// RFC 3261 §8.1.1.7. Keys of the RFC 3261 rule keep their branch without it: 12 random characters
// after it then fit std::string's inline buffer.
constexpr std::string_view kMagicCookie = "z9hG4bK";

// boost::hash_combine's mixing step, so equal fields in different positions hash differently.
void mix(size_t& seed, size_t h) {
  seed ^= h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}
size_t hash_text(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

// Length-prefixed, so that no two field sequences encode the same bytes.
void put_text(std::string& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(s);
}
template <typename T>
void put_int(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = chars::lower(c);
  return out;
}

// ACK belongs to the transaction of the INVITE it acknowledges (§17.2.3); every other method,
// CANCEL included, keys its own transaction.
std::string_view key_method(const Message& request) {
  return request.method_id() == Method::kAck ? std::string_view("INVITE") : request.method();
}

}  // namespace

Result<TransactionKey> TransactionKey::for_server(const Message& request) {
  if (!request.is_request()) return Error{0, "not a request"};
  const Via* via = request.top_via();
  if (via == nullptr) return Error{400, "Missing Via"};
  const CSeq* cseq = request.cseq();
  if (cseq == nullptr) return Error{400, "Missing CSeq"};

  TransactionKey k;
  k.role_ = Role::kServer;
  k.method_ = key_method(request);
  const bool rfc3261 = via->rfc3261_branch();
  const std::string_view branch = via->branch();
  k.branch_ = rfc3261 ? branch.substr(kMagicCookie.size()) : branch;
  k.host_ = lower(via->host);
  k.port_ = via->has_port ? via->port : 0;
  if (rfc3261) {
    k.rule_ = Rule::kRfc3261;
    return k;
  }
  k.rule_ = Rule::kRfc2543;
  k.request_uri_ = request.request_uri().text;
  if (const NameAddr* to = request.to()) k.to_tag_ = to->tag();
  if (const NameAddr* from = request.from()) k.from_tag_ = from->tag();
  k.call_id_ = request.call_id();
  k.cseq_ = cseq->sequence;
  return k;
}

Result<TransactionKey> TransactionKey::for_client(const Message& message) {
  const Via* via = message.top_via();
  if (via == nullptr) return Error{0, "Missing Via"};
  const CSeq* cseq = message.cseq();
  if (cseq == nullptr) return Error{0, "Missing CSeq"};
  if (!via->rfc3261_branch()) return Error{0, "top Via has no RFC 3261 branch"};
  TransactionKey k;
  k.role_ = Role::kClient;
  k.rule_ = Rule::kRfc3261;
  k.method_ = cseq->method;
  k.branch_ = via->branch().substr(kMagicCookie.size());
  return k;
}

Result<TransactionKey> TransactionKey::for_client(std::string_view method,
                                                  std::string_view branch) {
  // Via::rfc3261_branch(): the magic cookie (compared as written) and something after it.
  if (branch.size() <= kMagicCookie.size() || branch.substr(0, kMagicCookie.size()) != kMagicCookie)
    return Error{0, "top Via has no RFC 3261 branch"};
  return for_client_branch_id(method, branch.substr(kMagicCookie.size()));
}

Result<TransactionKey> TransactionKey::for_client_branch_id(std::string_view method,
                                                            std::string_view branch_id) {
  if (branch_id.empty()) return Error{0, "top Via has no RFC 3261 branch"};
  TransactionKey k;
  k.role_ = Role::kClient;
  k.rule_ = Rule::kRfc3261;
  k.method_ = method;
  k.branch_ = branch_id;
  return k;
}

size_t TransactionKey::hash() const {
  size_t h = static_cast<size_t>(role_) * 2 + static_cast<size_t>(rule_);
  mix(h, hash_text(branch_));
  mix(h, hash_text(method_));
  mix(h, hash_text(host_));
  mix(h, port_);
  if (rule_ == Rule::kRfc2543) {
    mix(h, hash_text(request_uri_));
    mix(h, hash_text(to_tag_));
    mix(h, hash_text(from_tag_));
    mix(h, hash_text(call_id_));
    mix(h, cseq_);
  }
  return h;
}

void TransactionKey::encode(std::string& out) const {
  put_int(out, static_cast<uint8_t>(role_));
  put_int(out, static_cast<uint8_t>(rule_));
  put_int(out, port_);
  put_int(out, cseq_);
  put_text(out, method_);
  put_text(out, branch_);
  put_text(out, host_);
  put_text(out, request_uri_);
  put_text(out, to_tag_);
  put_text(out, from_tag_);
  put_text(out, call_id_);
}

std::optional<MergedRequestKey> MergedRequestKey::of(const Message& request) {
  const NameAddr* to = request.to();
  if (to != nullptr && to->tag_present) return std::nullopt;
  const CSeq* cseq = request.cseq();
  if (cseq == nullptr) return std::nullopt;
  MergedRequestKey k;
  if (const NameAddr* from = request.from()) k.from_tag = from->tag();
  k.call_id = request.call_id();
  k.cseq = cseq->sequence;
  k.method = cseq->method;
  return k;
}

size_t MergedRequestKey::hash() const {
  size_t h = hash_text(call_id);
  mix(h, hash_text(from_tag));
  mix(h, cseq);
  mix(h, hash_text(method));
  return h;
}

void MergedRequestKey::encode(std::string& out) const {
  put_int(out, cseq);
  put_text(out, from_tag);
  put_text(out, call_id);
  put_text(out, method);
}

}  // namespace pinana::sip::transaction
