// http_request: a small synchronous HTTP/1.1 client for the node API (the CLI's transport).
//
// One request per connection, a 5 s deadline over resolve, connect, write and read. Any HTTP
// status is a reply; only transport failures are errors: Error{0, "cannot connect to
// http://127.0.0.1:8088: Connection refused"} and the like. Runs its own io_context on the
// calling thread; any thread may call it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "pinana/base/result.h"

namespace pinana::api {

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
};

struct BaseUrl {
  std::string host;  // without brackets for IPv6
  std::string port;  // "80" when absent
  std::string path;  // prefix without the trailing '/', usually empty
};

// "http://HOST[:PORT][/PREFIX]"; HOST may be "[v6]". Error{0} for anything else (https too).
Result<BaseUrl> parse_base_url(std::string_view url);

// `target` is appended to the base URL's path ("/api/v1/devices"). A non-empty body is sent as
// application/json.
Result<HttpReply> http_request(std::string_view base_url, std::string_view method,
                               std::string_view target, std::string body = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace pinana::api
