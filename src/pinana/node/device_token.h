// Device and mailbox tokens: the reversible mapping of any device name (`PJSIP/alice`,
// `Custom:lamp 1`, `DAHDI/1-1`, UTF-8 bytes) or mailbox (`1000@default`) into a SIP URI user part
// for the standard profile's presentities (docs/formats/device-pidf.md §1).
//
// The token alphabet is a-z, 0-9, '-', '.' and '_' only: no %-escapes (a presence server may or
// may not unescape them before comparing), no upper case (MySQL's default collation compares
// case-insensitively), nothing that needs quoting anywhere. Bytes map as follows:
//   a-z 0-9         themselves
//   A-Z             the lower-case letter, inside an upper-case run: '.' toggles the run
//                   (PJSIP → .pjsip, Custom → .c.ustom), so case survives a case-folding store
//   '/'             '-'
//   any other byte  '_' and two lower-case hex digits ('-' → _2d, ' ' → _20, é → _c3_a9)
// The run is toggled lazily, only before a letter whose case differs, so the encoding is unique;
// decode_token() refuses every string that encode_token() does not produce.
//
// Presentity users: "dev-" + token for a device; "mwi-" + 12 hex digits of the EID + "-" + token
// for one node's counts of a mailbox; "pinana-nodes" is the member roster.
//
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pinana/state/eid.h"

namespace pinana::node {

std::string encode_token(std::string_view name);
// The name, or nullopt when `token` is not exactly the encoding of some name.
std::optional<std::string> decode_token(std::string_view token);

inline constexpr std::string_view kDeviceUserPrefix = "dev-";
inline constexpr std::string_view kMailboxUserPrefix = "mwi-";
inline constexpr std::string_view kRosterUser = "pinana-nodes";

// "dev-" + encode_token(device).
std::string device_user(std::string_view device);
// The device of a "dev-…" user, nullopt for anything else.
std::optional<std::string> device_of_user(std::string_view user);
// "mwi-" + 12 lower-case hex digits of `eid` + "-" + encode_token(mailbox).
std::string mailbox_user(std::string_view mailbox, const state::Eid& eid);

}  // namespace pinana::node
