// SummaryDocument: one published message summary (application/simple-message-summary, RFC 3842
// §5), parsed into values, and its canonical text form.
//
// parse_summary() follows the RFC 3842 ABNF, tolerating bare LF line ends:
//   Messages-Waiting: yes|no                 required, first line
//   Message-Account: <absolute URI>          optional, at most once
//   <class>: new/old [(new-urgent/old-urgent)]   optional, at most once per class; classes are
//       Voice-Message, Fax-Message, Pager-Message, Multimedia-Message, Text-Message, None
//   [empty line, then message headers]       kept verbatim
// Header names, classes and yes/no are case-insensitive; counts are at most 9 digits. Any other
// line before the empty line is refused, with 400 and a reason, as are control characters.
//
// format_summary() prints the canonical form: CRLF line ends, canonical names, the lines in the
// order above. Plain values, owned by the publication; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/presence/event_package.h"

namespace pinana::presence::packages::message_summary {

struct SummaryLine {
  std::string message_class;  // canonical spelling, e.g. "Voice-Message"
  uint32_t new_messages = 0;
  uint32_t old_messages = 0;
  std::optional<uint32_t> new_urgent;  // both present or both absent
  std::optional<uint32_t> old_urgent;

  bool operator==(const SummaryLine&) const = default;
};

class SummaryDocument final : public Document {
 public:
  std::unique_ptr<Document> clone() const override {
    return std::make_unique<SummaryDocument>(*this);
  }
  bool messages_waiting = false;
  std::string account;  // empty: no Message-Account line
  std::vector<SummaryLine> lines;
  std::vector<std::string> message_headers;  // the lines after the empty line, verbatim
  uint64_t serial = 0;  // set by the package: orders documents by when they were published
};

Result<std::unique_ptr<SummaryDocument>> parse_summary(std::string_view body);
std::string format_summary(const SummaryDocument& doc);

}  // namespace pinana::presence::packages::message_summary
