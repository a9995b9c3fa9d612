// check_request: the stateless UAS checks of RFC 3261 §8.2 that a parsed request may still fail
// (torture class "valid-but-semantically-bad"): missing mandatory header fields, several values
// where one is required, an unsupported Request-URI scheme, unknown Require option-tags.
//
// The parser accepts such requests because they are well formed; the element that handles them
// decides. Pure function; any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/sip/message.h"

namespace pinana::sip {

struct Rejection {
  int status = 400;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Unsupported", "foo, bar"}
};

struct UasPolicy {
  std::span<const std::string_view> supported_options;  // option-tags we implement
  bool accept_tel_uri = false;                          // tel: as a Request-URI
};

// Returns the response to send instead of processing the request, or nullopt if it passes.
std::optional<Rejection> check_request(const Message& request, const UasPolicy& policy);

}  // namespace pinana::sip
