// Router: maps one HTTP request of the node API to one response. No I/O: the HTTP session hands
// it the parsed request and writes back what it returns, so every route and every error code is
// testable without a socket.
//
// Routes: /health, /metrics, /api/v1/devices[/{name}],
// /api/v1/extensions[/{exten}], /api/v1/mailboxes[/{mailbox}], /api/v1/cluster, /api/v1/events
// (WebSocket only; the session upgrades it before routing). Every 4xx/5xx carries
// {"error": "<reason>"}.
//
// Borrows the backend, which must outlive it. Called on the io thread only.
#pragma once

#include <string>
#include <string_view>

#include "pinana/api/node_backend.h"

namespace pinana::api {

constexpr std::string_view kEventsPath = "/api/v1/events";

struct ApiRequest {
  std::string_view method;        // "GET", "PUT", ...
  std::string_view target;        // origin-form, query allowed ("/api/v1/devices?x")
  std::string_view content_type;  // empty when absent
  std::string_view body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string allow;  // for 405
};

// An error response with the JSON error body.
ApiResponse error_response(int status, std::string_view reason);

class Router {
 public:
  explicit Router(NodeBackend& backend) : backend_(backend) {}

  // Never throws: a throw from the backend becomes 500.
  ApiResponse handle(const ApiRequest& request);

 private:
  ApiResponse route(const ApiRequest& request, std::string_view path);
  ApiResponse get_device(const std::string& name);
  ApiResponse put_device(const ApiRequest& request, const std::string& name);
  ApiResponse get_extension(const std::string& exten);
  ApiResponse get_mailbox(const std::string& mailbox);
  ApiResponse put_mailbox(const ApiRequest& request, const std::string& mailbox);

  NodeBackend& backend_;
};

}  // namespace pinana::api
