#include "pinana/state/hint.h"

#include <algorithm>

namespace pinana::state {
namespace {

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
  });
}

Error bad(std::string_view exten, std::string_view what) {
  std::string reason = "hint ";
  reason.append(exten);
  reason.append(": ");
  reason.append(what);
  return Error{400, std::move(reason)};
}

}  // namespace

Result<Hint> parse_hint(std::string_view exten, std::string_view value) {
  exten = trim(exten);
  if (exten.empty()) return Error{400, "hint: empty extension"};
  if (has_control(exten)) return bad(exten, "control character in the extension");
  if (has_control(value)) return bad(exten, "control character in the hint");

  Hint hint;
  hint.exten = std::string(exten);

  std::string rest(value);
  const size_t open = rest.find('(');
  const size_t close = rest.rfind(')');
  if (open != std::string::npos || close != std::string::npos) {
    if (open == std::string::npos || close == std::string::npos || close < open) {
      return bad(exten, "unbalanced parentheses around the display name");
    }
    hint.display_name =
        std::string(trim(std::string_view(rest).substr(open + 1, close - open - 1)));
    rest.erase(open, close - open + 1);
  }

  std::string_view all(rest);
  std::string_view device_part = all;
  const size_t comma = all.find(',');
  if (comma != std::string_view::npos) {
    device_part = all.substr(0, comma);
    hint.presence = std::string(trim(all.substr(comma + 1)));
    if (!hint.presence.empty() && hint.presence.find(':') == std::string::npos) {
      return bad(exten, "presence provider '" + hint.presence + "' has no ':'");
    }
  }
  device_part = trim(device_part);
  hint.text = std::string(device_part);

  while (!device_part.empty()) {
    const size_t amp = device_part.find('&');
    std::string_view name = trim(device_part.substr(0, amp));
    device_part = amp == std::string_view::npos ? std::string_view() : device_part.substr(amp + 1);
    if (name.empty()) continue;
    if (name.find('/') == std::string_view::npos && name.find(':') == std::string_view::npos) {
      return bad(exten, "device '" + std::string(name) + "' has neither '/' nor ':'");
    }
    hint.devices.emplace_back(name);
  }
  return hint;
}

}  // namespace pinana::state
