#include "pinana/sip/request_checks.h"

#include <array>

namespace pinana::sip {

std::optional<Rejection> check_request(const Message& m, const UasPolicy& policy) {
  // §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory; each of the first five
  // appears once (torture insuf, multi01).
  static constexpr std::array<HeaderId, 6> kMandatory = {HeaderId::kVia,  HeaderId::kTo,
                                                         HeaderId::kFrom, HeaderId::kCallId,
                                                         HeaderId::kCSeq, HeaderId::kMaxForwards};
  for (HeaderId id : kMandatory) {
    const size_t n = m.count(id);
    if (n == 0 && !(id == HeaderId::kMaxForwards && m.method_id() == Method::kAck))
      return Rejection{400, "Missing " + std::string(canonical_name(id)), {}};
    if (n > 1 && id != HeaderId::kVia)
      return Rejection{400, "Multiple " + std::string(canonical_name(id)) + " header fields", {}};
  }
  if (!m.to()->uri.is_sip() && m.to()->uri.scheme != UriScheme::kTel)
    return Rejection{400, "To is not a SIP or tel URI", {}};
  // §8.2.2.1: Request-URI scheme.
  const Uri& ruri = m.request_uri();
  if (!ruri.is_sip() && !(policy.accept_tel_uri && ruri.scheme == UriScheme::kTel))
    return Rejection{416, "Unsupported URI Scheme", {}};
  // §8.2.2.3: Require.
  std::string unsupported;
  m.for_each_value(HeaderId::kRequire, [&](std::string_view tag) {
    for (auto s : policy.supported_options)
      if (chars::iequals(s, tag)) return;
    if (!unsupported.empty()) unsupported += ", ";
    unsupported.append(tag);
  });
  if (!unsupported.empty() && m.method_id() != Method::kAck && m.method_id() != Method::kCancel)
    return Rejection{420, "Bad Extension", {{"Unsupported", unsupported}}};
  return std::nullopt;
}

}  // namespace pinana::sip
