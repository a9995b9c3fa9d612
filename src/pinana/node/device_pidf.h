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
// The member roster (sip:pinana-nodes@DOMAIN) uses <member eid="…"> in the same namespace, with
// one <mailbox> child per mailbox the node has counts for (at most kMaxMemberMailboxes).
//
// A node withdrawing a publication first publishes a tombstone: the element with
// withdrawn="true" and no state, <basic>closed</basic>. A reader takes it as "no state from that
// EID" — also once the server rewrites it after the unpublish (Kamailio keeps the element) — and
// an older reader skips it as malformed, which means the same.
//
// parse_device_pidf() reads a composed document (any number of tuples, from any publisher):
// tuples without a pinana element (phones, other software) are skipped; a pinana element that is
// malformed is skipped and counted; a tuple whose <basic> is closed while its state is neither
// UNAVAILABLE nor INVALID (the server's "offline" rewrite of an unpublished publication) is
// skipped and counted; a tombstone takes part in "the highest version wins" and, if it wins,
// lists its EID in `withdrawn` instead of `tuples`; a document that is not PIDF is an error. Never
// throws on input. Pure functions; any thread.
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

// Mailboxes one <member> lists at most, rendered and read (bodies travel over UDP, and the
// roster's NOTIFY carries every member's tuple: docs/formats/device-pidf.md §3).
inline constexpr size_t kMaxMemberMailboxes = 500;

struct DeviceTuple {
  state::Eid eid;
  state::DeviceState state = state::DeviceState::kUnknown;
  bool cachable = true;
  uint64_t version = 0;
};

struct DevicePidf {
  std::vector<DeviceTuple> tuples;     // one per EID: of duplicates, the highest version
  std::vector<state::Eid> withdrawn;   // EIDs whose winning tuple is a tombstone
  std::vector<state::Eid> members;     // <member> elements, unique
  std::vector<std::string> mailboxes;  // the members' <mailbox> elements, unique, in order
  size_t malformed = 0;                // pinana elements skipped as malformed
  size_t offline = 0;                  // tuples skipped as rewritten offline by the server
  size_t excess_mailboxes = 0;         // <mailbox> elements past kMaxMemberMailboxes per member
};

// "eid-020000000001".
std::string tuple_id(const state::Eid& eid);

std::string render_device_pidf(std::string_view entity, const state::Eid& eid,
                               state::DeviceState state, bool cachable, uint64_t version);
// The tombstone of `eid`'s publication of a device (withdrawn="true", <basic>closed</basic>).
std::string render_device_tombstone(std::string_view entity, const state::Eid& eid,
                                    uint64_t version);
// The roster tuple of `eid`, listing the first kMaxMemberMailboxes of `mailboxes`.
std::string render_member_pidf(std::string_view entity, const state::Eid& eid,
                               const std::vector<std::string>& mailboxes = {});
// A mailbox name: MAILBOX@CONTEXT (both parts non-empty), 3-256 bytes.
bool valid_mailbox_name(std::string_view mailbox);
// A valid mailbox name the roster can carry: printable ASCII only (every XML parser on the way,
// Kamailio's libxml2 included, must accept the composed document).
bool listable_mailbox_name(std::string_view mailbox);

// Errors (status 400): not XML, root not PIDF <presence>.
Result<DevicePidf> parse_device_pidf(std::string_view body);

}  // namespace pinana::node
