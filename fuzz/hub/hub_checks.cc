#include "hub_checks.h"

#include <cstdio>
#include <utility>

#include "fuzz_check.h"
#include "pinana/sip/header_values.h"
#include "pinana/sip/method.h"

namespace pinana::fuzz {

namespace {

// Shows what did not parse before the check aborts.
void explain(const Result<sip::Message>& parsed, std::string_view what, std::string_view text) {
  if (parsed.ok()) return;
  std::fprintf(stderr, "%.*s does not parse (%d %s):\n%.*s\n", static_cast<int>(what.size()),
               what.data(), parsed.error().status, parsed.error().reason.c_str(),
               static_cast<int>(text.size()), text.data());
}

}  // namespace

sip::Message check_response(std::string_view text, const sip::Message& request) {
  auto parsed = sip::Message::from_bytes(text, sip::Framing::kStream);
  explain(parsed, "response", text);
  FUZZ_CHECK(parsed.ok());
  sip::Message r = std::move(parsed).value();
  FUZZ_CHECK(r.is_response());
  FUZZ_CHECK(r.status_code() >= 100 && r.status_code() <= 699);
  FUZZ_CHECK(r.consumed() == text.size());
  FUZZ_CHECK(r.call_id() == request.call_id());
  FUZZ_CHECK((r.cseq() == nullptr) == (request.cseq() == nullptr));
  if (request.cseq() != nullptr) {
    FUZZ_CHECK(r.cseq()->sequence == request.cseq()->sequence);
    FUZZ_CHECK(r.cseq()->method == request.cseq()->method);
  }
  FUZZ_CHECK((r.top_via() == nullptr) == (request.top_via() == nullptr));
  if (request.top_via() != nullptr)
    FUZZ_CHECK(r.top_via()->branch() == request.top_via()->branch());
  if (request.from() != nullptr) {
    FUZZ_CHECK(r.from() != nullptr);
    FUZZ_CHECK(r.from()->tag() == request.from()->tag());
  }
  if (request.to() != nullptr) {
    FUZZ_CHECK(r.to() != nullptr);
    const std::string_view asked = request.to()->tag();
    if (!asked.empty()) {
      FUZZ_CHECK(r.to()->tag() == asked);
    } else if (r.status_code() > 100) {
      FUZZ_CHECK(!r.to()->tag().empty());
    }
  }
  return r;
}

sip::Message check_notify(std::string_view text, const presence::ServerSubscription& subscription,
                          const presence::PackageRegistry& registry, int64_t max_expires) {
  auto parsed = sip::Message::from_bytes(text, sip::Framing::kStream);
  explain(parsed, "NOTIFY", text);
  FUZZ_CHECK(parsed.ok());
  sip::Message n = std::move(parsed).value();
  FUZZ_CHECK(n.is_request());
  FUZZ_CHECK(n.method_id() == sip::Method::kNotify);
  FUZZ_CHECK(n.consumed() == text.size());
  FUZZ_CHECK(n.top_via() != nullptr && n.top_via()->rfc3261_branch());
  FUZZ_CHECK(n.cseq() != nullptr && n.cseq()->method == "NOTIFY");
  FUZZ_CHECK(n.max_forwards().has_value());

  const presence::SubscriptionKeyView key = subscription.key();
  FUZZ_CHECK(n.call_id() == key.call_id);
  FUZZ_CHECK(n.from() != nullptr);
  FUZZ_CHECK(n.from()->tag() == key.local_tag);
  FUZZ_CHECK(n.to() != nullptr && n.to()->tag() == key.remote_tag);

  const sip::Event* event = n.event();
  FUZZ_CHECK(event != nullptr);
  FUZZ_CHECK(event->type == key.event_type);
  FUZZ_CHECK(event->id() == key.event_id);
  FUZZ_CHECK(registry.find(event->type) == &subscription.package());

  const sip::HeaderField* state_field = n.find(sip::HeaderId::kSubscriptionState);
  FUZZ_CHECK(state_field != nullptr);
  FUZZ_CHECK(n.count(sip::HeaderId::kSubscriptionState) == 1);
  auto state = sip::parse_subscription_state(state_field->value);
  FUZZ_CHECK(state.ok());
  if (state->state == "active") {
    FUZZ_CHECK(state->expires >= 0 && state->expires <= max_expires);
    FUZZ_CHECK(state->reason.empty());
  } else {
    FUZZ_CHECK(state->state == "terminated");
    FUZZ_CHECK(!state->reason.empty());
    FUZZ_CHECK(subscription.terminating());
  }

  FUZZ_CHECK(n.content_length().has_value());
  FUZZ_CHECK(*n.content_length() == n.body().size());
  if (!n.body().empty()) {
    const sip::HeaderField* type = n.find(sip::HeaderId::kContentType);
    FUZZ_CHECK(type != nullptr);
    FUZZ_CHECK(sip::parse_media_type(type->value).ok());
    FUZZ_CHECK(type->value == subscription.notify_type());
  }
  return n;
}

}  // namespace pinana::fuzz
