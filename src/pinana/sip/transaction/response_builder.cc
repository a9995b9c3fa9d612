#include "pinana/sip/transaction/response_builder.h"

#include <charconv>

namespace pinana::sip::transaction {
namespace {

void append_field(std::string& out, HeaderId id, std::string_view value) {
  out.append(canonical_name(id));
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

std::string build_response(const Message& request, int status, std::string_view reason,
                           std::string_view to_tag) {
  std::string out;
  size_t estimate = 64 + reason.size() + to_tag.size();
  for (const HeaderField& h : request.headers()) estimate += h.name.size() + h.value.size() + 16;
  out.reserve(estimate);

  char code[8];
  auto [end, ec] = std::to_chars(code, code + sizeof(code), status);
  (void)ec;
  out.append("SIP/2.0 ");
  out.append(code, end);
  out.push_back(' ');
  out.append(reason);
  out.append("\r\n");

  for (const HeaderField& h : request.headers()) {
    switch (h.id) {
      case HeaderId::kVia:
      case HeaderId::kFrom:
      case HeaderId::kCallId:
      case HeaderId::kCSeq:
        append_field(out, h.id, h.value);
        break;
      case HeaderId::kTo:
        append_field(out, h.id, h.value);
        if (!to_tag.empty() && request.to() && !request.to()->params.has("tag")) {
          out.resize(out.size() - 2);  // reopen the line to append the tag
          out.append(";tag=");
          out.append(to_tag);
          out.append("\r\n");
        }
        break;
      case HeaderId::kTimestamp:
        if (status == 100) append_field(out, h.id, h.value);
        break;
      default:
        break;
    }
  }
  out.append("Content-Length: 0\r\n\r\n");
  return out;
}

}  // namespace pinana::sip::transaction
