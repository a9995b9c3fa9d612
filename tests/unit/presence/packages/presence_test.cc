#include "pinana/presence/packages/presence/presence_package.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "package_harness.h"
#include "pinana/presence/packages/presence/pidf_document.h"
#include "xml_test_util.h"

namespace pinana::presence::packages::presence {
namespace {

using test::children_ns;
using test::namespace_of;
using test::PackageHarness;

constexpr std::string_view kPidf = "urn:ietf:params:xml:ns:pidf";
constexpr std::string_view kDm = "urn:ietf:params:xml:ns:pidf:data-model";
constexpr std::string_view kRpid = "urn:ietf:params:xml:ns:pidf:rpid";

std::string tuple_doc(std::string_view id, std::string_view basic,
                      std::string_view entity = "sip:alice@example.com") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"" +
         std::string(entity) + "\"><tuple id=\"" + std::string(id) + "\"><status><basic>" +
         std::string(basic) + "</basic></status></tuple></presence>";
}

// What Asterisk publishes for an INUSE extension (asterisk-semantics §4b): note before tuple,
// data-model person with an RPID activity.
constexpr std::string_view kAsteriskInUse = R"(<?xml version="1.0" encoding="UTF-8"?>
<presence entity="sip:1000@pbx.example.com" xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid">
 <note>On the phone</note>
 <tuple id="1000">
  <status>
   <basic>open</basic>
  </status>
  <contact priority="1">sip:2000@10.0.0.5</contact>
 </tuple>
 <dm:person>
  <rpid:activities>
   <rpid:on-the-phone />
  </rpid:activities>
 </dm:person>
</presence>
)";

struct Parsed {
  pugi::xml_document doc;
  pugi::xml_node root;
};

// Parses a NOTIFY body and checks it is a PIDF document for `entity`.
void parse_notify(const std::optional<Body>& body, std::string_view entity, Parsed& out) {
  ASSERT_TRUE(body.has_value());
  EXPECT_EQ(body->content_type, "application/pidf+xml");
  ASSERT_TRUE(out.doc.load_string(body->text.c_str())) << body->text;
  out.root = out.doc.document_element();
  EXPECT_STREQ(out.root.name(), "presence");
  EXPECT_EQ(namespace_of(out.root), kPidf);
  EXPECT_EQ(std::string_view(out.root.attribute("entity").value()), entity);
  // What the hub sends, the hub would accept.
  auto again = parse_pidf(body->text);
  EXPECT_TRUE(again.ok()) << (again.ok() ? "" : again.error().reason) << "\n" << body->text;
}

std::string basic_of(pugi::xml_node tuple) {
  auto status = children_ns(tuple, kPidf, "status");
  if (status.size() != 1) return "?";
  auto basic = children_ns(status[0], kPidf, "basic");
  return basic.size() == 1 ? basic[0].text().get() : "?";
}

class PresenceTest : public ::testing::Test {
 protected:
  PresencePackage pkg;
  PackageHarness hub{pkg, "sip:alice@example.com"};
};

TEST_F(PresenceTest, Identity) {
  EXPECT_EQ(pkg.name(), "presence");
  EXPECT_EQ(pkg.publish_types()[0], "application/pidf+xml");
  EXPECT_EQ(pkg.notify_types()[0], "application/pidf+xml");
  EXPECT_FALSE(pkg.per_watcher());
  EXPECT_EQ(pkg.new_watcher_state(), nullptr);
  EXPECT_EQ(pkg.publication_expiry().max_s, 3600u);
}

