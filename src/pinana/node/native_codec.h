// Bodies of the native profile (DESIGN §4.1): what a node PUBLISHes in `asterisk-devicestate` and
// `asterisk-mwi` (exactly Asterisk 13+'s compact JSON objects, keys in Asterisk's order) and the
// hub's NOTIFY documents it reads back (`devicestate-set`, `mailboxstate-set`; specified in
// docs/formats/asterisk-devicestate.md and asterisk-mwi.md). Decoding never throws: network
// bytes give an Error. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/state/device_state.h"
#include "pinana/state/eid.h"

namespace pinana::node {

std::string encode_devicestate(std::string_view device, state::DeviceState s, bool cachable,
                               const state::Eid& eid);
std::string encode_mailboxstate(std::string_view uniqueid, int new_messages, int old_messages,
                                const state::Eid& eid);
std::string encode_refresh(const state::Eid& eid);

struct DeviceEntry {
  std::string device;
  state::Eid eid;
  state::DeviceState state = state::DeviceState::kUnknown;
  bool cachable = false;
};
struct DeviceKey {
  std::string device;
  state::Eid eid;
};
struct MailboxEntry {
  std::string uniqueid;
  state::Eid eid;
  int new_messages = 0;
  int old_messages = 0;
};
struct MailboxKey {
  std::string uniqueid;
  state::Eid eid;
};

// One NOTIFY body of either package. `seq` lets the reader notice a lost NOTIFY.
template <typename Entry, typename Key>
struct SetDocument {
  uint64_t seq = 0;
  bool full = false;
  std::vector<Entry> entries;
  std::vector<Key> withdrawn;
  std::vector<state::Eid> refresh;
};
using DeviceSet = SetDocument<DeviceEntry, DeviceKey>;
using MailboxSet = SetDocument<MailboxEntry, MailboxKey>;

Result<DeviceSet> decode_devicestate_set(std::string_view body);
Result<MailboxSet> decode_mailboxstate_set(std::string_view body);

}  // namespace pinana::node
