#include "sip_text.h"

#include <charconv>
#include <cstring>

namespace pinana::bench {
namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The value of parameter `name` (e.g. "branch") in a header value, up to ; , > or whitespace.
std::string_view param(std::string_view value, std::string_view name) {
  size_t pos = 0;
  while ((pos = value.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view rest = value.substr(pos);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.size() > name.size() && rest[name.size()] == '=' &&
        iequals(rest.substr(0, name.size()), name)) {
      rest.remove_prefix(name.size() + 1);
      size_t end = 0;
      while (end < rest.size() && rest[end] != ';' && rest[end] != ',' && rest[end] != '>' &&
             rest[end] != ' ' && rest[end] != '\r')
        ++end;
      return rest.substr(0, end);
    }
  }
  return {};
}

// Header parameters of a name-addr value: those after the closing '>' if there is one.
std::string_view header_params(std::string_view value) {
  size_t gt = value.find('>');
  return gt == std::string_view::npos ? value : value.substr(gt);
}

}  // namespace

bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool scan_sip(std::string_view data, SipView& out) {
  out = SipView{};
  size_t eol = data.find("\r\n");
  if (eol == std::string_view::npos) return false;
  std::string_view start = data.substr(0, eol);
  if (start.starts_with("SIP/2.0 ")) {
    out.is_response = true;
    uint64_t st = 0;
    if (start.size() < 11 || !parse_u64(start.substr(8, 3), st)) return false;
    out.status = int(st);
  } else {
    size_t sp = start.find(' ');
    if (sp == std::string_view::npos || sp == 0) return false;
    out.method = start.substr(0, sp);
  }
  size_t pos = eol + 2;
  size_t content_length = std::string_view::npos;
  while (true) {
    size_t end = data.find("\r\n", pos);
    if (end == std::string_view::npos) return false;
    if (end == pos) {
      pos += 2;
      break;
    }
    std::string_view line = data.substr(pos, end - pos);
    pos = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    switch (name.size()) {
      case 1:
        switch (lower(name[0])) {
          case 'v':
            name = "via";
            break;
          case 'i':
            name = "call-id";
            break;
          case 't':
            name = "to";
            break;
          case 'f':
            name = "from";
            break;
          case 'm':
            name = "contact";
            break;
          case 'l':
            name = "content-length";
            break;
          default:
            break;
        }
        break;
      default:
        break;
    }
    if (iequals(name, "via")) {
      if (out.via_count == 0) out.top_branch = param(value, "branch");
      if (out.via_count < int(out.vias.size())) out.vias[out.via_count++] = value;
    } else if (iequals(name, "call-id")) {
      if (out.call_id.empty()) out.call_id = value;
    } else if (iequals(name, "cseq")) {
      out.cseq_value = value;
      size_t sp = value.find(' ');
      uint64_t n = 0;
      if (sp == std::string_view::npos || !parse_u64(value.substr(0, sp), n)) return false;
      out.cseq = uint32_t(n);
      out.cseq_method = trim(value.substr(sp + 1));
    } else if (iequals(name, "to")) {
      out.to = value;
      out.to_tag = param(header_params(value), "tag");
    } else if (iequals(name, "from")) {
      out.from = value;
    } else if (iequals(name, "sip-etag")) {
      out.etag = value;
    } else if (iequals(name, "contact")) {
      if (out.contact.empty()) {
        size_t lt = value.find('<');
        size_t gt = value.find('>');
        out.contact = (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
                          ? value.substr(lt + 1, gt - lt - 1)
                          : value.substr(0, value.find(';'));
      }
    } else if (iequals(name, "subscription-state")) {
      out.subscription_state = value;
    } else if (iequals(name, "content-length")) {
      uint64_t n = 0;
      if (parse_u64(value, n)) content_length = size_t(n);
    }
  }
  out.body = data.substr(pos);
  if (content_length != std::string_view::npos && content_length < out.body.size())
    out.body = out.body.substr(0, content_length);
  return !out.call_id.empty() && !out.cseq_value.empty();
}

Writer& Writer::operator<<(std::string_view s) {
  if (failed_ || len_ + s.size() > cap_) {
    failed_ = true;
    return *this;
  }
  std::memcpy(buf_ + len_, s.data(), s.size());
  len_ += s.size();
  return *this;
}

Writer& Writer::operator<<(char c) {
  return *this << std::string_view(&c, 1);
}

Writer& Writer::num(uint64_t v) {
  char tmp[24];
  auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  (void)ec;
  return *this << std::string_view(tmp, size_t(p - tmp));
}

size_t Writer::reserve(size_t width) {
  size_t at = len_;
  for (size_t i = 0; i < width; ++i) *this << ' ';
  return at;
}

void Writer::patch(size_t offset, size_t width, uint64_t v) {
  if (failed_) return;
  char tmp[24];
  auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  (void)ec;
  size_t n = size_t(p - tmp);
  if (n > width) {
    failed_ = true;
    return;
  }
  std::memset(buf_ + offset, ' ', width - n);
  std::memcpy(buf_ + offset + (width - n), tmp, n);
}

size_t write_response(const SipView& req, int status, std::string_view reason,
                      std::string_view to_tag, char* buf, size_t cap) {
  Writer w(buf, cap);
  w << "SIP/2.0 ";
  w.num(uint64_t(status)) << ' ' << reason << "\r\n";
  for (int i = 0; i < req.via_count; ++i) w << "Via: " << req.vias[i] << "\r\n";
  w << "From: " << req.from << "\r\n";
  w << "To: " << req.to;
  if (req.to_tag.empty() && !to_tag.empty()) w << ";tag=" << to_tag;
  w << "\r\nCall-ID: " << req.call_id << "\r\nCSeq: " << req.cseq_value
    << "\r\nContent-Length: 0\r\n\r\n";
  return w.failed() ? 0 : w.size();
}

bool find_number_after(std::string_view body, std::string_view marker, uint64_t& out) {
  bool found = false;
  size_t at = 0;
  while ((at = body.find(marker, at)) != std::string_view::npos) {
    size_t start = at + marker.size();
    size_t end = start;
    while (end < body.size() && body[end] >= '0' && body[end] <= '9') ++end;
    uint64_t v = 0;
    if (parse_u64(body.substr(start, end - start), v) && (!found || v > out)) {
      out = v;
      found = true;
    }
    at = end;
  }
  return found;
}

}  // namespace pinana::bench
