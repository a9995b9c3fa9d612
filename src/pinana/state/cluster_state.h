// ClusterState: the node's view of the cluster's device states, hints and mailboxes
// (DESIGN.md §3, reference/asterisk-semantics.md §1–3 and §7).
//
// Per device it keeps one entry per EID {state, cachable, updated} — non-cachable states included,
// so they reach remote hints (P3) — and the §1.3 aggregate over all of them, our own EID included.
// Per hint it keeps the extension state (§3.3). Per mailbox it keeps counts per EID and their sum.
//
// No I/O and no callbacks: every mutating call returns the Events it caused, in causal order
// (Local*, then DeviceChanged, then ExtensionChanged; MwiChanged after the device cascade), for
// the owner to send to the cluster, to phones and to API watchers. Remote calls naming our own
// EID are ignored: only set_local_* change our entries.
//
// Owned by the node; single-threaded, used from the owner's thread only; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/state/device_state.h"
#include "pinana/state/eid.h"
#include "pinana/state/extension_state.h"
#include "pinana/state/hint.h"

namespace pinana::state {

struct CallerId {
  std::string name;
  std::string number;
  friend bool operator==(const CallerId&, const CallerId&) = default;
};

// Our own entry for a device changed: send it to the cluster.
struct LocalDeviceChanged {
  std::string device;
  DeviceState state;
  bool cachable;
};
// The cluster aggregate of a device changed.
struct DeviceChanged {
  std::string device;
  DeviceState before, after;
};
// A hint's extension state changed, or (repeat) stayed ringing while one of its devices changed.
struct ExtensionChanged {
  std::string exten;
  ExtensionState before, after;
  bool repeat;
  std::optional<CallerId> caller;
};
// Our own counts for a mailbox ("1000@default") changed: send them to the cluster.
struct LocalMwiChanged {
  std::string mailbox;
  int new_messages, old_messages;
};
// The cluster total (sum over EIDs) of a mailbox changed.
struct MwiChanged {
  std::string mailbox;
  int new_messages, old_messages;
};

using Event =
    std::variant<LocalDeviceChanged, DeviceChanged, ExtensionChanged, LocalMwiChanged, MwiChanged>;
using Events = std::vector<Event>;

class ClusterState {
 public:
  struct RemoteEntry {
    std::string device;
    Eid eid;
    DeviceState state;
    bool cachable;
  };
  struct RemoteMwi {
    std::string mailbox;
    Eid eid;
    int new_messages, old_messages;
  };
  struct EntryView {
    Eid eid;
    DeviceState state;
    bool cachable;
    TimePoint updated;
  };
  struct MwiView {
    std::string mailbox;
    int new_messages, old_messages;
    std::vector<std::pair<Eid, std::pair<int, int>>> per_eid;  // sorted by EID
  };
  struct MemberView {
    Eid eid;
    size_t devices;         // devices with an entry of this EID
    TimePoint last_update;  // latest set/apply from this EID (device or MWI)
    bool self;
  };

  explicit ClusterState(Eid self);
  ClusterState(const ClusterState&) = delete;
  ClusterState& operator=(const ClusterState&) = delete;

  const Eid& self() const { return self_; }

  // Devices. A call that changes no entry returns no events (P6). `caller` is kept with our entry
  // and reported on ExtensionChanged while the device is ringing.
  Events set_local_device(std::string_view device, DeviceState state, bool cachable, TimePoint now,
                          std::optional<CallerId> caller = {});
  Events apply_remote(std::string_view device, const Eid& eid, DeviceState state, bool cachable,
                      TimePoint now);
  Events withdraw_remote(std::string_view device, const Eid& eid);
  Events withdraw_eid(const Eid& eid);  // every device and MWI entry of that EID
  // Every non-self device entry becomes exactly `full` (later duplicates win; own EID ignored).
  Events replace_remote(std::span<const RemoteEntry> full, TimePoint now);

  // Mailboxes.
  Events set_local_mwi(std::string_view mailbox, int new_messages, int old_messages, TimePoint now);
  Events apply_remote_mwi(std::string_view mailbox, const Eid& eid, int new_messages,
                          int old_messages, TimePoint now);
  Events withdraw_remote_mwi(std::string_view mailbox, const Eid& eid);
  Events replace_remote_mwi(std::span<const RemoteMwi> full, TimePoint now);

  // Hints. add_hint replaces a hint of the same exten and reports a state that differs from the
  // previous one (kRemoved for a new hint); remove_hint reports kDeactivated.
  Events add_hint(Hint hint);
  Events remove_hint(std::string_view exten);

  // Queries.
  DeviceState aggregate(std::string_view device) const;           // kInvalid when unknown
  std::vector<EntryView> entries(std::string_view device) const;  // sorted by EID
  std::vector<std::string> devices() const;                       // sorted
  std::vector<std::string> local_devices() const;                // with an entry of our EID; sorted
  ExtensionState extension_state(std::string_view exten) const;  // kRemoved if no hint
  const Hint* hint(std::string_view exten) const;
  std::vector<const Hint*> hints() const;  // sorted by exten
  std::optional<MwiView> mwi(std::string_view mailbox) const;
  std::vector<MwiView> mailboxes() const;   // sorted by mailbox
  std::vector<MemberView> members() const;  // self first, then by EID

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  struct Entry {
    Eid eid;
    DeviceState state;
    bool cachable;
    TimePoint updated;
    std::optional<CallerId> caller;  // our own entry only
    uint64_t caller_seq = 0;         // orders callers: the most recently set wins
  };
  struct Device {
    std::vector<Entry> entries;  // sorted by EID; usually one per node
    DeviceState aggregate = DeviceState::kInvalid;
  };
  struct HintSlot {
    Hint hint;
    ExtensionState state = ExtensionState::kRemoved;
  };
  struct Mailbox {
    std::vector<std::pair<Eid, std::pair<int, int>>> per_eid;  // sorted by EID
    int new_total = 0, old_total = 0;
  };
  struct Member {
    std::set<std::string, std::less<>> devices;
    std::set<std::string, std::less<>> mailboxes;
    TimePoint last_update{};
  };
  // Devices whose entries changed during one call, with their aggregate before the call.
  struct Batch {
    std::map<std::string, DeviceState, std::less<>> before;
  };

  bool put_entry(Batch& batch, std::string_view device, const Eid& eid, DeviceState state,
                 bool cachable, TimePoint now, const std::optional<CallerId>* caller);
  bool erase_entry(Batch& batch, std::string_view device, const Eid& eid);
  void finish(const Batch& batch, Events& out);
  ExtensionState compute(const HintSlot& slot) const;
  std::optional<CallerId> caller_for(const Hint& hint) const;
  void evaluate(HintSlot& slot, bool repeat_if_ringing, Events& out);
  void index_hint(HintSlot& slot);
  void unindex_hint(HintSlot& slot);

  void put_mwi(std::string_view mailbox, const Eid& eid, int new_messages, int old_messages,
               TimePoint now, Events& out);
  void erase_mwi(std::string_view mailbox, const Eid& eid, Events& out);

  Member& member(const Eid& eid, TimePoint now);
  void forget_member_if_empty(const Eid& eid);

  Eid self_;
  uint64_t caller_seq_ = 0;
  StringMap<Device> devices_;
  std::map<std::string, HintSlot, std::less<>> hints_;  // node-based: index holds slot pointers
  StringMap<std::unordered_set<HintSlot*>> hints_by_device_;
  std::map<std::string, Mailbox, std::less<>> mailboxes_;
  std::map<Eid, Member> members_;  // always holds self_
};

}  // namespace pinana::state
