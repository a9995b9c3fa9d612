// HeaderId: the header fields pinana knows by name, with their canonical and compact forms.
//
// lookup_header() maps a field name as it arrives (any case, long or compact form) to its id;
// unknown names map to HeaderId::kUnknown and keep their wire name. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace pinana::sip {

enum class HeaderId : uint8_t {
  kUnknown,
  kAccept,
  kAcceptEncoding,
  kAcceptLanguage,
  kAllow,
  kAllowEvents,
  kAuthenticationInfo,
  kAuthorization,
  kCallId,
  kContact,
  kContentDisposition,
  kContentEncoding,
  kContentLanguage,
  kContentLength,
  kContentType,
  kCSeq,
  kDate,
  kEvent,
  kExpires,
  kFrom,
  kMaxForwards,
  kMinExpires,
  kProxyAuthenticate,
  kProxyAuthorization,
  kProxyRequire,
  kRecordRoute,
  kReferTo,
  kRequire,
  kRetryAfter,
  kRoute,
  kServer,
  kSipETag,
  kSipIfMatch,
  kSubject,
  kSubscriptionState,
  kSupported,
  kTimestamp,
  kTo,
  kUnsupported,
  kUserAgent,
  kVia,
  kWarning,
  kWwwAuthenticate,
  kCount,
};

// The canonical (long, conventionally capitalised) name, e.g. "Call-ID"; "" for kUnknown.
std::string_view canonical_name(HeaderId id);

// The compact form letter ("i" for Call-ID), or "" where none exists.
std::string_view compact_name(HeaderId id);

// Case-insensitive lookup of a long or compact field name.
HeaderId lookup_header(std::string_view name);

}  // namespace pinana::sip
