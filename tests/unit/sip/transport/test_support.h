// Helpers for the transport tests: a TransportUser that records what it is told, a bounded
// io_context runner, test messages and torture-file loading. Single-threaded: everything runs on
// the test's thread, which also runs the io_context.
#pragma once

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "pinana/sip/transport/transport.h"

namespace pinana::sip::transport::testing {

class RecordingUser : public TransportUser {
 public:
  void on_message(IncomingMessage message) override {
    messages.push_back(std::move(message));
    if (on_message_hook) on_message_hook(messages.back());
  }
  void on_transport_error(const TransportError& error) override { errors.push_back(error); }
  void on_connection_closed(ConnectionId id) override { closed.push_back(id); }

  std::vector<IncomingMessage> messages;
  std::vector<TransportError> errors;
  std::vector<ConnectionId> closed;
  std::function<void(IncomingMessage&)> on_message_hook;
};

// Runs `io` until `done()` holds or `limit` passes; returns done(). Never blocks longer.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Runs `io` for `d` regardless (to show that something does NOT happen).
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  run_until(
      io, [] { return false; }, d);
}

inline std::string read_torture(const std::string& name) {
  std::ifstream in(std::string(PINANA_TEST_DATA) + "/rfc4475/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A well-formed OPTIONS request; `via` is the whole Via value.
inline std::string options_request(const std::string& via, const std::string& call_id,
                                   const std::string& body = "") {
  return "OPTIONS sip:hub@example.net SIP/2.0\r\n"
         "Via: " +
         via +
         "\r\n"
         "Max-Forwards: 70\r\n"
         "From: <sip:alice@example.net>;tag=a1\r\n"
         "To: <sip:hub@example.net>\r\n"
         "Call-ID: " +
         call_id +
         "\r\n"
         "CSeq: 1 OPTIONS\r\n" +
         (body.empty() ? std::string() : "Content-Type: text/plain\r\n") +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A 200 response to a parsed request, copying its Via fields (as stamped) and dialog headers.
inline std::string ok_response(const Message& request) {
  std::string out = "SIP/2.0 200 OK\r\n";
  for (const auto& h : request.headers()) {
    if (h.id == HeaderId::kVia || h.id == HeaderId::kFrom || h.id == HeaderId::kCallId ||
        h.id == HeaderId::kCSeq) {
      out += std::string(canonical_name(h.id)) + ": " + std::string(h.value) + "\r\n";
    }
    if (h.id == HeaderId::kTo) out += "To: " + std::string(h.value) + ";tag=srv\r\n";
  }
  return out + "Content-Length: 0\r\n\r\n";
}

}  // namespace pinana::sip::transport::testing
