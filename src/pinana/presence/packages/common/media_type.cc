#include "pinana/presence/packages/common/media_type.h"

#include <string>

#include "pinana/sip/header_values.h"

namespace pinana::presence::packages::common {

Status expect_media_type(std::string_view content_type, std::string_view type,
                         std::string_view subtype) {
  auto parsed = sip::parse_media_type(content_type);
  // A wildcard is a media range, never the type of a body.
  if (!parsed.ok() || parsed->type == "*" || parsed->subtype == "*" ||
      !parsed->matches(type, subtype)) {
    return Error{415, "body is not " + std::string(type) + "/" + std::string(subtype)};
  }
  return Status::Ok();
}

}  // namespace pinana::presence::packages::common
