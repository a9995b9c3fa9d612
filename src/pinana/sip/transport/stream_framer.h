// StreamFramer: cuts the byte stream of one TCP/TLS connection into SIP messages
// (RFC 3261 §7.5, §18.3; RFC 5626 §3.5.1 keep-alives).
//
// A pure class: it does no I/O and knows nothing of sockets. The owner feeds it whatever the
// connection delivered (any chunking, down to one byte at a time) and then calls next() until it
// says kNeedMore. Each call yields one of:
//   kMessage  one complete message (start line, headers, exactly Content-Length body octets),
//             ready for Message::parse(bytes, Framing::kStream);
//   kPing     a CRLFCRLF keep-alive arrived between messages: the owner answers "\r\n" (pong);
//   kFault    the stream cannot be framed (bad, missing, negative or repeated Content-Length;
//   header
//             section or body over the limits; too much unread data). The Error holds the best
//             response (400, 413 or 513) and a reason; the owner answers it when it can and closes
//             the connection. A faulted framer stays faulted.
// Single CRLFs between messages (a peer's pong, or plain padding) are skipped silently.
//
// Views returned by next() point into the framer's buffer and stay valid until the next call to
// feed(), prepare() or next(). One owner; not thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"

namespace pinana::sip::transport {

struct FramerLimits {
  size_t max_header_bytes = 16 * 1024;  // start line + header fields + the empty line
  size_t max_body_bytes = 64 * 1024;    // largest Content-Length accepted
  // Bound on fed-but-not-yet-framed bytes; must exceed max_header_bytes + max_body_bytes plus the
  // owner's largest single feed, or a legal message could be refused.
  size_t max_buffered_bytes = 160 * 1024;
};

class StreamFramer {
 public:
  enum class Kind { kNeedMore, kMessage, kPing, kFault };
  struct Frame {
    Kind kind = Kind::kNeedMore;
    // kMessage: the message. kFault: the complete header lines seen so far (possibly empty), from
    // which the owner can build a response to the offending request.
    std::string_view bytes;
    Error fault;  // kFault only
  };

  explicit StreamFramer(FramerLimits limits = {});

  // Appends bytes received from the stream.
  void feed(std::string_view bytes);
  // Zero-copy alternative to feed(): write up to `n` bytes into the returned span, then commit()
  // the number actually written.
  std::span<char> prepare(size_t n);
  void commit(size_t n);

  Frame next();

  bool failed() const { return state_ == State::kFailed; }
  // Bytes fed and not yet returned as a message or skipped.
  size_t buffered() const { return end_ - begin_; }
  // True between messages (nothing but possibly a partial keep-alive is buffered).
  bool between_messages() const { return state_ == State::kIdle; }
  const FramerLimits& limits() const { return limits_; }

  // The Content-Length of a complete header section (start line, fields, and the CRLF that ends
  // the last field; the empty line may follow), as the framer reads it: long form or compact "l",
  // any case, folded lines and LWS allowed. Missing, empty, negative, non-numeric, overflowing and
  // repeated values are 400 errors; a value above `max_body` is a 413 error.
  static Result<size_t> content_length(std::string_view header_section, size_t max_body);

 private:
  enum class State { kIdle, kHeaders, kBody, kFailed };

  Frame fail(int status, std::string reason, std::string_view bytes);
  void compact();
  std::string_view view(size_t from, size_t n) const { return {data_.data() + from, n}; }
  // The complete lines (each ending in CRLF) of the partial header section, up to `limit` bytes.
  std::string_view complete_lines(size_t limit) const;

  FramerLimits limits_;
  std::vector<char> data_;
  size_t begin_ = 0;         // first unconsumed byte
  size_t end_ = 0;           // one past the last fed byte
  size_t scan_ = 0;          // where the search for the end of the header section resumes
  size_t message_size_ = 0;  // kBody: header section + Content-Length
  State state_ = State::kIdle;
  Error fault_;
};

}  // namespace pinana::sip::transport
