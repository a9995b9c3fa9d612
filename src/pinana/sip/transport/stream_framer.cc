#include "pinana/sip/transport/stream_framer.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "pinana/sip/charset.h"
#include "pinana/sip/lex.h"

namespace pinana::sip::transport {
namespace {

constexpr std::string_view kCrlfCrlf = "\r\n\r\n";
// A connection that once carried a large message gives the memory back when it goes idle.
constexpr size_t kKeepCapacity = 32 * 1024;

bool is_content_length_name(std::string_view name) {
  return chars::iequals(name, "content-length") || chars::iequals(name, "l");
}

// Reads one Content-Length value. Digits only after trimming LWS (folds included).
Result<size_t> read_length(std::string_view raw, size_t max_body) {
  std::string_view v = trim_lws(raw);
  if (v.empty()) return Error{400, "empty Content-Length"};
  if (v.front() == '-') return Error{400, "negative Content-Length"};
  uint64_t n = 0;
  for (char c : v) {
    if (!chars::is_digit(c)) return Error{400, "Content-Length is not a number"};
    n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > 0xffffffffu) return Error{400, "Content-Length overflows"};
  }
  if (n > max_body) {
    return Error{413, "body of " + std::to_string(n) + " bytes exceeds the limit of " +
                          std::to_string(max_body)};
  }
  return static_cast<size_t>(n);
}

}  // namespace

StreamFramer::StreamFramer(FramerLimits limits) : limits_(limits) {}

Result<size_t> StreamFramer::content_length(std::string_view section, size_t max_body) {
  // Skip the start line; then walk the fields, joining folded continuation lines to their field.
  size_t pos = section.find("\r\n");
  if (pos == std::string_view::npos) return Error{400, "no header section"};
  pos += 2;
  std::optional<size_t> found;
  while (pos < section.size()) {
    size_t end = section.find("\r\n", pos);
    if (end == std::string_view::npos) end = section.size();
    while (end + 2 < section.size() && chars::is_wsp(section[end + 2])) {
      end = section.find("\r\n", end + 2);
      if (end == std::string_view::npos) end = section.size();
    }
    std::string_view field = section.substr(pos, end - pos);
    pos = end + 2;
    if (field.empty()) break;  // the empty line: end of the header section
    const size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;  // malformed; the parser will say so
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && chars::is_wsp(name.back())) name.remove_suffix(1);
    if (!is_content_length_name(name)) continue;
    if (found) return Error{400, "more than one Content-Length"};
    auto n = read_length(field.substr(colon + 1), max_body);
    if (!n) return n.error();
    found = n.value();
  }
  if (!found) return Error{400, "no Content-Length on a stream transport"};
  return *found;
}

void StreamFramer::compact() {
  if (begin_ == 0) return;
  const size_t n = end_ - begin_;
  if (n > 0) std::memmove(data_.data(), data_.data() + begin_, n);
  scan_ = scan_ > begin_ ? scan_ - begin_ : 0;
  begin_ = 0;
  end_ = n;
}

std::span<char> StreamFramer::prepare(size_t n) {
  if (begin_ == end_) {
    begin_ = end_ = scan_ = 0;
    if (data_.size() > kKeepCapacity && state_ == State::kIdle) std::vector<char>().swap(data_);
  }
  if (end_ + n > data_.size()) {
    compact();
    if (end_ + n > data_.size()) data_.resize(std::max(end_ + n, data_.size() * 2));
  }
  return {data_.data() + end_, n};
}

void StreamFramer::commit(size_t n) {
  end_ += n;
  if (state_ != State::kFailed && end_ - begin_ > limits_.max_buffered_bytes) {
    state_ = State::kFailed;
    fault_ = Error{513, "more than " + std::to_string(limits_.max_buffered_bytes) +
                            " bytes buffered on the connection"};
  }
}

void StreamFramer::feed(std::string_view bytes) {
  if (bytes.empty() || state_ == State::kFailed) return;
  auto dst = prepare(bytes.size());
  std::memcpy(dst.data(), bytes.data(), bytes.size());
  commit(bytes.size());
}

StreamFramer::Frame StreamFramer::fail(int status, std::string reason, std::string_view bytes) {
  state_ = State::kFailed;
  fault_ = Error{status, std::move(reason)};
  return Frame{Kind::kFault, bytes, fault_};
}

std::string_view StreamFramer::complete_lines(size_t limit) const {
  std::string_view window = view(begin_, std::min(end_ - begin_, limit));
  const size_t last = window.rfind("\r\n");
  return last == std::string_view::npos ? std::string_view() : window.substr(0, last + 2);
}

StreamFramer::Frame StreamFramer::next() {
  for (;;) {
    switch (state_) {
      case State::kFailed:
        return Frame{Kind::kFault, {}, fault_};

      case State::kIdle: {
        // RFC 3261 §7.5: CRLFs before a start line are ignored. RFC 5626 §3.5.1: CRLFCRLF is a
        // ping that wants a CRLF pong; a single CRLF (a pong, or padding) is skipped.
        const size_t avail = end_ - begin_;
        if (avail == 0) return Frame{};
        const char* p = data_.data() + begin_;
        if (p[0] != '\r') {
          state_ = State::kHeaders;
          scan_ = begin_;
          break;
        }
        if (avail < 2) return Frame{};
        if (p[1] != '\n') {  // not a CRLF: let the parser judge the "start line"
          state_ = State::kHeaders;
          scan_ = begin_;
          break;
        }
        if (avail < 3) return Frame{};
        if (p[2] != '\r') {
          begin_ += 2;
          break;
        }
        if (avail < 4) return Frame{};
        if (p[3] == '\n') {
          begin_ += 4;
          return Frame{Kind::kPing, {}, {}};
        }
        begin_ += 2;  // CRLF then a lone CR: skip the CRLF, the CR starts a (bad) message
        break;
      }

      case State::kHeaders: {
        std::string_view pending = view(0, end_);
        const size_t from = std::max(scan_, begin_);
        const size_t hit = pending.find(kCrlfCrlf, from);
        if (hit == std::string_view::npos) {
          scan_ = std::max(begin_, end_ >= 3 ? end_ - 3 : 0);
          if (end_ - begin_ > limits_.max_header_bytes) {
            return fail(
                513,
                "header section exceeds " + std::to_string(limits_.max_header_bytes) + " bytes",
                complete_lines(limits_.max_header_bytes));
          }
          return Frame{};
        }
        const size_t header_size = hit + 4 - begin_;
        std::string_view section = view(begin_, header_size);
        if (header_size > limits_.max_header_bytes) {
          return fail(
              513, "header section exceeds " + std::to_string(limits_.max_header_bytes) + " bytes",
              complete_lines(limits_.max_header_bytes));
        }
        auto length = content_length(section, limits_.max_body_bytes);
        if (!length) return fail(length.error().status, length.error().reason, section);
        message_size_ = header_size + length.value();
        state_ = State::kBody;
        break;
      }

      case State::kBody: {
        if (end_ - begin_ < message_size_) return Frame{};
        Frame f{Kind::kMessage, view(begin_, message_size_), {}};
        begin_ += message_size_;
        state_ = State::kIdle;
        return f;
      }
    }
  }
}

}  // namespace pinana::sip::transport
