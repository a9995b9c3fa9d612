#include "pinana/sip/transport/inbound.h"

#include "pinana/sip/writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <functional>
#include <vector>

#include "pinana/sip/charset.h"
#include "pinana/sip/lex.h"

namespace pinana::sip::transport {
namespace {

namespace ip = boost::asio::ip;

bool sent_by_is(const Via& via, const Endpoint& source) {
  if (via.host_type != HostType::kIPv4 && via.host_type != HostType::kIPv6) return false;
  std::string_view host = via.host;
  if (via.host_type == HostType::kIPv6 && host.size() >= 2) host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(host), ec);
  if (ec) return false;
  return Endpoint::normalized(a, 0).address == source.address;
}

// The header fields a stateless response copies, read leniently from bytes that failed to parse.
struct RawRequest {
  std::string_view method;
  std::vector<std::string_view> vias;  // field values in order
  std::string_view from, to, call_id, cseq;
  bool has_from = false, has_to = false, has_call_id = false, has_cseq = false;
};

// Reads the start line and the complete (CRLF-terminated) header lines of `raw`. Returns false
// when there is no request line.
bool scan_raw(std::string_view raw, RawRequest& out) {
  size_t pos = 0;
  while (raw.substr(pos, 2) == "\r\n") pos += 2;
  size_t eol = raw.find("\r\n", pos);
  if (eol == std::string_view::npos) return false;
  std::string_view start = raw.substr(pos, eol - pos);
  if (start.size() >= 4 && chars::iequals(start.substr(0, 4), "SIP/")) return false;
  out.method = start.substr(0, start.find(' '));
  pos = eol + 2;
  while (pos < raw.size()) {
    size_t end = raw.find("\r\n", pos);
    if (end == std::string_view::npos) break;  // an incomplete last line is not read
    while (end + 2 < raw.size() && chars::is_wsp(raw[end + 2])) {
      const size_t more = raw.find("\r\n", end + 2);
      if (more == std::string_view::npos) break;
      end = more;
    }
    std::string_view line = raw.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && chars::is_wsp(name.back())) name.remove_suffix(1);
    std::string_view value = trim_lws(line.substr(colon + 1));
    auto take = [&](std::string_view& slot, bool& has) {
      if (!has) slot = value, has = true;
    };
    switch (lookup_header(name)) {
      case HeaderId::kVia:
        out.vias.push_back(value);
        break;
      case HeaderId::kFrom:
        take(out.from, out.has_from);
        break;
      case HeaderId::kTo:
        take(out.to, out.has_to);
        break;
      case HeaderId::kCallId:
        take(out.call_id, out.has_call_id);
        break;
      case HeaderId::kCSeq:
        take(out.cseq, out.has_cseq);
        break;
      default:
        break;
    }
  }
  return true;
}

// A reason phrase may hold only TEXT-UTF8 without CR/LF; keep it printable ASCII and short.
std::string phrase_for(const Error& error) {
  std::string out(reason_phrase(error.status));
  if (error.reason.empty()) return out;
  std::string detail;
  for (char c : error.reason) {
    if (detail.size() >= 100) break;
    detail += (c >= 0x20 && c <= 0x7e) ? c : '?';
  }
  return out + " (" + detail + ")";
}

// The first element of the first Via field of the request in `raw`, read without parsing the
// message (the same lines scan_raw reads). nullopt for a response, or when no Via comes before
// the end of the header.
std::optional<std::string_view> top_via_element(std::string_view raw) {
  size_t pos = 0;
  while (raw.substr(pos, 2) == "\r\n") pos += 2;
  if (raw.size() - pos >= 4 && chars::iequals(raw.substr(pos, 4), "SIP/")) return std::nullopt;
  size_t eol = raw.find("\r\n", pos);
  if (eol == std::string_view::npos) return std::nullopt;
  pos = eol + 2;
  while (pos < raw.size()) {
    size_t end = raw.find("\r\n", pos);
    if (end == std::string_view::npos) return std::nullopt;
    while (end + 2 < raw.size() && chars::is_wsp(raw[end + 2])) {
      const size_t more = raw.find("\r\n", end + 2);
      if (more == std::string_view::npos) return std::nullopt;
      end = more;
    }
    std::string_view line = raw.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) return std::nullopt;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && chars::is_wsp(name.back())) name.remove_suffix(1);
    if (lookup_header(name) != HeaderId::kVia) continue;
    std::string_view first;
    for_each_element(trim_lws(line.substr(colon + 1)),
                     [&first](std::string_view e) { return first = e, false; });
    if (first.empty()) return std::nullopt;
    return first;
  }
  return std::nullopt;
}

}  // namespace

bool append_stamped_via_element(std::string_view element, const Via& via, const Endpoint& source,
                                std::vector<char>& out) {
  const auto rport = via.params.find("rport");
  const bool fill_rport = rport && !rport->has_value;
  if (!fill_rport && sent_by_is(via, source)) return false;

  // At most two edits, each an insertion of two parts in place of `erase` bytes at `at`.
  struct Edit {
    size_t at;
    size_t erase;
    std::string_view first, second;
  };
  std::array<Edit, 2> edits;
  size_t count = 0;
  auto offset = [&](std::string_view part) {
    return static_cast<size_t>(part.data() - element.data());
  };
  const std::string address = source.address_text();
  if (auto received = via.params.find("received")) {
    if (received->has_value) {
      edits[count++] = {offset(received->value), received->value.size(), address, {}};
    } else {
      edits[count++] = {offset(received->name) + received->name.size(), 0, "=", address};
    }
  } else {
    edits[count++] = {element.size(), 0, ";received=", address};
  }
  char port[8];
  if (fill_rport) {
    const char* end = std::to_chars(port, port + sizeof port, source.port).ptr;
    edits[count++] = {offset(rport->name) + rport->name.size(), 0, "=",
                      std::string_view(port, static_cast<size_t>(end - port))};
  }
  // In element order; at the same offset the rport value goes first, so that an appended
  // ";received=" follows a trailing "rport=".
  if (count == 2 && edits[1].at <= edits[0].at) std::swap(edits[0], edits[1]);
  auto append = [&out](std::string_view part) { out.insert(out.end(), part.begin(), part.end()); };
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    append(element.substr(pos, edits[i].at - pos));
    append(edits[i].first);
    append(edits[i].second);
    pos = edits[i].at + edits[i].erase;
  }
  append(element.substr(pos));
  return true;
}

