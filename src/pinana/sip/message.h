// Message: one SIP request or response, parsed from bytes into a buffer the message owns
// (RFC 3261 §7, §18.3, §20, §25).
//
// Parsing copies the bytes into the message's own buffer (reusing its capacity, so a Message kept
// for the next datagram parses without touching the heap) and indexes the start line and every
// header field as views into that buffer. Every header field pinana knows is checked for syntax
// during parse(); a message that parsed is well formed in each of them, and the typed values of
// the hot headers (top Via, CSeq, Call-ID, From, To, Max-Forwards, Content-Length, Expires, Event)
// are kept ready. Unknown header fields are kept as text.
//
// Serializing an unchanged parsed message reproduces its bytes exactly; edited header fields are
// written as "Name: value". A Message is move-only (views point into its buffer) and is used by one
// thread at a time; clone() makes an independent copy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/sip/header_id.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/method.h"
#include "pinana/sip/uri.h"

namespace pinana::sip {

// How the bytes were delimited. A datagram may carry octets after the body (RFC 3261 §18.3:
// discarded) and may omit Content-Length (the body is the rest of the datagram). On a stream the
// framer has already cut exactly one message and Content-Length is mandatory.
enum class Framing : uint8_t { kDatagram, kStream };

struct HeaderField {
  HeaderId id = HeaderId::kUnknown;
  std::string_view name;   // as written ("v", "MaX-fOrWaRdS")
  std::string_view value;  // after the colon, LWS trimmed at both ends, inner folds kept
  std::string_view raw;    // the whole field with its CRLF; empty once the field was edited
};

class Message {
 public:
  // Limits enforced by parse(): a message is refused before it can exhaust memory.
  static constexpr size_t kMaxHeaders = 256;
  static constexpr size_t kTypicalHeaders = 16;  // fields parse() makes room for at once

  Message() = default;
  Message(Message&&) noexcept = default;
  Message& operator=(Message&&) noexcept = default;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // Parses `bytes`. On failure the message is left empty and the Error says which response the
  // receiving edge should send (400, 505, 501 ...; 0 for a response, which is dropped).
  Status parse(std::string_view bytes, Framing framing);
  // The same, taking over `bytes` as the message's buffer instead of copying it.
  Status parse(std::vector<char>&& bytes, Framing framing);
  static Result<Message> from_bytes(std::string_view bytes, Framing framing);
  Message clone() const;

  bool is_request() const { return is_request_; }
  bool is_response() const { return !is_request_; }

  std::string_view start_line() const { return start_line_; }  // without CRLF
  std::string_view version() const { return version_; }        // "SIP/2.0"

  // Requests.
  std::string_view method() const { return method_text_; }
  Method method_id() const { return method_; }
  const Uri& request_uri() const { return request_uri_; }

  // Responses.
  int status_code() const { return status_; }
  std::string_view reason_phrase() const { return reason_; }

  // Header fields in wire order.
  const std::vector<HeaderField>& headers() const { return headers_; }
  const HeaderField* find(HeaderId id) const;
  const HeaderField* find(std::string_view name) const;  // by name, any case, long or compact
  size_t count(HeaderId id) const;
  std::string_view value(HeaderId id) const {  // first value, "" if absent
    const HeaderField* h = find(id);
    return h ? h->value : std::string_view();
  }
  // Calls f(std::string_view element) for every comma-separated element of every field `id`.
  template <typename F>
  void for_each_value(HeaderId id, F&& f) const {
    for (const auto& h : headers_)
      if (h.id == id) for_each_element(h.value, [&f](std::string_view e) { return f(e), true; });
  }

  // Typed values of the first instance of the hot headers; null / nullopt when absent.
  const Via* top_via() const { return has_via_ ? &top_via_ : nullptr; }
  const CSeq* cseq() const { return has_cseq_ ? &cseq_ : nullptr; }
  const NameAddr* from() const { return has_from_ ? &from_ : nullptr; }
  const NameAddr* to() const { return has_to_ ? &to_ : nullptr; }
  const Event* event() const { return has_event_ ? &event_ : nullptr; }
  std::string_view call_id() const { return value(HeaderId::kCallId); }
  std::optional<uint32_t> max_forwards() const { return max_forwards_; }
  std::optional<uint32_t> expires() const { return expires_; }
  std::optional<uint32_t> content_length() const { return content_length_; }

  std::string_view body() const { return body_; }
  // How many bytes of the parsed input the message used (less than the input when a datagram
  // carried trailing octets).
  size_t consumed() const { return consumed_; }

  // Editing, for responses and forwarded requests. Edits keep every other view valid.
  void set_value(size_t index, std::string value);
  void add_header(std::string_view name, std::string value);
  void remove_header(size_t index);

  std::string serialize() const;
  void serialize_to(std::string& out) const;

 private:
  friend class MessageParser;
  void reset();
  std::string_view own(std::string value);
  Status parse_buffer(Framing framing);  // parses buf_

  std::vector<char> buf_;
  std::vector<HeaderField> headers_;
  std::vector<std::unique_ptr<std::string>> edits_;
  std::string_view start_line_, version_, method_text_, reason_, body_;
  Uri request_uri_;
  Via top_via_;
  CSeq cseq_;
  NameAddr from_, to_;
  Event event_;
  std::optional<uint32_t> max_forwards_, expires_, content_length_;
  size_t consumed_ = 0;
  int status_ = 0;
  Method method_ = Method::kUnknown;
  bool is_request_ = false;
  bool has_via_ = false, has_cseq_ = false, has_from_ = false, has_to_ = false, has_event_ = false;
};

}  // namespace pinana::sip
