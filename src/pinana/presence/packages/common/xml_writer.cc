#include "pinana/presence/packages/common/xml_writer.h"

#include <array>
#include <string>

#include <pugixml.hpp>

namespace pinana::presence::packages::common {
namespace {

struct WellKnown {
  std::string_view uri;
  std::string_view prefix;
};

// Prefixes that phones and Asterisk use for these namespaces; some naive clients match on them.
constexpr std::array<WellKnown, 6> kWellKnown{{
    {"urn:ietf:params:xml:ns:pidf:data-model", "dm"},
    {"urn:ietf:params:xml:ns:pidf:rpid", "rpid"},
    {"urn:ietf:params:xml:ns:pidf:caps", "caps"},
    {"urn:ietf:params:xml:ns:pidf:cipid", "cipid"},
    {"urn:ietf:params:xml:ns:pidf", "pidf"},
    {"urn:ietf:params:xml:ns:dialog-info", "di"},
}};

class StringSink final : public pugi::xml_writer {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  void write(const void* data, size_t size) override {
    out_.append(static_cast<const char*>(data), size);
  }

 private:
  std::string& out_;
};

bool valid_prefix_hint(std::string_view p) {
  if (p.empty() || p.size() > 32) return false;
  // "xml..." prefixes are reserved (Namespaces in XML §3).
  if (p.size() >= 3 && (p[0] == 'x' || p[0] == 'X') && (p[1] == 'm' || p[1] == 'M') &&
      (p[2] == 'l' || p[2] == 'L'))
    return false;
  for (char c : p) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return !(p[0] >= '0' && p[0] <= '9') && p[0] != '-' && p[0] != '.';
}

std::string qualified(const std::string& prefix, const std::string& local) {
  return prefix.empty() ? local : prefix + ":" + local;
}

}  // namespace

XmlWriter::XmlWriter(std::string_view root_ns, std::string_view root_name)
    : root_ns_(root_ns), root_name_(root_name) {}

void XmlWriter::root_attribute(std::string_view name, std::string_view value) {
  root_attributes_.emplace_back(std::string(name), std::string(value));
}

void XmlWriter::child(const XmlElement& element) {
  children_.push_back(&element);
}

bool XmlWriter::prefix_taken(std::string_view prefix) const {
  for (const NsPrefix& p : element_prefixes_)
    if (p.prefix == prefix) return true;
  for (const NsPrefix& p : attribute_prefixes_)
    if (p.prefix == prefix) return true;
  return false;
}

std::string XmlWriter::assign(const std::string& uri, std::string_view hint, bool for_attribute) {
  if (!for_attribute && uri == root_ns_) return "";
  for (const WellKnown& w : kWellKnown)
    if (w.uri == uri && !prefix_taken(w.prefix)) return std::string(w.prefix);
  if (valid_prefix_hint(hint) && !prefix_taken(hint)) return std::string(hint);
  for (;;) {
    std::string p = "ns" + std::to_string(next_generated_++);
    if (!prefix_taken(p)) return p;
  }
}

const std::string& XmlWriter::element_prefix(const std::string& uri) {
  for (const NsPrefix& p : element_prefixes_)
    if (p.uri == uri) return p.prefix;
  // Only reached for URIs that collect() did not see; the prefixes are all assigned there.
  element_prefixes_.push_back({uri, assign(uri, "", false)});
  return element_prefixes_.back().prefix;
}

const std::string& XmlWriter::attribute_prefix(const std::string& uri) {
  // An unprefixed attribute is in no namespace, so the root (default) namespace needs a prefix of
  // its own for qualified attributes such as pidf:mustUnderstand.
  if (uri != root_ns_) return element_prefix(uri);
  for (const NsPrefix& p : attribute_prefixes_)
    if (p.uri == uri) return p.prefix;
  attribute_prefixes_.push_back({uri, assign(uri, "", true)});
  return attribute_prefixes_.back().prefix;
}

void XmlWriter::collect(const XmlElement& e) {
  if (!e.is_element()) return;
  bool known = e.ns == root_ns_;
  for (const NsPrefix& p : element_prefixes_) known = known || p.uri == e.ns;
  if (!known) element_prefixes_.push_back({e.ns, assign(e.ns, e.prefix, false)});
  for (const XmlAttribute& a : e.attributes) {
    if (a.ns.empty() || a.ns == kXmlNamespace) continue;
    if (a.ns == root_ns_) {
      (void)attribute_prefix(a.ns);
      continue;
    }
    bool seen = false;
    for (const NsPrefix& p : element_prefixes_) seen = seen || p.uri == a.ns;
    if (!seen) element_prefixes_.push_back({a.ns, assign(a.ns, a.prefix, false)});
  }
  for (const XmlElement& c : e.children) collect(c);
}

void XmlWriter::emit(pugi::xml_node parent, const XmlElement& e) {
  if (!e.is_element()) {
    parent.append_child(pugi::node_pcdata).set_value(e.text.c_str());
    return;
  }
  const std::string name = e.ns == root_ns_ ? e.local : qualified(element_prefix(e.ns), e.local);
  pugi::xml_node n = parent.append_child(name.c_str());
  for (const XmlAttribute& a : e.attributes) {
    std::string aname;
    if (a.ns.empty()) {
      aname = a.local;
    } else if (a.ns == kXmlNamespace) {
      aname = "xml:" + a.local;
    } else {
      aname = qualified(attribute_prefix(a.ns), a.local);
    }
    n.append_attribute(aname.c_str()).set_value(a.value.c_str());
  }
  for (const XmlElement& c : e.children) emit(n, c);
}

std::string XmlWriter::finish() {
  for (const XmlElement* c : children_) collect(*c);

  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  decl.append_attribute("encoding").set_value("UTF-8");
  pugi::xml_node root = doc.append_child(root_name_.c_str());
  root.append_attribute("xmlns").set_value(root_ns_.c_str());
  for (const NsPrefix& p : element_prefixes_)
    root.append_attribute(("xmlns:" + p.prefix).c_str()).set_value(p.uri.c_str());
  for (const NsPrefix& p : attribute_prefixes_)
    root.append_attribute(("xmlns:" + p.prefix).c_str()).set_value(p.uri.c_str());
  for (const auto& [name, value] : root_attributes_)
    root.append_attribute(name.c_str()).set_value(value.c_str());

  for (const XmlElement* c : children_) emit(root, *c);

  std::string out;
  StringSink sink(out);
  doc.save(sink, " ", pugi::format_indent, pugi::encoding_utf8);
  return out;
}

}  // namespace pinana::presence::packages::common
