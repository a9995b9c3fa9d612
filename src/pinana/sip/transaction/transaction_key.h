// TransactionKey: what identifies a non-INVITE transaction when matching messages to it
// (RFC 3261 §17.1.3 for client transactions, §17.2.3 for server transactions), and
// MergedRequestKey: what §8.2.2.2 compares to detect a merged request.
//
// Server keys (built from a received request):
//  - kRfc3261, when the top Via branch carries the magic cookie "z9hG4bK" followed by something
//    (Via::rfc3261_branch()): branch, top Via sent-by host and port, method. ACK maps to INVITE
//    (it belongs to the INVITE's transaction); CANCEL keeps its own method, so it is a
//    transaction of its own.
//  - kRfc2543 otherwise (including a branch that is exactly "z9hG4bK", RFC 4475 badbranch):
//    Request-URI, To tag, From tag, Call-ID, CSeq number, method (ACK as INVITE), and the top Via
//    sent-by and branch (if any).
// Client keys (built from a request we send or a response we receive): top Via branch and CSeq
// method. Client and server keys never compare equal, so a request a node sends to itself keeps
// both of its transactions apart.
//
// Comparisons are byte-exact (a retransmission repeats the bytes) except the sent-by host, which
// is compared without case. The key owns copies of its fields. Plain value; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pinana/base/result.h"
#include "pinana/sip/message.h"

namespace pinana::sip::transaction {

class TransactionKey {
 public:
  enum class Role : uint8_t { kClient, kServer };
  enum class Rule : uint8_t { kRfc3261, kRfc2543 };

  // Errors (status 400) when the request has no top Via or no CSeq.
  static Result<TransactionKey> for_server(const Message& request);
  // Errors when the message has no top Via, no CSeq, or no RFC 3261 branch: responses to such
  // requests cannot be matched (status 0: drop a response; a request we build must not lack one).
  static Result<TransactionKey> for_client(const Message& message);
  // The client key of a request the TU built itself, from its CSeq method and top Via branch
  // (magic cookie included), without parsing it back. Errors (status 0) for a branch that is not
  // an RFC 3261 one.
  static Result<TransactionKey> for_client(std::string_view method, std::string_view branch);
  // The same given what follows the magic cookie ("z9hG4bK" + branch_id is the branch); errors
  // (status 0) when it is empty.
  static Result<TransactionKey> for_client_branch_id(std::string_view method,
                                                     std::string_view branch_id);

  Role role() const { return role_; }
  Rule rule() const { return rule_; }
  std::string_view method() const { return method_; }  // "INVITE" for an ACK
  // The top Via branch; for the RFC 3261 rule without the magic cookie, which all such have.
  std::string_view branch() const { return branch_; }
  std::string_view sent_by_host() const { return host_; }  // lower-cased; server keys only
  uint16_t sent_by_port() const { return port_; }          // 0 when the Via has no port
  // RFC 2543 rule only ("" / 0 otherwise):
  std::string_view request_uri() const { return request_uri_; }
  std::string_view to_tag() const { return to_tag_; }
  std::string_view from_tag() const { return from_tag_; }
  std::string_view call_id() const { return call_id_; }
  uint32_t cseq() const { return cseq_; }

  bool operator==(const TransactionKey&) const = default;
  size_t hash() const;
  // Appends the key's exact bytes to `out`: two keys encode equal exactly when they compare
  // equal (every field, length-prefixed). For keeping a key without its seven strings.
  void encode(std::string& out) const;

 private:
  Role role_ = Role::kServer;
  Rule rule_ = Rule::kRfc3261;
  uint16_t port_ = 0;
  uint32_t cseq_ = 0;
  std::string method_;
  std::string branch_;
  std::string host_;
  std::string request_uri_, to_tag_, from_tag_, call_id_;
};

// RFC 3261 §8.2.2.2: a request without a To tag whose From tag, Call-ID and CSeq (number and
// method) equal those of an ongoing server transaction it does not match is a merged request.
struct MergedRequestKey {
  std::string from_tag;
  std::string call_id;
  uint32_t cseq = 0;
  std::string method;

  // nullopt when the request has a To tag (in-dialog requests are not checked) or lacks CSeq.
  static std::optional<MergedRequestKey> of(const Message& request);

  bool operator==(const MergedRequestKey&) const = default;
  size_t hash() const;
  // Appends the key's exact bytes to `out`, as TransactionKey::encode does.
  void encode(std::string& out) const;
};

}  // namespace pinana::sip::transaction

template <>
struct std::hash<pinana::sip::transaction::TransactionKey> {
  size_t operator()(const pinana::sip::transaction::TransactionKey& k) const { return k.hash(); }
};
