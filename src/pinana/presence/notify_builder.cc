#include "pinana/presence/notify_builder.h"

#include "pinana/sip/header_values.h"
#include "pinana/sip/writer.h"

namespace pinana::presence {

std::string event_header_value(const SubscriptionKeyView& key) {
  std::string v(key.event_type);
  if (!key.event_id.empty()) v.append(";id=").append(key.event_id);
  return v;
}

std::string build_notify(const ServerSubscription& s, const NotifyParams& p) {
  const SubscriptionDialogView d = s.dialog();
  std::string out;
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

  std::string via = "SIP/2.0/";
  via.append(to_string(s.flow().transport)).push_back(' ');
  via.append(p.via_sent_by).append(";rport;branch=z9hG4bK").append(p.branch);
  w.header("Via", via);
  w.header("Max-Forwards", uint64_t{70});
  for (size_t i = strict ? 1 : 0; i < d.route_set.size(); ++i) w.header("Route", d.route_set[i]);
  if (strict) w.header("Route", std::string("<").append(d.remote_target).append(">"));
  w.header("From", d.local_party);
  w.header("To", d.remote_party);
  w.header("Call-ID", s.key().call_id);
  std::string cseq = std::to_string(p.cseq);
  cseq.append(" NOTIFY");
  w.header("CSeq", cseq);
  w.header("Contact", std::string("<").append(p.contact_uri).append(">"));
  w.header("Event", event_header_value(s.key()));
  w.header("Subscription-State", p.subscription_state);
  if (p.body != nullptr && !p.body->content_type.empty())
    w.finish(p.body->content_type, p.body->text);
  else
    w.finish();
  return out;
}

}  // namespace pinana::presence