std::string stamp_via_element(std::string_view element, const Via& via, const Endpoint& source) {
  std::vector<char> out;
  if (!append_stamped_via_element(element, via, source, out)) return std::string(element);
  return std::string(out.begin(), out.end());
}

bool stamp_top_via(Message& request, const Endpoint& source, Framing framing) {
  const auto& headers = request.headers();
  size_t index = 0;
  while (index < headers.size() && headers[index].id != HeaderId::kVia) ++index;
  if (index == headers.size()) return false;
  const std::string_view value = headers[index].value;
  std::string_view first;
  for_each_element(value, [&first](std::string_view e) { return first = e, false; });
  auto via = parse_via(first);
  if (!via) return false;
  std::string stamped = stamp_via_element(first, via.value(), source);
  if (stamped == first) return false;
  const size_t at = static_cast<size_t>(first.data() - value.data());
  std::string updated(value.substr(0, at));
  updated += stamped;
  updated += value.substr(at + first.size());
  request.set_value(index, std::move(updated));
  // top_via() still views the old text; re-parse so every reader sees one consistent message.
  const std::string bytes = request.serialize();
  return request.parse(bytes, framing).ok();
}

Received receive(std::string_view bytes, Framing framing, const Endpoint& source) {
  Received r;
  Message m;
  // Stamp the top Via in the bytes before parsing, so the message is parsed once. Whatever this
  // cannot handle (no Via found, a Via that does not parse, stamped bytes that do not parse) takes
  // the general path below, which parses first and decides from the parsed message.
  bool stamped_before = false;
  if (auto element = top_via_element(bytes)) {
    if (auto via = parse_via(*element)) {
      const size_t at = static_cast<size_t>(element->data() - bytes.data());
      std::vector<char> edited;
      edited.reserve(bytes.size() + 64);
      edited.insert(edited.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(at));
      if (!append_stamped_via_element(*element, via.value(), source, edited)) {
        stamped_before = true;  // nothing to add
      } else {
        const std::string_view rest = bytes.substr(at + element->size());
        edited.insert(edited.end(), rest.begin(), rest.end());
        if (m.parse(std::move(edited), framing).ok()) {
          r.message = std::move(m);
          return r;
        }
      }
    }
  }
  if (auto s = m.parse(bytes, framing); !s) {
    r.error = s.error();
    r.reply = stateless_response(bytes, r.error, source);
    return r;
  }
  if (m.is_request() && !stamped_before && !stamp_top_via(m, source, framing) &&
      m.start_line().empty()) {
    // The stamped copy failed to re-parse (it should not); deliver the request as it came.
    (void)m.parse(bytes, framing);
  }
  r.message = std::move(m);
  return r;
}

std::optional<std::string> stateless_response(std::string_view raw, const Error& error,
                                              const Endpoint& source) {
  if (error.status < 300 || error.status > 699) return std::nullopt;
  RawRequest req;
  if (!scan_raw(raw, req) || req.method == "ACK" || req.vias.empty()) return std::nullopt;

  // Every Via element goes back (RFC 3261 §8.2.6.2), the top one stamped. When a Via is itself
  // malformed (RFC 4475 badinv01) the fields go back as they came: the transport answers the
  // source address anyway, and the client can still match its request.
  std::vector<std::string> vias;
  bool well_formed = true;
  for (std::string_view field : req.vias) {
    well_formed = for_each_element(field, [&](std::string_view e) {
      auto v = parse_via(e);
      if (!v) return false;
      vias.push_back(vias.empty() ? stamp_via_element(e, v.value(), source) : std::string(e));
      return true;
    });
    if (!well_formed) break;
  }
  if (!well_formed) vias.assign(req.vias.begin(), req.vias.end());
  if (vias.empty()) return std::nullopt;

  std::string out = "SIP/2.0 " + std::to_string(error.status) + " " + phrase_for(error) + "\r\n";
  for (const auto& v : vias) out += "Via: " + v + "\r\n";
  if (req.has_from && parse_name_addr(req.from).ok())
    out += "From: " + std::string(req.from) + "\r\n";
  if (req.has_to) {
    if (auto to = parse_name_addr(req.to); to.ok()) {
      out += "To: " + std::string(req.to);
      if (!to->tag_present) {
        // A stateless UAS still tags the To (§8.2.6.2); derive it from the request so that a
        // retransmission gets the same tag.
        const size_t h =
            std::hash<std::string_view>()(raw.substr(0, std::min<size_t>(raw.size(), 512)));
        char tag[24];
        std::snprintf(tag, sizeof tag, "%016zx", h);
        out += ";tag=pn";
        out += tag;
      }
      out += "\r\n";
    }
  }
  if (req.has_call_id && is_call_id(req.call_id))
    out += "Call-ID: " + std::string(req.call_id) + "\r\n";
  if (req.has_cseq && parse_cseq(req.cseq).ok()) out += "CSeq: " + std::string(req.cseq) + "\r\n";
  out += "Content-Length: 0\r\n\r\n";
  return out;
}

}  // namespace pinana::sip::transport
