#include "pinana/node/mwi_summary.h"

#include <cctype>

namespace pinana::node {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Up to nine digits.
std::optional<int> count(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string render_summary(int new_messages, int old_messages, std::string_view account) {
  std::string out = "Messages-Waiting: ";
  out += new_messages > 0 ? "yes" : "no";
  out += "\r\n";
  if (!account.empty()) {
    out += "Message-Account: ";
    out += account;
    out += "\r\n";
  }
  out += "Voice-Message: ";
  out += std::to_string(new_messages);
  out += '/';
  out += std::to_string(old_messages);
  out += "\r\n";
  return out;
}

Result<std::optional<std::pair<int, int>>> parse_summary_counts(std::string_view body) {
  std::optional<std::pair<int, int>> counts;
  bool first = true;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
    line = trim(line);
    if (line.empty()) {
      if (first) continue;
      break;  // message headers follow: not ours to read
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Error{400, "summary line without ':'"};
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (first) {
      if (!iequals(name, "Messages-Waiting")) return Error{400, "first line not Messages-Waiting"};
      first = false;
      continue;
    }
    if (!iequals(name, "Voice-Message")) continue;
    // new/old [(new-urgent/old-urgent)]
    std::string_view v = value.substr(0, value.find('('));
    const size_t slash = v.find('/');
    if (slash == std::string_view::npos) return Error{400, "Voice-Message without '/'"};
    auto n = count(v.substr(0, slash)), o = count(v.substr(slash + 1));
    if (!n || !o) return Error{400, "Voice-Message counts are not numbers"};
    counts = std::make_pair(*n, *o);
  }
  return counts;
}

}  // namespace pinana::node
