// Percent-encoding of path segments (RFC 3986 §2.1) for the API's resource names.
//
// Device names carry '/', ':' and spaces ("PJSIP/alice", "Custom:lamp 1"); clients encode them
// into one path segment and the server decodes them. Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>

#include "pinana/base/result.h"

namespace pinana::api {

// Decodes %XX escapes; every other byte passes through ('+' stays '+': this is a path, not a
// form). Error{400} for a truncated or non-hex escape and for %00.
Result<std::string> percent_decode(std::string_view text);

// Encodes every byte outside RFC 3986 "unreserved" (ALPHA DIGIT - . _ ~) as %XX (upper case).
std::string percent_encode(std::string_view text);

}  // namespace pinana::api
