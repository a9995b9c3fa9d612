// dialog_info_fuzz: libFuzzer target for the `dialog` package's dialog-info parser and composer.
//
// The input is one PUBLISH body. A body the package accepts must compose into a NOTIFY body the
// package accepts again (entity = presentity, state full); versions count 0, 1, ... per watcher
// and a second watcher starts at 0; composing is a fixpoint after one round.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "package_fuzz_util.h"
#include "pinana/presence/packages/dialog/dialog_info_document.h"
#include "pinana/presence/packages/dialog/dialog_package.h"

namespace {

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinana;
  namespace pkg = pinana::presence::packages::dialog;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const pkg::DialogPackage package;
  constexpr std::string_view kUri = "sip:1000@example.com";

  fuzz::FuzzResource r(package, std::string(kUri));
  const size_t w = r.subscribe();
  if (!r.publish("a", input)) return 0;
  const auto first = r.render(w, true);
  FUZZ_CHECK(first.has_value() && first->content_type == "application/dialog-info+xml");
  FUZZ_CHECK(has(first->text, R"( version="0" state="full" entity="sip:1000@example.com")"));
  auto reparsed = pkg::parse_dialog_info(first->text, nullptr);
  FUZZ_CHECK(reparsed.ok());
  FUZZ_CHECK(reparsed.value()->entity == kUri);
  FUZZ_CHECK(has(r.render(w, false)->text, R"( version="1" )"));
  const size_t w2 = r.subscribe();
  FUZZ_CHECK(has(r.render(w2, true)->text, R"( version="0" )"));

  fuzz::FuzzResource again(package, std::string(kUri));
  const size_t a = again.subscribe();
  FUZZ_CHECK(again.publish("a", first->text));
  const auto second = again.render(a, true);
  fuzz::FuzzResource third(package, std::string(kUri));
  const size_t b = third.subscribe();
  FUZZ_CHECK(third.publish("a", second->text));
  FUZZ_CHECK(third.render(b, true)->text == second->text);

  // Modifying with the same body (full or partial) keeps the number of dialogs.
  FUZZ_CHECK(r.publish("a", input));
  auto after = pkg::parse_dialog_info(r.render(w, false)->text, nullptr);
  FUZZ_CHECK(after.ok());
  FUZZ_CHECK(after.value()->dialogs.size() == reparsed.value()->dialogs.size());
  return 0;
}
