// Tests of the helpers shared by the packages: EID text form, media types, the namespace-resolving
// XML reader and the composing XML writer.
#include <gtest/gtest.h>

#include <string>

#include "pinana/presence/packages/common/eid.h"
#include "pinana/presence/packages/common/media_type.h"
#include "pinana/presence/packages/common/xml_tree.h"
#include "pinana/presence/packages/common/xml_writer.h"

namespace pinana::presence::packages::common {
namespace {

TEST(Eid, ParsesEitherCaseAndPrintsLowercase) {
  auto a = Eid::parse("00:11:22:AA:bb:Cc");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->to_string(), "00:11:22:aa:bb:cc");
  EXPECT_EQ(a->bytes, (std::array<uint8_t, 6>{0x00, 0x11, 0x22, 0xaa, 0xbb, 0xcc}));
  EXPECT_EQ(*a, *Eid::parse("00:11:22:aa:bb:cc"));
  EXPECT_LT(*Eid::parse("00:00:00:00:00:01"), *Eid::parse("00:00:00:00:01:00"));
}

TEST(Eid, RejectsMalformedAndAllZero) {
  for (std::string_view bad :
       {"", "00:11:22:33:44", "00:11:22:33:44:55:66", "00:11:22:33:44:5", "0:11:22:33:44:555",
        "00-11-22-33-44-55", "00:11:22:33:44:5g", " 00:11:22:33:44:55", "00:11:22:33:44:55 "}) {
    auto e = Eid::parse(bad);
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_EQ(e.error().status, 400);
  }
  auto zero = Eid::parse("00:00:00:00:00:00");
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.error().reason.find("all zero"), std::string::npos);
}

TEST(MediaType, ComparesTypeAndSubtypeOnly) {
  EXPECT_TRUE(expect_media_type("application/pidf+xml", "application", "pidf+xml").ok());
  EXPECT_TRUE(
      expect_media_type("Application/PIDF+XML ; charset=UTF-8", "application", "pidf+xml").ok());
  for (std::string_view bad : {"application/xpidf+xml", "application/*", "*/*", "", "garbage",
                               "application/pidf+xml;", "text/pidf+xml"}) {
    Status s = expect_media_type(bad, "application", "pidf+xml");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().status, 415);
  }
}

TEST(XmlTree, ResolvesNamespacesAndKeepsPrefixHints) {
  auto t = parse_xml_tree(
      R"(<a:root xmlns:a="urn:a" xmlns="urn:d" a:q="1" plain="2" xml:lang="en">)"
      R"(<child>text &amp; more<![CDATA[<raw>]]></child><b:x xmlns:b="urn:b"/><!-- c --></a:root>)");
  ASSERT_TRUE(t.ok()) << t.error().reason;
  EXPECT_EQ(t->ns, "urn:a");
  EXPECT_EQ(t->local, "root");
  EXPECT_EQ(t->prefix, "a");
  ASSERT_EQ(t->attributes.size(), 3u);
  EXPECT_EQ(t->attributes[0].ns, "urn:a");
  EXPECT_EQ(t->attributes[1].ns, "");
  EXPECT_EQ(t->attributes[2].ns, kXmlNamespace);
  ASSERT_NE(t->attribute("plain"), nullptr);
  EXPECT_EQ(*t->attribute("plain"), "2");
  EXPECT_EQ(t->attribute("q"), nullptr) << "a qualified attribute is not the unprefixed one";
  ASSERT_EQ(t->children.size(), 2u) << "the comment is dropped";
  EXPECT_EQ(t->children[0].ns, "urn:d");
  EXPECT_EQ(t->children[0].text_content(), "text & more<raw>");
  EXPECT_EQ(t->children[1].ns, "urn:b");
}

TEST(XmlTree, RejectsWhatItMust) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<a xmlns='urn:a'>", "malformed XML"},
      {"<x:a/>", "undeclared namespace prefix"},
      {"<a xmlns='urn:a'><b xmlns=''/></a>", "no namespace"},
      {"<a/>", "no namespace"},
      {"<a xmlns='urn:a' xmlns:p=''/>", "bad namespace declaration"},
      {"<a xmlns='urn:a' p:x='1'/>", "undeclared namespace prefix"},
      {"<a xmlns='urn:a' xmlns:p='urn:a' p:x='1' xmlns:q='urn:a' q:x='2'/>", "duplicate attribute"},
      {"<!DOCTYPE a><a xmlns='urn:a'/>", "DOCTYPE"},
      {"<a xmlns='urn:a'/><b xmlns='urn:a'/>", "more than one root"},
      {"<a xmlns='urn:a'/>junk", "text outside"},
      {"junk<a xmlns='urn:a'/>", "text outside"},
      {"<a xmlns='urn:a'>\xc0\x80</a>", "bad characters"},
      {"<a xmlns='urn:a'>\xed\xa0\x80</a>", "bad characters"},
      {"<a xmlns='urn:a'>&#1;</a>", "bad characters"},
      {"<a xmlns='urn:a' x='\xff'/>", "bad characters"},
      {"<a xmlns='urn:\xff'/>", "bad characters"},
      {"<a:b:c xmlns:a='urn:a'/>", "bad element name"},
      {"<!-- only a comment -->", "no root"},
      {std::string("<a xmlns='urn:a'/>\0<junk", 24), "NUL byte"},
  };
  for (const auto& [body, reason] : cases) {
    auto t = parse_xml_tree(body);
    ASSERT_FALSE(t.ok()) << body;
    EXPECT_EQ(t.error().status, 400);
    EXPECT_NE(t.error().reason.find(reason), std::string::npos)
        << body << " -> " << t.error().reason;
  }
  std::string deep;
  for (size_t i = 0; i < kMaxXmlDepth + 1; ++i) deep += "<a xmlns='urn:a'>";
  for (size_t i = 0; i < kMaxXmlDepth + 1; ++i) deep += "</a>";
  EXPECT_FALSE(parse_xml_tree(deep).ok());
}

TEST(XmlWriter, DeclaresEveryNamespaceOnTheRootAndAvoidsPrefixClashes) {
  // Two different namespaces both published under prefix "p"; an element in the root namespace
  // under a prefix; a qualified attribute in the root namespace.
  auto a = parse_xml_tree(R"(<p:x xmlns:p="urn:one" xmlns:r="urn:root" r:flag="1"><r:y/></p:x>)");
  auto b = parse_xml_tree(R"(<p:z xmlns:p="urn:two"/>)");
  ASSERT_TRUE(a.ok() && b.ok());
  XmlWriter w("urn:root", "top");
  w.root_attribute("entity", "sip:e@x");
  w.child(*a);
  w.child(*b);
  const std::string out = w.finish();
  EXPECT_EQ(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<top xmlns=\"urn:root\" xmlns:p=\"urn:one\" xmlns:ns2=\"urn:two\" "
            "xmlns:ns1=\"urn:root\" entity=\"sip:e@x\">\n"
            " <p:x ns1:flag=\"1\">\n"
            "  <y />\n"
            " </p:x>\n"
            " <ns2:z />\n"
            "</top>\n");
  // Reading the output back gives the same trees.
  auto back = parse_xml_tree(out);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  ASSERT_EQ(back->children.size(), 2u);
  EXPECT_EQ(back->children[0], *a);
  EXPECT_EQ(back->children[1], *b);
}

}  // namespace
}  // namespace pinana::presence::packages::common
