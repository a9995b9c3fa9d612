// Content-type checks shared by the event packages.
//
// A PUBLISH body's Content-Type is compared by type and subtype only, case-insensitively
// (RFC 2045 §5.1); parameters such as charset are ignored, because every body the packages accept
// is UTF-8 or ASCII by definition. Pure functions; any thread.
#pragma once

#include <string_view>

#include "pinana/base/result.h"

namespace pinana::presence::packages::common {

// Ok when `content_type` (a Content-Type header value, parameters allowed) names `type`/`subtype`;
// otherwise an Error with status 415.
Status expect_media_type(std::string_view content_type, std::string_view type,
                         std::string_view subtype);

}  // namespace pinana::presence::packages::common
