#include "pinana/sip/writer.h"

#include <charconv>

namespace pinana::sip {

void MessageWriter::request_line(std::string_view method, std::string_view uri) {
  out_.append(method).append(" ").append(uri).append(" SIP/2.0\r\n");
}

void MessageWriter::status_line(int code, std::string_view reason) {
  out_.append("SIP/2.0 ");
  header_value_number(code);
  out_.append(" ").append(reason.empty() ? reason_phrase(code) : reason).append("\r\n");
}

void MessageWriter::header(std::string_view name, std::string_view value) {
  out_.append(name).append(": ").append(value).append("\r\n");
}

void MessageWriter::header_parts(std::string_view name, std::span<const std::string_view> parts) {
  out_.append(name).append(": ");
  for (std::string_view p : parts) out_.append(p);
  out_.append("\r\n");
}

void MessageWriter::header(std::string_view name, uint64_t value) {
  out_.append(name).append(": ");
  header_value_number(value);
  out_.append("\r\n");
}

void MessageWriter::header_value_number(uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, static_cast<size_t>(r.ptr - buf));
}

void MessageWriter::finish(std::string_view content_type, std::string_view body) {
  if (!content_type.empty()) header("Content-Type", content_type);
  header("Content-Length", static_cast<uint64_t>(body.size()));
  out_.append("\r\n").append(body);
}

std::string_view reason_phrase(int code) {
  switch (code) {
    case 100:
      return "Trying";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 412:
      return "Conditional Request Failed";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Unsupported URI Scheme";
    case 420:
      return "Bad Extension";
    case 423:
      return "Interval Too Brief";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 482:
      return "Loop Detected";
    case 483:
      return "Too Many Hops";
    case 489:
      return "Bad Event";
    case 500:
      return "Server Internal Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "Version Not Supported";
    case 513:
      return "Message Too Large";
    default:
      if (code < 200) return "Provisional";
      if (code < 300) return "Success";
      if (code < 400) return "Redirection";
      if (code < 500) return "Client Error";
      if (code < 600) return "Server Error";
      return "Global Failure";
  }
}

std::string make_response(const Message& request, int code, std::string_view reason,
                          std::string_view to_tag, HeaderList extra, std::string_view content_type,
                          std::string_view body) {
  std::string out;
  out.reserve(512 + body.size());
  MessageWriter w(out);
  w.status_line(code, reason);
  for (const auto& h : request.headers()) {
    switch (h.id) {
      case HeaderId::kVia:
      case HeaderId::kFrom:
      case HeaderId::kCallId:
      case HeaderId::kCSeq:
        w.header(canonical_name(h.id), h.value);
        break;
      case HeaderId::kTimestamp:  // §8.2.6.1: a 100 echoes it
        if (code == 100) w.header("Timestamp", h.value);
        break;
      case HeaderId::kTo:
        if (code > 100 && !to_tag.empty() && request.to() && request.to()->tag().empty() &&
            &h == request.find(HeaderId::kTo)) {
          std::string v(h.value);
          v.append(";tag=").append(to_tag);
          w.header("To", v);
        } else {
          w.header("To", h.value);
        }
        break;
      default:
        break;
    }
  }
  for (const auto& [name, value] : extra) w.header(name, value);
  w.finish(content_type, body);
  return out;
}

}  // namespace pinana::sip