TEST_F(PresenceTest, AcceptsValidDocuments) {
  for (const std::string& body : {
           tuple_doc("t1", "open"),
           tuple_doc("t1", " closed "),
           std::string(kAsteriskInUse),
           // zero tuples
           std::string(R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:a@b"/>)"),
           // a prefixed PIDF namespace, timestamp, note with xml:lang, status without basic
           std::string(
               R"(<p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">)"
               R"(<p:tuple id="x"><p:status/><p:contact priority="0.8">sip:a@c</p:contact>)"
               R"(<p:note xml:lang="en">hi</p:note><p:timestamp>2024-01-01T00:00:00Z</p:timestamp>)"
               R"(</p:tuple><p:note>n</p:note></p:presence>)"),
       }) {
    auto doc = pkg.parse("application/pidf+xml", body, nullptr);
    EXPECT_TRUE(doc.ok()) << body << " -> " << (doc.ok() ? "" : doc.error().reason);
  }
  auto doc = parse_pidf(kAsteriskInUse);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ((*doc)->entity, "sip:1000@pbx.example.com");
  ASSERT_EQ((*doc)->items.size(), 3u);
  EXPECT_EQ((*doc)->items[0].kind, PidfItem::Kind::kNote);
  EXPECT_EQ((*doc)->items[1].kind, PidfItem::Kind::kTuple);
  EXPECT_EQ((*doc)->items[1].id, "1000");
  EXPECT_EQ((*doc)->items[2].kind, PidfItem::Kind::kPerson);
}

TEST_F(PresenceTest, RejectsInvalidDocumentsWith400AndAReason) {
  const std::string ns = R"(xmlns="urn:ietf:params:xml:ns:pidf")";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<presence", "malformed XML"},
      {"", "no root element"},
      {"<presence " + ns + " entity=\"sip:a@b\"><tuple id=\"t\"></presence>", "malformed XML"},
      {"<presencex " + ns + " entity=\"sip:a@b\"/>", "root element is not <presence>"},
      {R"(<presence xmlns="urn:ietf:params:xml:ns:cpim-pidf" entity="sip:a@b"/>)",
       "not in the PIDF namespace"},
      {R"(<presence entity="sip:a@b"/>)", "no namespace"},
      {"<presence " + ns + "/>", "no entity"},
      {"<presence " + ns + " entity=\"alice\"/>", "not a URI"},
      {"<presence " + ns + " entity=\"sip:a@b\"><tuple><status/></tuple></presence>", "id"},
      {"<presence " + ns + " entity=\"sip:a@b\"><tuple id=\"t\"/></presence>", "<status>"},
      {"<presence " + ns +
           " entity=\"sip:a@b\"><tuple id=\"t\"><status/><status/></tuple></presence>",
       "<status>"},
      {tuple_doc("t", "busy"), "neither open nor closed"},
      {"<presence " + ns +
           " entity=\"sip:a@b\"><tuple id=\"t\"><status><basic>open</basic><basic>open</basic>"
           "</status></tuple></presence>",
       "more than one <basic>"},
      {"<presence " + ns +
           " entity=\"sip:a@b\"><tuple id=\"t\"><status/><contact priority=\"2\">sip:x@y</contact>"
           "</tuple></presence>",
       "qvalue"},
      {"<presence " + ns +
           " entity=\"sip:a@b\"><tuple id=\"t\"><status/></tuple><tuple id=\"t\"><status/></tuple>"
           "</presence>",
       "duplicate id"},
      {"<presence " + ns + " entity=\"sip:a@b\"><tuple id=\"\"><status/></tuple></presence>",
       "without an id"},
      {"<presence " + ns +
           R"( xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="sip:a@b"><dm:person id=""/></presence>)",
       "empty id"},
      {"<presence " + ns +
           R"( xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="sip:a@b"><tuple id="x">)"
           R"(<status/></tuple><dm:person id="x"/></presence>)",
       "duplicate id"},
      {"<presence " + ns + " entity=\"sip:a@b\"><rpid:activities/></presence>",
       "undeclared namespace prefix"},
      {"<!DOCTYPE presence [<!ENTITY x \"y\">]><presence " + ns + " entity=\"sip:a@b\"/>",
       "DOCTYPE"},
      {"<presence " + ns + " entity=\"sip:a@b\"/><presence " + ns + " entity=\"sip:a@b\"/>",
       "more than one root"},
      {"<presence " + ns + " entity=\"sip:a@b\"><note>\xff</note></presence>", "bad characters"},
      {"<presence " + ns + " entity=\"sip:a@b\" entity=\"sip:c@d\"/>", "duplicate attribute"},
  };
  for (const auto& [body, reason] : cases) {
    auto doc = pkg.parse("application/pidf+xml", body, nullptr);
    ASSERT_FALSE(doc.ok()) << body;
    EXPECT_EQ(doc.error().status, 400) << body;
    EXPECT_NE(doc.error().reason.find(reason), std::string::npos)
        << body << " -> " << doc.error().reason;
  }
  EXPECT_EQ(pkg.parse("application/xpidf+xml", tuple_doc("t", "open"), nullptr).error().status,
            415);
}

