// The SIP messages the parser benchmark feeds to every parser: a PUBLISH, a SUBSCRIBE and a NOTIFY
// as a presence server receives them behind an edge proxy (two Via fields, long and compact header
// names mixed the way Yealink and Polycom phones and Asterisk write them).
//
// Each message is built once (Content-Length is computed from the body, so editing a body keeps
// the message valid) and returned as a string the caller owns. The same bytes go to pinana,
// osip2 and sofia-sip. Plain functions; any thread.
#pragma once

#include <string>
#include <vector>

namespace pinana::bench {

struct SipSample {
  std::string name;   // "publish", "subscribe", "notify"
  std::string bytes;  // the whole datagram
};

// PUBLISH (Event: presence, SIP-If-Match, PIDF body), SUBSCRIBE (Event: dialog) and NOTIFY
// (Subscription-State: active, dialog-info body), in that order.
std::vector<SipSample> sip_samples();

}  // namespace pinana::bench
