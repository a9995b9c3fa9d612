// The receive path shared by every transport, as pure functions: parse one framed message, stamp
// the top Via of a request with where it really came from, and build the stateless error response
// for a request that could not be parsed (RFC 3261 §8.2.6, §18.2.1, §18.3; RFC 3581 §4).
//
// No I/O and no state; any thread. The transports call receive() on their io_context thread and
// then deliver the message, send the reply, or both.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transport/types.h"

namespace pinana::sip::transport {

// What to do with one framed message.
struct Received {
  std::optional<Message> message;    // parsed; a request's top Via already stamped
  Error error;                       // why it did not parse (when `message` is empty)
  std::optional<std::string> reply;  // stateless response to send back to the source
};

// Parses `bytes` (one datagram, or one message cut by the StreamFramer). A request gets
// received/rport stamped on its top Via. A malformed request with a Via field gets a reply
// carrying the status of the parse error (400, 505, 501 ...); a malformed response gets none.
Received receive(std::string_view bytes, Framing framing, const Endpoint& source);

// The top via-parm with received and rport filled in for a request from `source`:
//  - received=<source address> when the sent-by host is not that address, and always when the
//    request asked for rport (RFC 3581 §4: "even if it is identical");
//  - rport=<source port> when the request carries an empty rport.
// An existing received value is replaced. Returns the element unchanged when nothing applies.
std::string stamp_via_element(std::string_view element, const Via& via, const Endpoint& source);
// The same, appended to `out`; returns false, appending nothing, when nothing applies.
bool append_stamped_via_element(std::string_view element, const Via& via, const Endpoint& source,
                                std::vector<char>& out);

// Applies stamp_via_element() to the first element of the request's first Via field through
// Message::set_value, then re-parses the message so that top_via() shows the new parameters.
// Returns true when the message changed. `framing` is the one the message was parsed with.
bool stamp_top_via(Message& request, const Endpoint& source, Framing framing);

// Builds a stateless response to the request in `raw` (which may be malformed or cut short:
// only complete header lines are read) with `error.status` and a reason phrase naming the fault.
// Via (top element stamped as above), From, To (with a To tag added if it has none), Call-ID
// and CSeq are copied when they are well formed. Returns nullopt when no response may be sent:
// status 0, the bytes are a response, the request is an ACK, or it has no Via at all. A
// malformed Via is echoed as it came (the transport answers the source address regardless).
std::optional<std::string> stateless_response(std::string_view raw, const Error& error,
                                              const Endpoint& source);

}  // namespace pinana::sip::transport
