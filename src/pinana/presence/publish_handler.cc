#include "pinana/presence/publish_handler.h"

#include <chrono>
#include <utility>

#include "pinana/presence/expiry_policy.h"
#include "pinana/presence/media_types.h"
#include "pinana/presence/resource_uri.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/writer.h"

namespace pinana::presence {

PublishHandler::PublishHandler(const Clock& clock, const PackageRegistry& registry,
                               const PresenceConfig& config, PublicationStore& store,
                               RandomTokens& tokens)
    : clock_(clock), registry_(registry), config_(config), store_(store), tokens_(tokens) {}

PublishResult PublishHandler::reject(const sip::Message& request, int status,
                                     std::string_view reason, std::string_view header,
                                     std::string_view value) {
  ++rejected_;
  std::pair<std::string_view, std::string_view> extra[1] = {{header, value}};
  sip::HeaderList headers = header.empty() ? sip::HeaderList() : sip::HeaderList(extra);
  return PublishResult{
      sip::make_response(request, status, reason, tokens_.next(8), headers), status, {}};
}

PublishResult PublishHandler::ok(const sip::Message& request, uint32_t granted_s,
                                 std::string etag) {
  ++accepted_;
  const std::string expires = std::to_string(granted_s);
  std::pair<std::string_view, std::string_view> extra[] = {{"SIP-ETag", etag},
                                                           {"Expires", expires}};
  return PublishResult{sip::make_response(request, 200, {}, tokens_.next(8), extra), 200, {}};
}

PublishResult PublishHandler::handle(const sip::Message& request, const RequestContext&) {
  // 1. The resource.
  std::optional<std::string> uri = served_resource(request.request_uri(), config_);
  if (!uri) return reject(request, 404);

  // 2. The event package.
  const sip::Event* event = request.event();
  const EventPackage* package = event ? registry_.find(event->type) : nullptr;
  if (package == nullptr || package->publish_types().empty())
    return reject(request, 489, {}, "Allow-Events", registry_.allow_events());
  const ResourceKey key{std::move(*uri), package->name()};

  // 4. SIP-If-Match selects the operation.
  const ServerPublication* existing = nullptr;
  const size_t if_match_count = request.count(sip::HeaderId::kSipIfMatch);
  if (if_match_count > 1) return reject(request, 400, "More than one SIP-If-Match");
  if (if_match_count == 1) {
    std::string_view etag = request.value(sip::HeaderId::kSipIfMatch);
    if (etag.empty() || !sip::is_token_list(etag, false) ||
        etag.find(',') != std::string_view::npos)
      return reject(request, 400, "SIP-If-Match must hold exactly one entity-tag");
    existing = store_.find(key, etag);
    if (existing == nullptr) return reject(request, 412);
  }
  const bool has_body = !request.body().empty();
  if (existing == nullptr && !has_body) return reject(request, 400, "Initial PUBLISH without body");

  // 5. Expires.
  const ExpiryBounds bounds = effective_bounds(
      package->publication_expiry(), find_override(config_.publication_expiry, package->name()));
  const ExpiryDecision expiry = decide_expiry(request.expires(), bounds);
  if (expiry.too_brief)
    return reject(request, 423, {}, "Min-Expires", std::to_string(bounds.min_s));
  if (expiry.granted_s == 0) {
    if (existing == nullptr) return reject(request, 400, "Expires 0 on an initial PUBLISH");
    PublishResult r = ok(request, 0, tokens_.next());
    r.changes.push_back(store_.remove(existing->id()));
    return r;
  }
  const TimePoint expires_at = clock_.now() + std::chrono::seconds(expiry.granted_s);

  // A refresh: no state, so nothing else to check.
  if (!has_body) {
    std::string etag = tokens_.next();
    PublishResult r = ok(request, expiry.granted_s, etag);
    store_.refresh(existing->id(), std::move(etag), expires_at);
    return r;
  }

  // 6. The body.
  std::optional<std::string_view> type =
      match_content_type(request.value(sip::HeaderId::kContentType), package->publish_types());
  if (!type) return reject(request, 415, {}, "Accept", join_types(package->publish_types()));
  auto document = package->parse(*type, request.body(), existing ? &existing->document() : nullptr);
  if (!document.ok()) {
    const int status = document.error().status >= 400 ? document.error().status : 400;
    return reject(request, status, document.error().reason);
  }

  // 7. Apply.
  std::string etag = tokens_.next();
  PublishResult r = ok(request, expiry.granted_s, etag);
  if (existing == nullptr)
    r.changes.push_back(store_.add(key, std::move(*document), std::move(etag), expires_at));
  else
    r.changes.push_back(
        store_.modify(existing->id(), std::move(*document), std::move(etag), expires_at));
  return r;
}

}  // namespace pinana::presence
