// PidfDocument: one published presence document (application/pidf+xml, RFC 3863), kept as the
// list of its top-level parts so that the documents of all publications of a presentity can be
// composed into one (pidf_composer.h).
//
// parse_pidf() validates what RFC 3863 and RFC 4479 require and passes everything else through:
// root <presence> in urn:ietf:params:xml:ns:pidf with a non-empty `entity` URI; every <tuple> with
// a non-empty id, exactly one <status>, at most one <basic> whose value is `open` or `closed`, at
// most one <contact> (its priority a qvalue) and at most one <timestamp>; ids of tuples,
// <dm:person> and <dm:device> unique in the document. A person or device without an id is
// accepted, unlike RFC 4479 requires, because Asterisk publishes a bare <dm:person/>. Extension
// elements (RPID and any other namespace) are kept, namespace-resolved, and not interpreted;
// mustUnderstand is left to the watchers, since the hub only composes. Errors are 400 with a
// reason.
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

namespace pinana::presence::packages::presence {

inline constexpr std::string_view kPidfNamespace = "urn:ietf:params:xml:ns:pidf";
inline constexpr std::string_view kDataModelNamespace = "urn:ietf:params:xml:ns:pidf:data-model";

struct PidfItem {
  enum class Kind : unsigned char { kTuple, kNote, kPerson, kDevice, kExtension };
  Kind kind = Kind::kExtension;
  std::string id;  // tuple (always), person and device (when they have one); else empty
  common::XmlElement element;
};

class PidfDocument final : public Document {
 public:
  std::unique_ptr<Document> clone() const override { return std::make_unique<PidfDocument>(*this); }
  std::string entity;
  std::vector<PidfItem> items;  // the children of <presence>, in document order
};

Result<std::unique_ptr<PidfDocument>> parse_pidf(std::string_view body);

}  // namespace pinana::presence::packages::presence
