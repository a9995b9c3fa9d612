// sip_uri_fuzz: libFuzzer target for pinana::sip::parse_uri and classify_host.
//
// A URI that parsed must keep the promises of uri.h: every part is a view inside the text, the
// host classifies as it was parsed, a port reads back from its digits, parameters are found by
// name, escapes decode without overrunning. Any broken promise aborts (FUZZ_CHECK).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pinana/sip/charset.h"
#include "pinana/sip/uri.h"
#include "sip_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pinana;
  using namespace pinana::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (auto u = sip::parse_uri(input)) {
    FUZZ_CHECK(u->text.data() == input.data() && u->text.size() == input.size());
    check_uri(*u);
    // Parsing is a function of the bytes alone: a copy parses to the same parts.
    const std::string copy(input);
    auto again = sip::parse_uri(copy);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->scheme == u->scheme && again->host_type == u->host_type);
    FUZZ_CHECK(again->user == u->user && again->host == u->host && again->port == u->port);
    FUZZ_CHECK(again->params.text() == u->params.text() && again->headers == u->headers);
  }

  const sip::HostType host = sip::classify_host(input);
  switch (host) {
    case sip::HostType::kIPv6:
      FUZZ_CHECK(input.size() >= 3 && input.front() == '[' && input.back() == ']');
      break;
    case sip::HostType::kIPv4:
      for (char c : input) FUZZ_CHECK(sip::chars::is_digit(c) || c == '.');
      break;
    case sip::HostType::kHostname:
      for (char c : input)
        FUZZ_CHECK(sip::chars::is_alpha(c) || sip::chars::is_digit(c) || c == '.' || c == '-');
      break;
    case sip::HostType::kNone:
      break;
  }
  // A host that classifies makes a SIP URI with that host.
  if (host != sip::HostType::kNone) {
    const std::string uri = "sip:u@" + std::string(input) + ":5060;transport=tcp";
    auto u = sip::parse_uri(uri);
    FUZZ_CHECK(u.ok() && u->host == input && u->host_type == host && u->port == 5060);
    check_uri(*u);
  }

  const std::string decoded = sip::unescape(input);
  FUZZ_CHECK(decoded.size() <= input.size());
  return 0;
}
