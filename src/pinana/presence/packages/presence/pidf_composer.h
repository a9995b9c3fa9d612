// compose_pidf: the presence document of a presentity, built from the documents of all its live
// publications (RFC 3903 §4 leaves composition to the package; RFC 3856 §6.6 describes it).
//
// Policy (docs/formats/README.md points here):
// - entity = the presentity URI, whatever the publications said;
// - tuples, and dm:person and dm:device elements that have an id, are keyed by (kind, id); when
//   several publications hold the same key, the later one in `documents` (oldest first) wins, in
//   the position where the key first appeared; a person or device without an id is always kept;
// - root-level <note>s are all kept, in order, without exact duplicates;
// - other extension elements are all kept, in order;
// - order in the output: tuples, notes, then person/device/extension elements (RFC 3863 schema);
// - no publications: a valid document with no tuples (RFC 3863 §4.1: zero tuples is allowed; a
//   watcher shows the presentity as offline). No invented tuple.
//
// Pure function; any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "pinana/presence/packages/presence/pidf_document.h"

namespace pinana::presence::packages::presence {

std::string compose_pidf(std::string_view entity, std::span<const PidfDocument* const> documents);

}  // namespace pinana::presence::packages::presence
