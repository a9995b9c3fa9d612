// Device PIDF: the standard profile's presence documents (docs/formats/device-pidf.md).
//
// A node publishes, per local device, a PIDF document (RFC 3863) with one tuple whose id is
// "eid-" + the 12 hex digits of its EID (xs:ID may not start with a digit) and whose <status>
// holds <basic> (open unless the state is UNAVAILABLE or INVALID, for consumers that know only
// PIDF) and the pinana element
//   <devicestate xmlns="urn:pinana:params:xml:ns:devicestate" eid="…" state="INUSE"
//                cachable="true" version="N"/>
// with Asterisk's exact state name, the cachable flag and a version that grows with every
// document the node renders (across restarts too), so that of two live publications of one EID
// (a node restarted before its old publication expired) the newer wins. The namespace is declared
// on the element itself, so it survives any composer copying the tuple into another document.
// The member roster (sip:pinana-nodes@DOMAIN) uses <member eid="…"/> in the same namespace.
//
// parse_device_pidf() reads a composed document (any number of tuples, from any publisher):
// tuples without a pinana element (phones, other software) are skipped; a pinana element that is
// malformed is skipped and counted; a tuple whose <basic> is closed while its state is neither
// UNAVAILABLE nor INVALID (the server's "offline" rewrite of an unpublished publication) is
// skipped and counted; a document that is not PIDF is an error. Never throws on input. Pure
// functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/state/device_state.h"
#include "pinana/state/eid.h"

namespace pinana::node {

inline constexpr std::string_view kPinanaNamespace = "urn:pinana:params:xml:ns:devicestate";

struct DeviceTuple {
  state::Eid eid;
  state::DeviceState state = state::DeviceState::kUnknown;
  bool cachable = true;
  uint64_t version = 0;
};

struct DevicePidf {
  std::vector<DeviceTuple> tuples;  // one per EID: of duplicates, the highest version
  std::vector<state::Eid> members;  // <member> elements, unique
  size_t malformed = 0;             // pinana elements skipped as malformed
  size_t offline = 0;               // tuples skipped as rewritten offline by the server
};

// "eid-020000000001".
std::string tuple_id(const state::Eid& eid);

std::string render_device_pidf(std::string_view entity, const state::Eid& eid,
                               state::DeviceState state, bool cachable, uint64_t version);
std::string render_member_pidf(std::string_view entity, const state::Eid& eid);

// Errors (status 400): not XML, root not PIDF <presence>.
Result<DevicePidf> parse_device_pidf(std::string_view body);

}  // namespace pinana::node
