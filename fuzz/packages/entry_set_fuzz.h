// The property both accumulating packages (asterisk-devicestate, asterisk-mwi) must keep, checked
// by their fuzz targets: a watcher that applies the first full NOTIFY and then every delta holds
// exactly what a full NOTIFY would say now — after every operation for an eager watcher, and
// after all of them for a lazy one whose changes coalesced. Also: bodies are JSON objects of the
// package's set type, `seq` counts 0, 1, ... per watcher, and deltas are sent only for changes.
//
// Fuzz code only; one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.h"
#include "package_fuzz_util.h"

namespace pinana::fuzz {

using EntryMirror = std::map<std::string, nlohmann::json>;

inline std::string entry_key(const nlohmann::json& e, const char* key_member) {
  FUZZ_CHECK(e.is_object() && e.contains(key_member) && e.contains("eid"));
  return e[key_member].dump() + "|" + e["eid"].dump();
}

// Checks the shape of `text` and applies it to `mirror`; returns the body's seq.
inline uint64_t apply_set_body(const std::string& text, std::string_view set_type,
                               const char* key_member, bool expect_full, EntryMirror& mirror) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  FUZZ_CHECK(j.is_object());
  FUZZ_CHECK(j.value("type", "") == set_type);
  FUZZ_CHECK(j.contains("seq") && j["seq"].is_number_unsigned());
  FUZZ_CHECK(j.contains("full") && j["full"].is_boolean() && j["full"] == expect_full);
  FUZZ_CHECK(j.contains("entries") && j["entries"].is_array());
  FUZZ_CHECK(j.contains("withdrawn") && j["withdrawn"].is_array());
  FUZZ_CHECK(j.contains("refresh") && j["refresh"].is_array());
  if (expect_full) {
    mirror.clear();
    FUZZ_CHECK(j["withdrawn"].empty());
  }
  for (const auto& e : j["entries"]) mirror[entry_key(e, key_member)] = e;
  for (const auto& k : j["withdrawn"]) {
    FUZZ_CHECK(k.size() == 2);
    mirror.erase(entry_key(k, key_member));
  }
  return j["seq"].get<uint64_t>();
}

template <typename Package>
int run_entry_set_fuzz(std::string_view input, std::string_view set_type, const char* key_member) {
  const Package package;
  FuzzResource r(package, "sip:state@hub.example.com");
  const size_t eager = r.subscribe();
  const size_t lazy = r.subscribe();
  constexpr size_t kNoWatcher = std::numeric_limits<size_t>::max();

  EntryMirror mirror, lazy_mirror, truth;
  FUZZ_CHECK(apply_set_body(r.render(eager, true)->text, set_type, key_member, true, mirror) == 0);
  FUZZ_CHECK(apply_set_body(r.render(lazy, true)->text, set_type, key_member, true, lazy_mirror) ==
             0);
  uint64_t next_seq = 1;
  bool lazy_pending = false;
  for (const Op& op : read_ops(input, 64)) {
    bool changed = true;
    if (op.remove) {
      r.remove(op.publication);
    } else {
      changed = r.publish(op.publication, op.body);
    }
    const auto delta = r.render(eager, false);
    if (!changed) FUZZ_CHECK(!delta.has_value());  // a rejected PUBLISH is no change
    if (delta) {
      FUZZ_CHECK(apply_set_body(delta->text, set_type, key_member, false, mirror) == next_seq);
      ++next_seq;
      lazy_pending = true;
    }
    apply_set_body(r.render(kNoWatcher, true)->text, set_type, key_member, true, truth);
    FUZZ_CHECK(mirror == truth);
  }
  const auto late = r.render(lazy, false);
  FUZZ_CHECK(late.has_value() == lazy_pending);
  if (late) FUZZ_CHECK(apply_set_body(late->text, set_type, key_member, false, lazy_mirror) == 1);
  FUZZ_CHECK(lazy_mirror == truth);
  FUZZ_CHECK(!r.render(lazy, false).has_value());
  return 0;
}

}  // namespace pinana::fuzz
