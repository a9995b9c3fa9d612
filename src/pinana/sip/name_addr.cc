// parse_name_addr: name-addr / addr-spec with header parameters (RFC 3261 §20.10, §25.1).
#include "pinana/sip/header_values.h"

#include <algorithm>

namespace pinana::sip {
namespace {

Error na_error(std::string_view what, std::string_view element) {
  std::string r = "bad address: ";
  r.append(what);
  r += " in \"";
  r.append(element.substr(0, 120));
  r += "\"";
  return Error{400, std::move(r)};
}

}  // namespace

Result<NameAddr> parse_name_addr(std::string_view element) {
  NameAddr na;
  if (auto s = parse_name_addr_into(element, na); !s) return s.error();
  return na;
}

Status parse_name_addr_into(std::string_view element, NameAddr& na) {
  na = NameAddr();
  Cursor c(element);
  c.skip_lws();
  if (c.peek() == '"') {
    if (!c.quoted_string(na.display_name)) return na_error("unterminated quoted string", element);
    c.skip_lws();
    if (c.peek() != '<') return na_error("display name without <URI>", element);
  } else {
    // display-name as *(token LWS); RFC 4475 §3.1.1.6 asks us to accept "caller<sip:...>".
    const size_t start = c.pos();
    size_t end = start;
    while (!c.done() && c.peek() != '<') {
      if (c.token().empty()) break;
      end = c.pos();
      c.skip_lws();
    }
    if (c.peek() == '<') {
      na.display_name = element.substr(start, end - start);
    } else {
      c.set_pos(start);
    }
  }
  if (c.consume('<')) {
    const size_t uri_start = c.pos();
    const size_t close = element.find('>', uri_start);
    if (close == std::string_view::npos) return na_error("missing >", element);
    if (auto s = parse_uri_into(element.substr(uri_start, close - uri_start), na.uri); !s) return s;
    na.angle_brackets = true;
    c.set_pos(close + 1);
  } else {
    // addr-spec: a SIP URI ends at the first ";" after its host part; other schemes at the first
    // ";".
    auto rest = c.rest();
    size_t host_from = rest.find(':');
    if (host_from == std::string_view::npos) return na_error("no URI", element);
    const size_t at = rest.find('@');
    if (at != std::string_view::npos && at < rest.find('"')) host_from = std::max(host_from, at);
    size_t end = rest.find(';', host_from);
    if (end == std::string_view::npos) end = rest.size();
    auto uri_text = trim_lws(rest.substr(0, end));
    if (uri_text.find_first_of("?, \t\r\n") != std::string_view::npos)
      return na_error("URI with headers, commas or spaces must be enclosed in <>", element);
    if (auto s = parse_uri_into(uri_text, na.uri); !s) return s;
    c.advance(uri_text.size());
  }
  auto pick = [&na](const ScannedParam& p) {
    if (!na.tag_present && p.name.size() == 3 && chars::iequals_token(p.name, "tag")) {
      na.tag_present = true;
      na.tag_param = p.value;
    }
  };
  if (!scan_header_params(c, na.params, pick)) return na_error("bad parameter", element);
  c.skip_lws();
  if (!c.done()) return na_error("unexpected text", element);
  return Status::Ok();
}

std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"') return std::string(s);
  s = s.substr(1, s.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace pinana::sip
