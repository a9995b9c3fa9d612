#include "pinana/api/router.h"

#include <exception>

#include "pinana/api/json_codec.h"
#include "pinana/api/url_codec.h"

namespace pinana::api {
namespace {

ApiResponse json_response(int status, const nlohmann::json& value) {
  ApiResponse res;
  res.status = status;
  res.body = dump(value);
  return res;
}

ApiResponse method_not_allowed(std::string allow) {
  ApiResponse res = error_response(405, "method not allowed; allowed: " + allow);
  res.allow = std::move(allow);
  return res;
}

// A backend Error's status as an HTTP status: 4xx/5xx pass, anything else is the backend's fault.
int http_status(const Error& error) {
  return error.status >= 400 && error.status <= 599 ? error.status : 500;
}

bool ascii_iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// application/json, any parameters; an absent Content-Type is taken as JSON (curl --data-raw).
bool json_content_type(std::string_view content_type) {
  if (content_type.empty()) return true;
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  return ascii_iequal(media, "application/json");
}

// The rest of the path after `prefix` when it starts with it; nullopt otherwise.
std::optional<std::string_view> after(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  return path.substr(prefix.size());
}

}  // namespace

ApiResponse error_response(int status, std::string_view reason) {
  ApiResponse res;
  res.status = status;
  res.body = error_body(reason);
  return res;
}

ApiResponse Router::handle(const ApiRequest& request) {
  std::string_view path = request.target;
  if (const size_t q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  // The backend is the node's code; a throw must not escape into the event loop.
  try {
    return route(request, path);
  } catch (const std::exception& e) {
    return error_response(500, std::string("internal error: ") + e.what());
  } catch (...) {
    return error_response(500, "internal error");
  }
}

ApiResponse Router::route(const ApiRequest& request, std::string_view path) {
  const std::string_view method = request.method;
  const bool get = method == "GET";
  if (path == "/health") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, {{"status", "ok"}});
  }
  if (path == "/metrics") {
    if (!get) return method_not_allowed("GET");
    ApiResponse res;
    res.content_type = "text/plain; version=0.0.4";
    res.body = backend_.metrics_text();
    return res;
  }
  if (path == kEventsPath) {
    if (!get) return method_not_allowed("GET");
    ApiResponse res = error_response(426, "this resource is a WebSocket; send an Upgrade request");
    return res;
  }
  if (path == "/api/v1/cluster") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, to_json(backend_.cluster()));
  }
  if (path == "/api/v1/devices") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, to_json(backend_.devices()));
  }
  if (path == "/api/v1/extensions") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, to_json(backend_.extensions()));
  }
  if (path == "/api/v1/mailboxes") {
    if (!get) return method_not_allowed("GET");
    return json_response(200, to_json(backend_.mailboxes()));
  }

  // Item routes: the whole rest of the path is the name, percent-decoded, so both
  // "PJSIP%2Falice" and "PJSIP/alice" name the same device.
  struct ItemRoute {
    std::string_view prefix;
    const char* kind;
    bool put;
  };
  static constexpr ItemRoute kItems[] = {{"/api/v1/devices/", "device", true},
                                         {"/api/v1/extensions/", "extension", false},
                                         {"/api/v1/mailboxes/", "mailbox", true}};
  for (const auto& item : kItems) {
    const auto rest = after(path, item.prefix);
    if (!rest) continue;
    if (rest->empty()) return error_response(404, std::string("no ") + item.kind + " name in path");
    auto name = percent_decode(*rest);
    if (!name.ok()) return error_response(400, name.error().reason);
    const bool put = method == "PUT";
    if (!get && !(put && item.put)) return method_not_allowed(item.put ? "GET, PUT" : "GET");
    if (put && !json_content_type(request.content_type))
      return error_response(415, "Content-Type must be application/json");
    if (item.prefix == kItems[0].prefix)
      return get ? get_device(*name) : put_device(request, *name);
    if (item.prefix == kItems[1].prefix) return get_extension(*name);
    return get ? get_mailbox(*name) : put_mailbox(request, *name);
  }
  return error_response(404, "no such resource");
}

ApiResponse Router::get_device(const std::string& name) {
  const auto device = backend_.device(name);
  if (!device) return error_response(404, "unknown device: " + name);
  return json_response(200, to_json(*device));
}

ApiResponse Router::put_device(const ApiRequest& request, const std::string& name) {
  auto update = parse_device_update(request.body);
  if (!update.ok()) return error_response(400, update.error().reason);
  if (auto s = backend_.set_device(name, update->state, update->caller); !s)
    return error_response(http_status(s.error()), s.error().reason);
  if (auto device = backend_.device(name)) return json_response(200, to_json(*device));
  // The backend accepted the state but shows no such device (it may drop a NOT_INUSE-only
  // custom device at once); answer with what was set.
  return json_response(200, to_json(DeviceView{name, update->state, {}}));
}

ApiResponse Router::get_extension(const std::string& exten) {
  const auto extension = backend_.extension(exten);
  if (!extension) return error_response(404, "unknown extension: " + exten);
  return json_response(200, to_json(*extension));
}

ApiResponse Router::get_mailbox(const std::string& mailbox) {
  if (auto m = backend_.mailbox(mailbox)) return json_response(200, to_json(*m));
  return error_response(404, "unknown mailbox: " + mailbox);
}

ApiResponse Router::put_mailbox(const ApiRequest& request, const std::string& mailbox) {
  auto update = parse_mailbox_update(request.body);
  if (!update.ok()) return error_response(400, update.error().reason);
  if (auto s = backend_.set_mailbox(mailbox, update->new_messages, update->old_messages); !s)
    return error_response(http_status(s.error()), s.error().reason);
  return json_response(200,
                       to_json(MailboxView{mailbox, update->new_messages, update->old_messages}));
}

}  // namespace pinana::api