TEST_F(PresenceTest, RejectsExcessiveNesting) {
  std::string deep = "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" entity=\"sip:a@b\">";
  for (int i = 0; i < 100; ++i) deep += "<note>";
  for (int i = 0; i < 100; ++i) deep += "</note>";
  deep += "</presence>";
  auto doc = pkg.parse("application/pidf+xml", deep, nullptr);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().reason.find("too deeply"), std::string::npos);
}

TEST_F(PresenceTest, NoPublicationsGiveADocumentWithNoTuples) {
  Parsed p;
  parse_notify(hub.render_shared(), "sip:alice@example.com", p);
  EXPECT_EQ(p.root.first_child(), pugi::xml_node());
}

TEST_F(PresenceTest, ComposesTuplesOfAllPublicationsUnderThePresentity) {
  ASSERT_TRUE(hub.publish("pc", tuple_doc("pc", "open", "sip:someone-else@example.com")).ok());
  ASSERT_TRUE(hub.publish("phone", tuple_doc("phone", "closed")).ok());
  const std::string before = hub.render_shared()->text;
  hub.relocate();  // the store's compaction changes nothing a watcher sees
  EXPECT_EQ(hub.render_shared()->text, before);
  Parsed p;
  parse_notify(hub.render_shared(), "sip:alice@example.com", p);
  auto tuples = children_ns(p.root, kPidf, "tuple");
  ASSERT_EQ(tuples.size(), 2u);
  EXPECT_STREQ(tuples[0].attribute("id").value(), "pc");
  EXPECT_EQ(basic_of(tuples[0]), "open");
  EXPECT_STREQ(tuples[1].attribute("id").value(), "phone");
  EXPECT_EQ(basic_of(tuples[1]), "closed");
}

TEST_F(PresenceTest, DuplicateTupleIdLaterPublicationWins) {
  ASSERT_TRUE(hub.publish("older", tuple_doc("same", "open")).ok());
  ASSERT_TRUE(hub.publish("newer", tuple_doc("same", "closed")).ok());
  Parsed p;
  parse_notify(hub.render_shared(), "sip:alice@example.com", p);
  auto tuples = children_ns(p.root, kPidf, "tuple");
  ASSERT_EQ(tuples.size(), 1u);
  EXPECT_EQ(basic_of(tuples[0]), "closed");

  // Removing the later one brings the earlier one back.
  hub.remove("newer");
  Parsed q;
  parse_notify(hub.render_shared(), "sip:alice@example.com", q);
  tuples = children_ns(q.root, kPidf, "tuple");
  ASSERT_EQ(tuples.size(), 1u);
  EXPECT_EQ(basic_of(tuples[0]), "open");
}

TEST_F(PresenceTest, ModifyReplacesThePublicationsState) {
  ASSERT_TRUE(hub.publish("p", tuple_doc("a", "open")).ok());
  ASSERT_TRUE(hub.publish("p", tuple_doc("b", "closed")).ok());
  Parsed p;
  parse_notify(hub.render_shared(), "sip:alice@example.com", p);
  auto tuples = children_ns(p.root, kPidf, "tuple");
  ASSERT_EQ(tuples.size(), 1u);
  EXPECT_STREQ(tuples[0].attribute("id").value(), "b");
}

