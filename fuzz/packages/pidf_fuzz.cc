// pidf_fuzz: libFuzzer target for the `presence` package's PIDF parser and composer.
//
// The input is one PUBLISH body. A body the package accepts must compose into a NOTIFY body that
// the package accepts again, with the presentity as entity; composing is a fixpoint after one
// round (compose(parse(x)) reparsed and recomposed gives the same text); the same document
// published twice composes into no more tuples than once (tuple ids are keys).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "package_fuzz_util.h"
#include "pinana/presence/packages/presence/pidf_document.h"
#include "pinana/presence/packages/presence/presence_package.h"

namespace {

size_t tuples(const pinana::presence::packages::presence::PidfDocument& d) {
  size_t n = 0;
  for (const auto& i : d.items)
    n += i.kind == pinana::presence::packages::presence::PidfItem::Kind::kTuple ? 1 : 0;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinana;
  namespace pkg = pinana::presence::packages::presence;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const pkg::PresencePackage package;
  constexpr std::string_view kUri = "sip:alice@example.com";

  fuzz::FuzzResource one(package, std::string(kUri));
  if (!one.publish("a", input)) return 0;
  const auto first = one.render(0, true);
  FUZZ_CHECK(first.has_value() && first->content_type == "application/pidf+xml");
  auto reparsed = pkg::parse_pidf(first->text);
  FUZZ_CHECK(reparsed.ok());
  FUZZ_CHECK(reparsed.value()->entity == kUri);

  fuzz::FuzzResource again(package, std::string(kUri));
  FUZZ_CHECK(again.publish("a", first->text));
  const auto second = again.render(0, true);
  FUZZ_CHECK(second.has_value());
  fuzz::FuzzResource third(package, std::string(kUri));
  FUZZ_CHECK(third.publish("a", second->text));
  FUZZ_CHECK(third.render(0, true)->text == second->text);

  // Twice the same document: tuples collapse by id.
  FUZZ_CHECK(one.publish("b", input));
  auto both = pkg::parse_pidf(one.render(0, true)->text);
  FUZZ_CHECK(both.ok());
  FUZZ_CHECK(tuples(*both.value()) == tuples(*reparsed.value()));
  return 0;
}
