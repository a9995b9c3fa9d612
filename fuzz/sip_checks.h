// Invariant checks shared by the SIP fuzz targets: each walks a parsed value through every
// accessor and aborts (FUZZ_CHECK) when the value contradicts the text it was parsed from.
//
// The values are views; the caller keeps the parsed text alive during the call. Stateless; any
// thread.
#pragma once

#include <string_view>

#include "pinana/sip/header_values.h"
#include "pinana/sip/params.h"
#include "pinana/sip/uri.h"

namespace pinana::fuzz {

// Params: every parameter for_each yields can be found by name, lies inside the text, and the
// count agrees with size().
void check_params(const sip::Params& params);

// A URI that parsed: every part lies inside its text, the host classifies as parsed, a port
// reads back from the text, escapes decode without overrunning.
void check_uri(const sip::Uri& uri);

// Typed header values that parsed: their parts lie inside `text` and their accessors agree.
void check_via(const sip::Via& via, std::string_view text);
void check_name_addr(const sip::NameAddr& na, std::string_view text);
void check_event(const sip::Event& event, std::string_view text);
void check_subscription_state(const sip::SubscriptionState& s, std::string_view text);
void check_media_type(const sip::MediaType& mt, std::string_view text);

}  // namespace pinana::fuzz
