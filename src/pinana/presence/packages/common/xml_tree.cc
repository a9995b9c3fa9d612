#include "pinana/presence/packages/common/xml_tree.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

namespace pinana::presence::packages::common {
namespace {

// Valid UTF-8 whose every character is an XML 1.0 Char (§2.2): no C0 controls other than HT, LF,
// CR, no surrogates, no U+FFFE/U+FFFF.
bool is_xml_text(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (b0 < 0x80) {
      if (b0 < 0x20 && b0 != '\t' && b0 != '\n' && b0 != '\r') return false;
      ++i;
      continue;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      cp = b0 & 0x1F;
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      cp = b0 & 0x0F;
      len = 3;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates, beyond U+10FFFF, and the two non-characters XML excludes.
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
  }
  return true;
}

// Views into the pugixml document, which outlives the TreeBuilder's work.
struct Binding {
  std::string_view prefix;  // empty: the default namespace
  std::string_view uri;
};

class TreeBuilder {
 public:
  Result<XmlElement> build(const pugi::xml_node& root) {
    XmlElement out;
    if (!element(root, 1, out)) return Error{400, error_};
    return out;
  }

 private:
  bool fail(std::string reason) {
    error_ = std::move(reason);
    return false;
  }

  // The URI bound to `prefix` (empty: the default namespace) in the current scope, or null.
  const std::string_view* lookup(std::string_view prefix) const {
    for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
      if (it->prefix == prefix) return &it->uri;
    return nullptr;
  }

  static bool split_qname(std::string_view qname, std::string_view& prefix,
                          std::string_view& local) {
    const size_t colon = qname.find(':');
    if (colon == std::string_view::npos) {
      prefix = {};
      local = qname;
      return !local.empty();
    }
    prefix = qname.substr(0, colon);
    local = qname.substr(colon + 1);
    return !prefix.empty() && !local.empty() && local.find(':') == std::string_view::npos;
  }

  bool element(const pugi::xml_node& node, size_t depth, XmlElement& out) {
    if (depth > kMaxXmlDepth) return fail("XML nested too deeply");
    const size_t scope_mark = scope_.size();
    // Namespace declarations first: they apply to the element's own name and attributes.
    for (const pugi::xml_attribute& a : node.attributes()) {
      const std::string_view name = a.name();
      const std::string_view value = a.value();
      if (!is_xml_text(name) || !is_xml_text(value)) return fail("bad characters in XML");
      if (name == "xmlns") {
        scope_.push_back({"", value});
      } else if (name.starts_with("xmlns:")) {
        const std::string_view p = name.substr(6);
        if (p.empty() || value.empty() || p == "xmlns" || p == "xml")
          return fail("bad namespace declaration");
        scope_.push_back({p, value});
      }
    }
    std::string_view prefix, local;
    if (!split_qname(node.name(), prefix, local)) return fail("bad element name");
    const std::string_view* uri = prefix == "xml" ? nullptr : lookup(prefix);
    if (uri == nullptr) {
      return fail(prefix.empty() ? "element <" + std::string(local) + "> in no namespace"
                                 : "undeclared namespace prefix '" + std::string(prefix) + "'");
    }
    if (uri->empty()) return fail("element <" + std::string(local) + "> in no namespace");
    if (!is_xml_text(node.name())) return fail("element name is not valid UTF-8");
    out.kind = XmlNode::Kind::kElement;
    out.ns = *uri;
    out.local = local;
    out.prefix = prefix;

    for (const pugi::xml_attribute& a : node.attributes()) {
      const std::string_view name = a.name();
      if (name == "xmlns" || name.starts_with("xmlns:")) continue;
      std::string_view ap, al;
      if (!split_qname(name, ap, al)) return fail("bad attribute name");
      XmlAttribute attr;
      if (!ap.empty()) {
        const std::string_view* auri = ap == "xml" ? nullptr : lookup(ap);
        if (ap == "xml") {
          attr.ns = kXmlNamespace;
        } else if (auri == nullptr || auri->empty()) {
          return fail("undeclared namespace prefix '" + std::string(ap) + "'");
        } else {
          attr.ns = *auri;
        }
      }
      attr.local = al;
      attr.prefix = ap;
      attr.value = a.value();
      for (const XmlAttribute& seen : out.attributes)
        if (seen.ns == attr.ns && seen.local == attr.local) return fail("duplicate attribute");
      out.attributes.push_back(std::move(attr));
    }

    for (const pugi::xml_node& child : node.children()) {
      switch (child.type()) {
        case pugi::node_element: {
          XmlElement sub;
          if (!element(child, depth + 1, sub)) return false;
          out.children.push_back(std::move(sub));
          break;
        }
        case pugi::node_pcdata:
        case pugi::node_cdata: {
          const std::string_view text = child.value();
          if (!is_xml_text(text)) return fail("bad characters in XML text");
          if (!out.children.empty() && out.children.back().kind == XmlNode::Kind::kText) {
            out.children.back().text += text;
          } else {
            XmlNode t;
            t.kind = XmlNode::Kind::kText;
            t.text = text;
            out.children.push_back(std::move(t));
          }
          break;
        }
        default:  // comments and processing instructions carry no state
          break;
      }
    }
    scope_.resize(scope_mark);
    return true;
  }

  std::vector<Binding> scope_;
  std::string error_;
};

}  // namespace

const std::string* XmlNode::attribute(std::string_view name) const {
  for (const XmlAttribute& a : attributes)
    if (a.ns.empty() && a.local == name) return &a.value;
  return nullptr;
}

std::string XmlNode::text_content() const {
  std::string out;
  for (const XmlNode& c : children)
    if (c.kind == Kind::kText) out += c.text;
  return out;
}

std::string_view trim_xml_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool looks_like_uri(std::string_view s) {
  const size_t colon = s.find(':');
  if (colon == 0 || colon == std::string_view::npos || colon + 1 >= s.size()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!alpha(s[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    const char c = s[i];
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ') return false;
  return true;
}

Result<XmlElement> parse_xml_tree(std::string_view body) {
  // XML has no NUL character, and pugixml would stop reading at one, accepting what came before.
  if (body.find('\0') != std::string_view::npos) return Error{400, "NUL byte in XML"};
  pugi::xml_document doc;
  // parse_doctype keeps a DOCTYPE as a node, and parse_fragment text outside the root (which
  // pugixml otherwise drops silently), so that both can be refused below.
  const unsigned options = pugi::parse_default | pugi::parse_doctype | pugi::parse_fragment;
  const pugi::xml_parse_result r =
      doc.load_buffer(body.data(), body.size(), options, pugi::encoding_utf8);
  if (!r) return Error{400, std::string("malformed XML: ") + r.description()};
  pugi::xml_node root;
  for (const pugi::xml_node& n : doc.children()) {
    switch (n.type()) {
      case pugi::node_element:
        if (root) return Error{400, "more than one root element"};
        root = n;
        break;
      case pugi::node_doctype:
        return Error{400, "DOCTYPE not allowed"};
      case pugi::node_pcdata:
      case pugi::node_cdata:
        return Error{400, "text outside the root element"};
      default:
        break;
    }
  }
  if (!root) return Error{400, "no root element"};
  return TreeBuilder().build(root);
}

}  // namespace pinana::presence::packages::common
