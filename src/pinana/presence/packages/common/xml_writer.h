// XmlWriter: serialises a composed XML document (PIDF, dialog-info) whose root element the package
// builds and whose children are XmlElement trees taken from several published documents.
//
// Published documents each chose their own prefixes; the composed document needs one consistent
// set. The writer assigns a prefix to every namespace the children use and declares all of them
// on the root: the root's own namespace is the default, a few well-known namespaces get their
// customary prefixes (dm, rpid, ...), others keep the prefix they were published with unless it
// is taken, else get ns1, ns2, ... Output is UTF-8 with the `<?xml version="1.0"
// encoding="UTF-8"?>` prolog and one-space indentation, the shape phones are known to accept
// (asterisk-semantics §4b).
//
// One writer builds one document; not thread-safe, cheap to create.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/presence/packages/common/xml_tree.h"

namespace pugi {
class xml_node;
}

namespace pinana::presence::packages::common {

class XmlWriter {
 public:
  // `root_ns` is the default namespace of the document, `root_name` the root's local name.
  XmlWriter(std::string_view root_ns, std::string_view root_name);

  // Unprefixed attribute on the root, written in call order after the namespace declarations.
  void root_attribute(std::string_view name, std::string_view value);
  // A child of the root, written in call order. Only a pointer is kept: `element` must outlive
  // finish().
  void child(const XmlElement& element);

  // The document text.
  std::string finish();

 private:
  struct NsPrefix {
    std::string uri;
    std::string prefix;
  };
  void collect(const XmlElement& e);
  void emit(pugi::xml_node parent, const XmlElement& e);
  const std::string& element_prefix(const std::string& uri);
  const std::string& attribute_prefix(const std::string& uri);
  std::string assign(const std::string& uri, std::string_view hint, bool for_attribute);
  bool prefix_taken(std::string_view prefix) const;

  std::string root_ns_;
  std::string root_name_;
  std::vector<std::pair<std::string, std::string>> root_attributes_;
  std::vector<const XmlElement*> children_;
  std::vector<NsPrefix> element_prefixes_;    // declared on the root, in first-use order
  std::vector<NsPrefix> attribute_prefixes_;  // extra prefixes for the root namespace's attributes
  unsigned next_generated_ = 1;
};

}  // namespace pinana::presence::packages::common
