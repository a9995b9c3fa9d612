#include "pinana/presence/packages/message_summary/summary_document.h"

#include <array>
#include <string>
#include <utility>

#include "pinana/presence/packages/common/xml_tree.h"

namespace pinana::presence::packages::message_summary {
namespace {

// RFC 3458 message-context-class values, canonical spelling.
constexpr std::array<std::string_view, 6> kClasses{
    "Voice-Message", "Fax-Message", "Pager-Message", "Multimedia-Message", "Text-Message", "None"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_ws(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

bool has_control(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return true;
  }
  return false;
}

// Reads `name HCOLON value`; false when the line has no colon.
bool split_header(std::string_view line, std::string_view& name, std::string_view& value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  name = trim_ws(line.substr(0, colon));
  value = trim_ws(line.substr(colon + 1));
  return !name.empty();
}

class CountCursor {
 public:
  explicit CountCursor(std::string_view s) : s_(s) {}
  void skip_ws() {
    while (i_ < s_.size() && is_ws(s_[i_])) ++i_;
  }
  bool consume(char c) {
    skip_ws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool count(uint32_t& out) {
    skip_ws();
    size_t n = 0;
    uint32_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      if (++n > 9) return false;
      v = v * 10 + static_cast<uint32_t>(s_[i_] - '0');
      ++i_;
    }
    out = v;
    return n > 0;
  }
  bool done() {
    skip_ws();
    return i_ == s_.size();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
bool parse_counts(std::string_view value, SummaryLine& line) {
  CountCursor c(value);
  if (!c.count(line.new_messages) || !c.consume('/') || !c.count(line.old_messages)) return false;
  if (c.done()) return true;
  uint32_t nu = 0, ou = 0;
  if (!c.consume('(') || !c.count(nu) || !c.consume('/') || !c.count(ou) || !c.consume(')'))
    return false;
  line.new_urgent = nu;
  line.old_urgent = ou;
  return c.done();
}

}  // namespace

Result<std::unique_ptr<SummaryDocument>> parse_summary(std::string_view body) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < body.size();) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (has_control(line)) return Error{400, "control character in message summary"};
    lines.push_back(line);
    start = end + 1;
  }
  if (lines.empty()) return Error{400, "empty message summary"};

  auto doc = std::make_unique<SummaryDocument>();
  std::string_view name, value;
  if (!split_header(lines[0], name, value) || !iequals(name, "Messages-Waiting"))
    return Error{400, "message summary does not start with Messages-Waiting"};
  if (iequals(value, "yes")) {
    doc->messages_waiting = true;
  } else if (!iequals(value, "no")) {
    return Error{400, "Messages-Waiting is neither yes nor no"};
  }

  size_t i = 1;
  bool have_account = false;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    if (is_ws(lines[i].front())) return Error{400, "folded line in message summary"};
    if (!split_header(lines[i], name, value))
      return Error{400, "message summary line without a colon"};
    if (iequals(name, "Message-Account")) {
      if (have_account) return Error{400, "more than one Message-Account"};
      if (!common::looks_like_uri(value)) return Error{400, "Message-Account is not a URI"};
      doc->account = value;
      have_account = true;
      continue;
    }
    SummaryLine line;
    for (std::string_view cls : kClasses)
      if (iequals(name, cls)) line.message_class = cls;
    if (line.message_class.empty())
      return Error{400, "unknown message summary line \"" + std::string(name) + "\""};
    for (const SummaryLine& seen : doc->lines)
      if (seen.message_class == line.message_class)
        return Error{400, "repeated " + line.message_class + " line"};
    if (!parse_counts(value, line))
      return Error{400, "bad message counts for " + line.message_class};
    doc->lines.push_back(std::move(line));
  }
  // Message headers (RFC 3842 opt-msg-headers) follow the empty line; trailing empty lines are the
  // body's own line end, not content.
  size_t last = lines.size();
  while (last > i && lines[last - 1].empty()) --last;
  for (size_t k = i + 1; k < last; ++k) doc->message_headers.emplace_back(lines[k]);
  return doc;
}

std::string format_summary(const SummaryDocument& doc) {
  std::string out = doc.messages_waiting ? "Messages-Waiting: yes\r\n" : "Messages-Waiting: no\r\n";
  if (!doc.account.empty()) out += "Message-Account: " + doc.account + "\r\n";
  for (const SummaryLine& l : doc.lines) {
    out += l.message_class + ": " + std::to_string(l.new_messages) + "/" +
           std::to_string(l.old_messages);
    if (l.new_urgent && l.old_urgent)
      out += " (" + std::to_string(*l.new_urgent) + "/" + std::to_string(*l.old_urgent) + ")";
    out += "\r\n";
  }
  if (!doc.message_headers.empty()) {
    out += "\r\n";
    for (const std::string& h : doc.message_headers) out += h + "\r\n";
  }
  return out;
}

}  // namespace pinana::presence::packages::message_summary
