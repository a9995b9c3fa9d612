// Cursor: a forward-only scanner over one header value, with the RFC 3261 §25.1 lexical rules
// (LWS including folded line breaks, SWS around separators, tokens, quoted strings).
//
// A Cursor borrows the bytes it scans; every view it returns points into them. Internal to the
// parser; any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "pinana/sip/charset.h"

namespace pinana::sip {

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  std::string_view rest() const { return s_.substr(pos_); }
  std::string_view text() const { return s_; }
  std::string_view slice(size_t from) const { return s_.substr(from, pos_ - from); }
  void advance(size_t n = 1) { pos_ += n; }

  // Skips SP, HTAB and line folds (CRLF followed by SP/HTAB). Returns true if anything was skipped.
  bool skip_lws() {
    if (pos_ >= s_.size() || (s_[pos_] != ' ' && s_[pos_] != '\t' && s_[pos_] != '\r'))
      return false;
    const size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t') {
        ++pos_;
      } else if (c == '\r' && pos_ + 2 < s_.size() && s_[pos_ + 1] == '\n' &&
                 chars::is_wsp(s_[pos_ + 2])) {
        pos_ += 3;
      } else {
        break;
      }
    }
    return pos_ != start;
  }

  bool consume(char c) {
    if (peek() == c && !done()) {
      ++pos_;
      return true;
    }
    return false;
  }

  // SWS c SWS: a separator such as SEMI, COMMA, EQUAL, SLASH, COLON, LAQUOT with optional LWS.
  bool consume_sep(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {  // the common case: no whitespace before it
      ++pos_;
      skip_lws();
      return true;
    }
    const size_t save = pos_;
    skip_lws();
    if (consume(c)) {
      skip_lws();
      return true;
    }
    pos_ = save;
    return false;
  }

  // A run of characters of class `flags`; may be empty.
  std::string_view take(uint16_t flags) {
    const size_t start = pos_;
    pos_ = chars::scan(s_.data(), pos_, s_.size(), flags);
    return s_.substr(start, pos_ - start);
  }
  std::string_view token() { return take(chars::kToken); }

  std::string_view take_digits() { return take(chars::kDigit); }

  // quoted-string, returned with its quotes. Returns false (cursor unchanged) when the string is
  // unterminated or holds a character the grammar forbids (a bare CR or LF outside a fold).
  bool quoted_string(std::string_view& out) {
    if (peek() != '"') return false;
    size_t p = pos_ + 1;
    while (p < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[p]);
      if (c == '"') {
        out = s_.substr(pos_, p + 1 - pos_);
        pos_ = p + 1;
        return true;
      }
      if (c == '\\') {
        if (p + 1 >= s_.size()) return false;
        const unsigned char e = static_cast<unsigned char>(s_[p + 1]);
        if (e == '\n' || e == '\r' || e > 0x7f) return false;
        p += 2;
        continue;
      }
      if (c == '\r') {
        if (p + 2 < s_.size() && s_[p + 1] == '\n' && chars::is_wsp(s_[p + 2])) {
          p += 3;
          continue;
        }
        return false;
      }
      if (c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f) return false;
      ++p;
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// Trims SP/HTAB and folds from both ends.
inline std::string_view trim_lws(std::string_view s) {
  // Bytes <= 0x20 are rare in values, so one comparison rules out all four most of the time.
  auto ws = [](char c) {
    return static_cast<unsigned char>(c) <= ' ' &&
           (c == ' ' || c == '\t' || c == '\r' || c == '\n');
  };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace pinana::sip
