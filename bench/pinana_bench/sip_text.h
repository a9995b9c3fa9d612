// The SIP text pinana-bench reads and writes: a one-pass scanner that picks out the few fields a
// load generator needs, and an appender that writes requests and responses into a fixed buffer.
//
// Not a SIP parser: no folding, no escaping, first value of a header only (except Via, whose lines
// are kept for the response). It never throws and never allocates; a view points into the
// datagram, so it lives as long as the receive buffer. Plain values; any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pinana::bench {

struct SipView {
  bool is_response = false;
  int status = 0;           // responses
  std::string_view method;  // requests
  std::string_view call_id;
  uint32_t cseq = 0;
  std::string_view cseq_method;
  std::string_view top_branch;  // branch parameter of the first Via
  std::string_view from, to;    // whole header values
  std::string_view cseq_value;  // "12 NOTIFY"
  std::string_view to_tag;
  std::string_view etag;     // SIP-ETag
  std::string_view contact;  // URI inside <> of the first Contact, or the bare value
  std::string_view subscription_state;
  std::string_view body;
  std::array<std::string_view, 8> vias{};  // Via header values in order
  int via_count = 0;
};

// Scans one datagram. False when it is not a SIP message this tool can answer (no start line, no
// header end, no Call-ID or CSeq).
bool scan_sip(std::string_view data, SipView& out);

// Appends text and numbers into a caller-owned buffer; overflow sets failed() and stops writing.
class Writer {
 public:
  Writer(char* buf, size_t cap) : buf_(buf), cap_(cap) {}
  Writer& operator<<(std::string_view s);
  Writer& operator<<(char c);
  Writer& num(uint64_t v);
  size_t size() const { return len_; }
  bool failed() const { return failed_; }
  char* data() { return buf_; }
  // Reserves `width` bytes (for a Content-Length written later) and returns their offset.
  size_t reserve(size_t width);
  // Writes v right-aligned, space-padded, into a reserved slot.
  void patch(size_t offset, size_t width, uint64_t v);

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
  bool failed_ = false;
};

// A response to `req` copying Via, From, To (adding `to_tag` when the To has none), Call-ID and
// CSeq, with Content-Length: 0. Returns the length written, 0 if it did not fit.
size_t write_response(const SipView& req, int status, std::string_view reason,
                      std::string_view to_tag, char* buf, size_t cap);

// The largest number written after `marker` in `body` (e.g. "bseq-1a2b-" then "123"; a server
// may merge several publications into one body). False if absent.
bool find_number_after(std::string_view body, std::string_view marker, uint64_t& out);

// Parses a decimal number; false on anything else or overflow past 2^63.
bool parse_u64(std::string_view s, uint64_t& out);

}  // namespace pinana::bench
