// compose_dialog_info: the dialog-info document of an entity, built from the documents of all its
// live publications, for one NOTIFY to one watcher.
//
// Policy: entity = the presentity URI; state="full" always (every NOTIFY is full state, as
// Asterisk sends, which every phone accepts); version = the watcher's counter; <dialog>s keyed by
// id, the later publication in `documents` (oldest first) winning in the position where the id
// first appeared; root-level extension elements all kept, after the dialogs. No publications: a
// document with no dialogs (RFC 4235 §4.1: the entity has no dialogs).
//
// Pure function; any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pinana/presence/packages/dialog/dialog_info_document.h"

namespace pinana::presence::packages::dialog {

std::string compose_dialog_info(std::string_view entity, uint64_t version,
                                std::span<const DialogInfoDocument* const> documents);

}  // namespace pinana::presence::packages::dialog
