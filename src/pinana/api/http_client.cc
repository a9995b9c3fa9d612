#include "pinana/api/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace pinana::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;
using tcp = boost::asio::ip::tcp;

// Node listings can be long; this only bounds a broken or hostile server.
constexpr size_t kReplyBodyLimit = 64 * 1024 * 1024;

}  // namespace

Result<BaseUrl> parse_base_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return Error{0, "API URL must start with http://: \"" + std::string(url) + "\""};
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  BaseUrl out;
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Error{0, "bad IPv6 host in API URL: \"" + std::string(url) + "\""};
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return Error{0, "bad host in API URL: \"" + std::string(url) + "\""};
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Error{0, "no host in API URL: \"" + std::string(url) + "\""};
  if (port.empty()) port = "80";
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
      std::stoi(std::string(port)) > 65535)
    return Error{0, "bad port in API URL: \"" + std::string(url) + "\""};
  out.port = std::string(port);
  return out;
}

Result<HttpReply> http_request(std::string_view base_url, std::string_view method,
                               std::string_view target, std::string body,
                               std::chrono::milliseconds timeout) {
  auto base = parse_base_url(base_url);
  if (!base.ok()) return base.error();
  const http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown) return Error{0, "unknown HTTP method " + std::string(method)};
  const std::string where = std::string(base_url);

  boost::asio::io_context io(1);
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  http::request<http::string_body> req{verb, base->path + std::string(target), 11};
  const bool v6 = base->host.find(':') != std::string::npos;
  req.set(http::field::host, (v6 ? "[" + base->host + "]" : base->host) + ":" + base->port);
  req.set(http::field::user_agent, "pinana");
  req.set(http::field::accept, "application/json");
  if (!body.empty() || verb == http::verb::put || verb == http::verb::post) {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
  }
  req.keep_alive(false);
  req.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kReplyBodyLimit);
  std::optional<Error> failure;
  bool done = false;
  auto fail = [&](std::string what, const error_code& ec) {
    if (ec == beast::error::timeout) {
      failure = Error{0, what + where + ": timed out"};
    } else {
      failure = Error{0, what + where + ": " + ec.message()};
    }
  };

  stream.expires_after(timeout);
  resolver.async_resolve(
      base->host, base->port, [&](const error_code& ec, const tcp::resolver::results_type& eps) {
        if (ec) return fail("cannot resolve ", ec);
        stream.async_connect(eps, [&](const error_code& ec, const tcp::endpoint&) {
          if (ec) return fail("cannot connect to ", ec);
          http::async_write(stream, req, [&](const error_code& ec, size_t) {
            if (ec) return fail("cannot send request to ", ec);
            http::async_read(stream, buffer, parser, [&](const error_code& ec, size_t) {
              if (ec) return fail("no valid reply from ", ec);
              done = true;
            });
          });
        });
      });
  // The stream's deadline covers connect, write and read; the resolver's has none of its own.
  io.run_for(timeout + std::chrono::seconds(1));
  if (failure) return *failure;
  if (!done) return Error{0, "no reply from " + where + ": timed out"};
  const auto& res = parser.get();
  HttpReply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.content_type = std::string(res[http::field::content_type]);
  reply.body = res.body();
  return reply;
}

}  // namespace pinana::api
