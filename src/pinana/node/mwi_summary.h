// MWI summaries: the standard profile's message-summary bodies (RFC 3842 §5,
// application/simple-message-summary; docs/formats/device-pidf.md §4).
//
// A node publishes its own counts of a mailbox as
//   Messages-Waiting: yes|no        (yes when new > 0)
//   Message-Account: <account>      (when given)
//   Voice-Message: NEW/OLD
// and reads the same back from NOTIFYs. A summary without a Voice-Message line (Kamailio's and
// the hub's NOTIFY when no publication is live, or an empty body) means "no counts": nullopt.
// Never throws on input. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "pinana/base/result.h"

namespace pinana::node {

std::string render_summary(int new_messages, int old_messages, std::string_view account = {});

// The Voice-Message counts (new, old); nullopt when the summary has none. Errors (400): a
// first line that is not Messages-Waiting, or a Voice-Message line that is not N/M.
Result<std::optional<std::pair<int, int>>> parse_summary_counts(std::string_view body);

}  // namespace pinana::node