TEST_F(PresenceTest, KeepsRpidPersonAndNotesWithTheirNamespaces) {
  ASSERT_TRUE(hub.publish("ast", std::string(kAsteriskInUse)).ok());
  // Another publisher using its own prefixes for the same namespaces, a person, and an extension
  // element of an unknown namespace.
  ASSERT_TRUE(hub.publish("other",
                          R"(<a:presence xmlns:a="urn:ietf:params:xml:ns:pidf" )"
                          R"(xmlns:m="urn:ietf:params:xml:ns:pidf:data-model" )"
                          R"(xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" xmlns:x="urn:example:x" )"
                          R"(entity="sip:alice@example.com"><a:tuple id="t2"><a:status>)"
                          R"(<a:basic>open</a:basic><x:flag a:mustUnderstand="false">1</x:flag>)"
                          R"(</a:status></a:tuple><a:note>On the phone</a:note><m:person id="p1">)"
                          R"(<r:activities><r:meeting/></r:activities></m:person>)"
                          R"(<x:thing x:attr="v">text</x:thing></a:presence>)")
                  .ok());
  Parsed p;
  parse_notify(hub.render_shared(), "sip:alice@example.com", p);
  ASSERT_EQ(children_ns(p.root, kPidf, "tuple").size(), 2u);
  auto notes = children_ns(p.root, kPidf, "note");
  ASSERT_EQ(notes.size(), 1u) << "identical notes are kept once";
  EXPECT_STREQ(notes[0].text().get(), "On the phone");
  auto persons = children_ns(p.root, kDm, "person");
  ASSERT_EQ(persons.size(), 2u) << "a person without an id is not merged with another";
  auto acts = children_ns(persons[0], kRpid, "activities");
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(children_ns(acts[0], kRpid, "on-the-phone").size(), 1u);
  acts = children_ns(persons[1], kRpid, "activities");
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(children_ns(acts[0], kRpid, "meeting").size(), 1u);
  auto things = children_ns(p.root, "urn:example:x", "thing");
  ASSERT_EQ(things.size(), 1u);
  EXPECT_STREQ(things[0].text().get(), "text");
  // Customary prefixes for well-known namespaces; the PIDF namespace is the default.
  EXPECT_STREQ(p.root.attribute("xmlns").value(), "urn:ietf:params:xml:ns:pidf");
  EXPECT_STREQ(p.root.attribute("xmlns:dm").value(), "urn:ietf:params:xml:ns:pidf:data-model");
  EXPECT_STREQ(p.root.attribute("xmlns:rpid").value(), "urn:ietf:params:xml:ns:pidf:rpid");
  // Order: tuples, notes, extensions.
  std::vector<std::string> order;
  for (pugi::xml_node c : p.root.children()) order.push_back(test::local_of(c.name()));
  EXPECT_EQ(order,
            (std::vector<std::string>{"tuple", "tuple", "note", "person", "person", "thing"}));
  // The qualified attribute in the PIDF namespace kept its namespace.
  const std::string body = hub.render_shared()->text;
  EXPECT_NE(body.find(":mustUnderstand=\"false\""), std::string::npos) << body;
  EXPECT_NE(body.find("xmlns:pidf=\"urn:ietf:params:xml:ns:pidf\""), std::string::npos) << body;
}

TEST_F(PresenceTest, PersonWithTheSameIdLaterPublicationWins) {
  auto person = [](std::string_view activity) {
    return R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" )"
           R"(xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" )"
           R"(xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com">)"
           R"(<dm:person id="me"><rpid:activities><rpid:)" +
           std::string(activity) + R"(/></rpid:activities></dm:person></presence>)";
  };
  ASSERT_TRUE(hub.publish("a", person("away")).ok());
  ASSERT_TRUE(hub.publish("b", person("busy")).ok());
  Parsed p;
  parse_notify(hub.render_shared(), "sip:alice@example.com", p);
  auto persons = children_ns(p.root, kDm, "person");
  ASSERT_EQ(persons.size(), 1u);
  auto acts = children_ns(persons[0], kRpid, "activities");
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(children_ns(acts[0], kRpid, "busy").size(), 1u);
  EXPECT_EQ(children_ns(acts[0], kRpid, "away").size(), 0u);
}

TEST_F(PresenceTest, OutputHasThePrologAndEscapesText) {
  ASSERT_TRUE(hub.publish("p", R"(<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">)"
                               R"(<note>a &lt;b&gt; &amp; "c"</note></presence>)")
                  .ok());
  const std::string body = hub.render_shared()->text;
  EXPECT_EQ(body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << body;
  EXPECT_NE(body.find("a &lt;b&gt; &amp; \"c\""), std::string::npos) << body;
}

}  // namespace
}  // namespace pinana::presence::packages::presence
