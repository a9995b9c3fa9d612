// Helpers for checking XML NOTIFY bodies in tests: parse with pugixml and resolve the namespace
// of an element the way a namespace-aware watcher would. Tests only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

namespace pinana::presence::packages::test {

inline std::string prefix_of(std::string_view qname) {
  const size_t c = qname.find(':');
  return c == std::string_view::npos ? std::string() : std::string(qname.substr(0, c));
}
inline std::string local_of(std::string_view qname) {
  const size_t c = qname.find(':');
  return std::string(c == std::string_view::npos ? qname : qname.substr(c + 1));
}

// The namespace URI of `node`'s name, from the xmlns declarations in scope ("" if none).
inline std::string namespace_of(pugi::xml_node node) {
  const std::string p = prefix_of(node.name());
  const std::string attr = p.empty() ? "xmlns" : "xmlns:" + p;
  for (pugi::xml_node n = node; n; n = n.parent())
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  return "";
}

// Children of `parent` with namespace `ns` and local name `local`.
inline std::vector<pugi::xml_node> children_ns(pugi::xml_node parent, std::string_view ns,
                                               std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c : parent.children())
    if (c.type() == pugi::node_element && local_of(c.name()) == local && namespace_of(c) == ns)
      out.push_back(c);
  return out;
}

}  // namespace pinana::presence::packages::test
