// Helpers for the MIME types of event packages: matching a Content-Type or an Accept header
// against a package's list, and the text of an Accept header listing them. Also the lookup of a
// per-package configuration override. Pure functions; any thread.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "pinana/presence/presence_config.h"

namespace pinana::presence {

// The entry of `types` ("type/subtype") that the Content-Type value names (parameters ignored,
// case-insensitive), or nullopt (absent, malformed or not in the list).
std::optional<std::string_view> match_content_type(std::string_view content_type,
                                                   std::span<const std::string_view> types);

// The first entry of `preferred` that the Accept values allow: the most specific media-range
// matching it decides, and a range with q=0 refuses (other q values do not reorder the package's
// preference). `accept_values` holds each Accept header's value;
// with none, the first preferred type. Accept headers that are all empty count as absent.
std::optional<std::string_view> negotiate_type(std::span<const std::string_view> accept_values,
                                               std::span<const std::string_view> preferred);

// "a/b, c/d".
std::string join_types(std::span<const std::string_view> types);

const ExpiryOverride* find_override(const std::map<std::string, ExpiryOverride, std::less<>>& m,
                                    std::string_view package);

}  // namespace pinana::presence
