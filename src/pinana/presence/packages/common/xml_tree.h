// XmlElement: a namespace-resolved copy of an XML element tree, the form in which the XML event
// packages (presence, dialog) keep the parts of a published document they pass through unchanged.
//
// XML bodies are parsed once, at PUBLISH time, into plain values: every element and attribute
// carries its namespace URI, so a document can later be recomposed with other documents under a
// different set of prefixes without changing its meaning (RFC 3863 §4.3: keep extension elements
// and their namespaces intact). Comments, processing instructions and whitespace-only text between
// elements are dropped.
//
// parse_xml_tree() is the only XML parser the packages use. It never throws. It refuses, with 400:
// malformed XML, a DOCTYPE (no SIP body format uses a DTD, and refusing it rules out entity
// tricks), more than one root element, text outside the root, an undeclared namespace prefix, an
// element in no namespace (PIDF and dialog-info extensions are `##other`, which excludes it),
// duplicate attributes, text that is not valid UTF-8 or holds characters XML forbids, and nesting
// deeper than kMaxXmlDepth.
//
// Plain values; copy them, use them from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/base/result.h"

namespace pinana::presence::packages::common {

inline constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
inline constexpr size_t kMaxXmlDepth = 32;

struct XmlAttribute {
  std::string ns;      // empty for an unprefixed attribute
  std::string local;   // name without prefix
  std::string prefix;  // the prefix it was published with (a hint for re-serialising)
  std::string value;   // entity references decoded

  // Equal in meaning: the prefix hint does not count.
  bool operator==(const XmlAttribute& o) const {
    return ns == o.ns && local == o.local && value == o.value;
  }
};

struct XmlNode {
  enum class Kind : unsigned char { kElement, kText };
  Kind kind = Kind::kElement;
  std::string text;  // kText: the decoded character data

  // kElement only:
  std::string ns;  // never empty
  std::string local;
  std::string prefix;                    // hint, as for XmlAttribute
  std::vector<XmlAttribute> attributes;  // namespace declarations excluded
  std::vector<XmlNode> children;         // elements and text, in document order

  bool is_element() const { return kind == Kind::kElement; }
  bool is(std::string_view ns_uri, std::string_view local_name) const {
    return kind == Kind::kElement && ns == ns_uri && local == local_name;
  }
  // The value of the unprefixed attribute `name`, or null.
  const std::string* attribute(std::string_view name) const;
  // The concatenated text children (not descendants).
  std::string text_content() const;

  // Equal in meaning: same kind, text, expanded names, attributes (in order) and children;
  // prefix hints do not count.
  bool operator==(const XmlNode& o) const {
    return kind == o.kind && text == o.text && ns == o.ns && local == o.local &&
           attributes == o.attributes && children == o.children;
  }
};

using XmlElement = XmlNode;

// Parses `body` into the tree of its root element (see the header comment for what is refused).
Result<XmlElement> parse_xml_tree(std::string_view body);

// Strips XML whitespace (SP, HT, CR, LF) from both ends.
std::string_view trim_xml_space(std::string_view s);

// True when `s` looks like an absolute URI: scheme ":" at least one more character, no spaces.
bool looks_like_uri(std::string_view s);

}  // namespace pinana::presence::packages::common
