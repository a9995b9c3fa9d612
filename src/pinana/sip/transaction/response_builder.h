// build_response: the text of a response to a request, carrying the header fields RFC 3261
// §8.2.6.2 copies from the request and nothing else (no body). Used for the late 100 Trying a
// ServerTransaction sends by itself, and by owners for the 482 a merged request gets.
//
// Copied: every Via (in order, values as written), From, To, Call-ID, CSeq; Timestamp for a 100
// only (§8.2.6.1); "Content-Length: 0" last. `to_tag` is added to To when To has no tag and
// `to_tag` is not empty (a final response needs one; a 100 may go without). The request must be
// a parsed request; fields it lacks are left out. Pure function; any thread.
#pragma once

#include <string>
#include <string_view>

#include "pinana/sip/message.h"

namespace pinana::sip::transaction {

std::string build_response(const Message& request, int status, std::string_view reason,
                           std::string_view to_tag = {});

}  // namespace pinana::sip::transaction
