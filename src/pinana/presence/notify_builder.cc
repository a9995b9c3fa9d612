#include "pinana/presence/notify_builder.h"

#include <charconv>

#include "pinana/sip/header_values.h"
#include "pinana/sip/writer.h"

namespace pinana::presence {

std::string event_header_value(const SubscriptionKeyView& key) {
  std::string v(key.event_type);
  if (!key.event_id.empty()) v.append(";id=").append(key.event_id);
  return v;
}

std::string build_notify(const ServerSubscription& s, const NotifyParams& p, std::string out) {
  const SubscriptionDialogView d = s.dialog();
  out.clear();
  out.reserve(640 + (p.body ? p.body->text.size() : 0));
  sip::MessageWriter w(out);

  // RFC 3261 §12.2.1.1. Route entries were validated when the SUBSCRIBE was accepted.
  bool strict = false;
  std::string_view first_route_uri;
  if (!d.route_set.empty()) {
    auto first = sip::parse_name_addr(d.route_set.front());
    if (first.ok() && !first->uri.params.has("lr")) {
      strict = true;
      first_route_uri = first->uri.text;
      // A Request-URI carries no URI headers (RFC 3261 §19.1.5).
      if (!first->uri.headers.empty()) first_route_uri.remove_suffix(first->uri.headers.size() + 1);
    }
  }
  w.request_line("NOTIFY", strict ? first_route_uri : std::string_view(d.remote_target));

  const std::string_view via[] = {"SIP/2.0/",    to_string(s.flow().transport), " ",
                                  p.via_sent_by, ";rport;branch=z9hG4bK",       p.branch};
  w.header_parts("Via", via);
  w.header("Max-Forwards", uint64_t{70});
  for (size_t i = strict ? 1 : 0; i < d.route_set.size(); ++i) w.header("Route", d.route_set[i]);
  if (strict) w.header("Route", std::string("<").append(d.remote_target).append(">"));
  w.header("From", d.local_party);
  w.header("To", d.remote_party);
  w.header("Call-ID", s.key().call_id);
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, p.cseq).ptr;
  const std::string_view cseq[] = {std::string_view(digits, end - digits), " NOTIFY"};
  w.header_parts("CSeq", cseq);
  const std::string_view contact[] = {"<", p.contact_uri, ">"};
  w.header_parts("Contact", contact);
  w.header("Event", event_header_value(s.key()));
  w.header("Subscription-State", p.subscription_state);
  if (p.body != nullptr && !p.body->content_type.empty())
    w.finish(p.body->content_type, p.body->text);
  else
    w.finish();
  return out;
}

}  // namespace pinana::presence
