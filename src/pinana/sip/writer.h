// MessageWriter and make_response: build outgoing SIP messages as text (RFC 3261 §7, §8.2.6).
//
// MessageWriter appends a start line, header fields and a body (with Content-Length computed) to a
// string the caller owns; make_response() copies the fields a response must echo from a parsed
// request (every Via in order, From, To with a tag added, Call-ID, CSeq). Plain functions; any
// thread.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "pinana/sip/message.h"

namespace pinana::sip {

class MessageWriter {
 public:
  explicit MessageWriter(std::string& out) : out_(out) {}

  void request_line(std::string_view method, std::string_view uri);
  void status_line(int code, std::string_view reason);
  void header(std::string_view name, std::string_view value);
  void header(std::string_view name, uint64_t value);
  // A header whose value is the concatenation of `parts` (no temporary string).
  void header_parts(std::string_view name, std::span<const std::string_view> parts);
  // Ends the header section: Content-Type (when given), Content-Length, the empty line, the body.
  void finish(std::string_view content_type = {}, std::string_view body = {});

 private:
  void header_value_number(uint64_t v);
  std::string& out_;
};

using HeaderList = std::span<const std::pair<std::string_view, std::string_view>>;

// The standard reason phrase for a status code ("Conditional Request Failed" for 412).
std::string_view reason_phrase(int code);

// A response to `request` carrying what RFC 3261 §8.2.6.2 copies (every Via in order, From, To,
// Call-ID, CSeq; Timestamp in a 100 only, §8.2.6.1), `extra`, and the body. `to_tag` is added to To
// when the request's To has none and the status is above 100. `reason` empty: the standard phrase.
std::string make_response(const Message& request, int code, std::string_view reason = {},
                          std::string_view to_tag = {}, HeaderList extra = {},
                          std::string_view content_type = {}, std::string_view body = {});

}  // namespace pinana::sip
