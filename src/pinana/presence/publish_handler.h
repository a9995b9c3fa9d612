// PublishHandler: the Event State Compositor's processing of one PUBLISH (RFC 3903 §6), step by
// step, against the PublicationStore.
//
//   1. Request-URI not a resource of this hub                        -> 404
//   2. Event missing, unknown, or not publishable                    -> 489 + Allow-Events
//   3. (Authentication and authorization happened before the request got here.)
//   4. SIP-If-Match with more than one entity-tag                    -> 400
//      SIP-If-Match naming no live publication of (resource, package) -> 412
//      no SIP-If-Match and no body (initial without state)           -> 400
//   5. Expires: absent -> package default; > 0 and below the minimum -> 423 + Min-Expires;
//      above the maximum -> shortened; 0 with a valid etag -> remove the publication (200);
//      0 on an initial PUBLISH -> 400 (there is nothing to create or remove)
//   6. Body: Content-Type not one of the package's publish types     -> 415 + Accept;
//      invalid for the package                                       -> the package's status (400)
//   7. 200 with Expires (granted) and a fresh SIP-ETag; the previous etag stops matching. The
//      removal's 200 carries Expires: 0 and a fresh etag that matches nothing.
//
// Every check runs before anything is changed, so a rejected request leaves the store as it was.
// A refresh (etag, no body) only moves the expiry; a modify (etag and body) replaces the document
// through EventPackage::parse(type, body, previous). The presence core's thread only.
#pragma once

#include <string>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/package_registry.h"
#include "pinana/presence/presence_config.h"
#include "pinana/presence/publication_store.h"
#include "pinana/presence/random_tokens.h"
#include "pinana/presence/request_context.h"
#include "pinana/sip/message.h"

namespace pinana::presence {

struct PublishResult {
  std::string response;
  int status = 0;
  std::vector<StoreChange> changes;  // what watchers must be told (empty on error and refresh)
};

class PublishHandler {
 public:
  // All references must outlive the handler.
  PublishHandler(const Clock& clock, const PackageRegistry& registry, const PresenceConfig& config,
                 PublicationStore& store, RandomTokens& tokens);

  PublishResult handle(const sip::Message& request, const RequestContext& context);

  uint64_t accepted() const { return accepted_; }
  uint64_t rejected() const { return rejected_; }

 private:
  PublishResult reject(const sip::Message& request, int status, std::string_view reason = {},
                       std::string_view header = {}, std::string_view value = {});
  PublishResult ok(const sip::Message& request, uint32_t granted_s, std::string etag);

  const Clock& clock_;
  const PackageRegistry& registry_;
  const PresenceConfig& config_;
  PublicationStore& store_;
  RandomTokens& tokens_;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace pinana::presence
