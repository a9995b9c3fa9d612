// Extension-state bodies for phones: the dialog-info (RFC 4235) and PIDF + RPID (RFC 3863, 4480)
// documents a node PUBLISHes to `sip:<exten>@<domain>` for each hint it owns (DESIGN §4.1).
//
// They follow what Asterisk's generators produce and phones are known to accept
// (shared/reference/asterisk-semantics.md §4b: the wording table, pjlib's printer layout with one
// space of indent per level and ` />` for empty elements), with pinana's fixes: the PIDF contact is
// the presentity itself, not a subscriber's URI (P14); an early dialog names the caller when one is
// known (BLF pickup, P11); the caller of a confirmed call is named too (P12); the version is the
// caller's monotonic counter. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pinana/state/cluster_state.h"
#include "pinana/state/extension_state.h"

namespace pinana::node {

struct ExtenBodyInput {
  std::string_view exten;
  std::string_view domain;  // the presentity is sip:<exten>@<domain>
  state::ExtensionState state = state::ExtensionState::kNotInUse;
  std::optional<state::CallerId> caller;  // the other party, when known
  std::string_view display_name;          // the hint's (Display Name), may be empty
};

// `application/dialog-info+xml`, state="full", one dialog whose id is the extension.
std::string render_dialog_info(const ExtenBodyInput& in, uint64_t version);
// `application/pidf+xml` with the data-model / RPID namespaces (Eyebeam supplement layout).
std::string render_pidf(const ExtenBodyInput& in);

// The wording of §4b for one extension state.
struct ExtenWording {
  std::string_view dialog_state;  // terminated | early | confirmed
  bool basic_open;                // PIDF <basic>
  bool on_the_phone;              // rpid activity
  std::string_view note;          // PIDF <note>
};
ExtenWording wording(state::ExtensionState state);

// XML text escaping as Asterisk's ast_sip_sanitize_xml: < > " & ' CR LF become entities.
std::string xml_escape(std::string_view text);

}  // namespace pinana::node
