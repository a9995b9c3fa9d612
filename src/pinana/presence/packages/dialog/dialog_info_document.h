// DialogInfoDocument: one published dialog-info document (application/dialog-info+xml, RFC 4235),
// kept as its <dialog> elements (namespace-resolved, passed through unchanged) so that the
// documents of all publications of an entity can be composed into one (dialog_info_composer.h).
//
// parse_dialog_info() validates what RFC 4235 §4 requires and passes everything else through:
// root <dialog-info> in urn:ietf:params:xml:ns:dialog-info with `version` (a non-negative
// integer), `state` (full|partial) and a non-empty `entity` URI; every <dialog> with a non-empty
// id, unique in the document, `direction` initiator|recipient if present, exactly one <state>
// whose value is trying|proceeding|early|confirmed|terminated, its `event` one of the RFC's values
// and its `code` a response code (100-699) if present, at most one <duration>, a non-negative
// integer. Errors are 400 with a reason.
//
// A published version is not interpreted: each PUBLISH is a new state of its publication, and
// watchers get versions of their own. A `partial` document updates the previous document of the
// publication (dialogs replaced or added by id; root-level extension elements replaced when it has
// any); a partial document with no previous one is taken as full.
//
// Plain values, owned by the publication; any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/presence/event_package.h"
#include "pinana/presence/packages/common/xml_tree.h"

namespace pinana::presence::packages::dialog {

inline constexpr std::string_view kDialogInfoNamespace = "urn:ietf:params:xml:ns:dialog-info";

struct DialogItem {
  std::string id;
  common::XmlElement element;  // the whole <dialog>
};

class DialogInfoDocument final : public Document {
 public:
  std::unique_ptr<Document> clone() const override {
    return std::make_unique<DialogInfoDocument>(*this);
  }
  std::string entity;
  std::vector<DialogItem> dialogs;             // document order
  std::vector<common::XmlElement> extensions;  // other root-level elements, document order
};

// `previous`: the publication's current document on a modify, else null.
Result<std::unique_ptr<DialogInfoDocument>> parse_dialog_info(std::string_view body,
                                                              const DialogInfoDocument* previous);

}  // namespace pinana::presence::packages::dialog
