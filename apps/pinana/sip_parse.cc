// pinana sip parse [FILE|-]: prints one SIP message's structure as JSON, or a one-line reason and
// exit status 1 when the message is malformed.
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "pinana/sip/message.h"
#include "subcommands.h"

namespace pinana::app {
namespace {

using json = nlohmann::ordered_json;
using namespace pinana::sip;

// JSON strings must be UTF-8; SIP allows any octet in some places (quoted-pairs, bodies).
std::string text(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f) {
      if (c == '\r' || c == '\n' || c == '\t' || c >= 0x80) {
        out.push_back(static_cast<char>(c));
        continue;
      }
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

json params_json(const Params& p) {
  json j = json::object();
  p.for_each([&](const Param& x) {
    j[text(x.name)] = x.has_value ? json(text(x.value)) : json(true);
    return true;
  });
  return j;
}

json uri_json(const Uri& u) {
  static constexpr const char* kScheme[] = {"sip", "sips", "tel", "other"};
  json j = {{"text", text(u.text)}, {"scheme", kScheme[static_cast<int>(u.scheme)]}};
  if (u.scheme == UriScheme::kOther) {
    j["scheme_text"] = text(u.scheme_text);
    j["opaque"] = text(u.opaque);
    return j;
  }
  if (u.has_user) {
    j["user"] = text(u.user);
    if (u.scheme != UriScheme::kTel && u.user.find('%') != std::string_view::npos)
      j["user_unescaped"] = text(unescape(u.user));
  }
  if (!u.password.empty()) j["password"] = text(u.password);
  if (!u.host.empty()) j["host"] = text(u.host);
  if (u.has_port) j["port"] = u.port;
  if (!u.params.empty()) j["params"] = params_json(u.params);
  if (!u.headers.empty()) j["headers"] = text(u.headers);
  return j;
}

json name_addr_json(const NameAddr& na) {
  json j;
  if (!na.display_name.empty()) j["display_name"] = text(unquote(na.display_name));
  j["uri"] = uri_json(na.uri);
  if (!na.params.empty()) j["params"] = params_json(na.params);
  return j;
}

template <typename F>
json list_json(std::string_view value, F&& one) {
  json arr = json::array();
  for_each_element(value, [&](std::string_view e) {
    if (!e.empty()) arr.push_back(one(e));
    return true;
  });
  return arr;
}

json parsed_value(const HeaderField& h) {
  switch (h.id) {
    case HeaderId::kVia:
      return list_json(h.value, [](std::string_view e) {
        Via v = parse_via(e).value();
        json j = {{"protocol", text(v.protocol) + "/" + text(v.version)},
                  {"transport", text(v.transport)},
                  {"host", text(v.host)}};
        if (v.has_port) j["port"] = v.port;
        if (!v.params.empty()) j["params"] = params_json(v.params);
        return j;
      });
    case HeaderId::kFrom:
    case HeaderId::kTo:
      return name_addr_json(parse_name_addr(h.value).value());
    case HeaderId::kContact:
      if (h.value == "*") return "*";
      [[fallthrough]];
    case HeaderId::kRoute:
    case HeaderId::kRecordRoute:
      return list_json(
          h.value, [](std::string_view e) { return name_addr_json(parse_name_addr(e).value()); });
    case HeaderId::kCSeq: {
      CSeq c = parse_cseq(h.value).value();
      return {{"sequence", c.sequence}, {"method", text(c.method)}};
    }
    case HeaderId::kContentLength:
    case HeaderId::kMaxForwards:
    case HeaderId::kExpires:
    case HeaderId::kMinExpires:
      return parse_number(h.value, 0xffffffffu, true).value();
    case HeaderId::kEvent: {
      Event e = parse_event(h.value).value();
      json j = {{"type", text(e.type)}, {"package", text(e.package)}};
      if (!e.params.empty()) j["params"] = params_json(e.params);
      return j;
    }
    case HeaderId::kSubscriptionState: {
      SubscriptionState s = parse_subscription_state(h.value).value();
      json j = {{"state", text(s.state)}};
      if (!s.reason.empty()) j["reason"] = text(s.reason);
      if (s.expires >= 0) j["expires"] = s.expires;
      if (s.retry_after >= 0) j["retry_after"] = s.retry_after;
      return j;
    }
    case HeaderId::kContentType:
    case HeaderId::kAccept:
      return list_json(h.value, [](std::string_view e) {
        MediaType m = parse_media_type(e).value();
        json j = {{"type", text(m.type) + "/" + text(m.subtype)}};
        if (!m.params.empty()) j["params"] = params_json(m.params);
        return j;
      });
    case HeaderId::kAllow:
    case HeaderId::kAllowEvents:
    case HeaderId::kSupported:
    case HeaderId::kRequire:
    case HeaderId::kProxyRequire:
    case HeaderId::kUnsupported:
      return list_json(h.value, [](std::string_view e) { return text(e); });
    default:
      return text(h.value);
  }
}

int run_parse(const std::string& path) {
  std::string bytes;
  if (path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << "pinana sip parse: cannot open " << path << "\n";
      return 2;
    }
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  Message m;
  if (auto s = m.parse(bytes, Framing::kDatagram); !s) {
    std::cout << "malformed: " << s.error().reason;
    if (s.error().status) std::cout << " (would answer " << s.error().status << ")";
    std::cout << "\n";
    return 1;
  }
  json out;
  if (m.is_request()) {
    out["type"] = "request";
    out["method"] = text(m.method());
    out["request_uri"] = uri_json(m.request_uri());
  } else {
    out["type"] = "response";
    out["status"] = m.status_code();
    out["reason"] = text(m.reason_phrase());
  }
  out["version"] = text(m.version());
  json headers = json::array();
  for (const auto& h : m.headers()) {
    json j;
    j["name"] = h.id == HeaderId::kUnknown ? text(h.name) : std::string(canonical_name(h.id));
    if (h.id != HeaderId::kUnknown && h.name != canonical_name(h.id)) j["wire_name"] = text(h.name);
    j["value"] = parsed_value(h);
    headers.push_back(std::move(j));
  }
  out["headers"] = std::move(headers);
  out["body_length"] = m.body().size();
  if (m.consumed() < bytes.size()) out["ignored_trailing_octets"] = bytes.size() - m.consumed();
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

void add_sip_parse(CLI::App& parent, int& rc) {
  auto* cmd =
      parent.add_subcommand("parse", "Parse one SIP message and print its structure as JSON");
  auto path = std::make_shared<std::string>("-");
  cmd->add_option("file", *path, "file holding the message, or - for standard input");
  cmd->callback([path, &rc] { rc = run_parse(*path); });
}

}  // namespace pinana::app
