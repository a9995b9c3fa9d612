// message_summary_fuzz: libFuzzer target for the `message-summary` package's parser.
//
// The input is one PUBLISH body. An accepted body's canonical form must parse again to the same
// values and print identically; the NOTIFY body is that canonical form; Messages-Waiting is the
// first line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "package_fuzz_util.h"
#include "pinana/presence/packages/message_summary/message_summary_package.h"
#include "pinana/presence/packages/message_summary/summary_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinana;
  namespace pkg = pinana::presence::packages::message_summary;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto doc = pkg::parse_summary(input);
  if (!doc.ok()) {
    FUZZ_CHECK(doc.error().status == 400 && !doc.error().reason.empty());
    return 0;
  }
  const std::string canonical = pkg::format_summary(*doc.value());
  FUZZ_CHECK(canonical.starts_with("Messages-Waiting: yes\r\n") ||
             canonical.starts_with("Messages-Waiting: no\r\n"));
  auto again = pkg::parse_summary(canonical);
  FUZZ_CHECK(again.ok());
  const pkg::SummaryDocument& a = *doc.value();
  const pkg::SummaryDocument& b = *again.value();
  FUZZ_CHECK(a.messages_waiting == b.messages_waiting && a.account == b.account);
  FUZZ_CHECK(a.lines == b.lines && a.message_headers == b.message_headers);
  FUZZ_CHECK(pkg::format_summary(b) == canonical);

  const pkg::MessageSummaryPackage package;
  fuzz::FuzzResource r(package, "sip:alice@example.com");
  FUZZ_CHECK(r.publish("a", input));
  FUZZ_CHECK(r.render(0, true)->text == canonical);
  r.remove("a");
  FUZZ_CHECK(r.render(0, true)->text == "Messages-Waiting: no\r\n");
  return 0;
}
