#include "pinana/presence/packages/dialog/dialog_package.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "package_harness.h"
#include "pinana/presence/packages/dialog/dialog_info_document.h"
#include "xml_test_util.h"

namespace pinana::presence::packages::dialog {
namespace {

using test::children_ns;
using test::namespace_of;
using test::PackageHarness;

constexpr std::string_view kDi = "urn:ietf:params:xml:ns:dialog-info";

std::string di(std::string_view dialogs, std::string_view state = "full",
               std::string_view version = "3") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>)"
         R"(<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version=")" +
         std::string(version) + R"(" state=")" + std::string(state) +
         R"(" entity="sip:1000@pbx.example.com">)" + std::string(dialogs) + "</dialog-info>";
}
std::string dlg(std::string_view id, std::string_view state) {
  return R"(<dialog id=")" + std::string(id) + R"("><state>)" + std::string(state) +
         "</state></dialog>";
}

// Asterisk's RINGING body for a subscription (asterisk-semantics §4b).
constexpr std::string_view kAsteriskRinging = R"(<?xml version="1.0" encoding="UTF-8"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="5" state="full" entity="sip:1000@pbx.example.com">
 <dialog id="1000" direction="recipient">
  <remote>
   <identity display="Bob">sip:3000@pbx.example.com</identity>
   <target uri="sip:3000@pbx.example.com" />
  </remote>
  <local>
   <identity display="Alice">sip:1000@pbx.example.com</identity>
   <target uri="sip:1000@pbx.example.com" />
  </local>
  <state>early</state>
 </dialog>
</dialog-info>
)";

constexpr std::string_view kAsteriskOnHold = R"(<?xml version="1.0" encoding="UTF-8"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="6" state="full" entity="sip:1000@pbx.example.com">
 <dialog id="1000">
  <state>confirmed</state>
  <local>
   <target uri="sip:1000@pbx.example.com">
    <param pname="+sip.rendering" pvalue="no" />
   </target>
  </local>
 </dialog>
</dialog-info>
)";

struct Parsed {
  pugi::xml_document doc;
  pugi::xml_node root;
};

// Parses a NOTIFY body; checks root, namespace, entity, state="full"; returns the version.
uint64_t parse_notify(const std::optional<Body>& body, std::string_view entity, Parsed& out) {
  EXPECT_TRUE(body.has_value());
  if (!body) return ~0ull;
  EXPECT_EQ(body->content_type, "application/dialog-info+xml");
  EXPECT_TRUE(out.doc.load_string(body->text.c_str())) << body->text;
  out.root = out.doc.document_element();
  EXPECT_STREQ(out.root.name(), "dialog-info");
  EXPECT_EQ(namespace_of(out.root), kDi);
  EXPECT_EQ(std::string_view(out.root.attribute("entity").value()), entity);
  EXPECT_STREQ(out.root.attribute("state").value(), "full");
  auto again = parse_dialog_info(body->text, nullptr);
  EXPECT_TRUE(again.ok()) << (again.ok() ? "" : again.error().reason) << "\n" << body->text;
  return out.root.attribute("version").as_ullong(~0ull);
}

std::string state_of(pugi::xml_node dialog) {
  auto s = children_ns(dialog, kDi, "state");
  return s.size() == 1 ? s[0].text().get() : "?";
}

class DialogTest : public ::testing::Test {
 protected:
  DialogPackage pkg;
  PackageHarness hub{pkg, "sip:1000@hub.example.com"};
};

TEST_F(DialogTest, Identity) {
  EXPECT_EQ(pkg.name(), "dialog");
  EXPECT_EQ(pkg.publish_types()[0], "application/dialog-info+xml");
  EXPECT_EQ(pkg.notify_types()[0], "application/dialog-info+xml");
  EXPECT_TRUE(pkg.per_watcher());
}

TEST_F(DialogTest, AcceptsValidDocuments) {
  for (const std::string& body : {
           std::string(kAsteriskRinging),
           std::string(kAsteriskOnHold),
           di(dlg("1000", "terminated")),
           di(""),  // no dialogs
           di(R"(<dialog id="a" call-id="c@h" local-tag="1" remote-tag="2" direction="initiator">)"
              R"(<state event="remote-bye" code="487">terminated</state><duration>12</duration>)"
              R"(</dialog>)"),
           di(dlg("a", " confirmed\n"), "partial", "0"),
           // an extension element in another namespace, inside and beside the dialog
           di(R"(<dialog id="a"><state>early</state><x:y xmlns:x="urn:example:x"/></dialog>)"
              R"(<x:z xmlns:x="urn:example:x">1</x:z>)"),
       }) {
    auto doc = pkg.parse("application/dialog-info+xml", body, nullptr);
    EXPECT_TRUE(doc.ok()) << body << " -> " << (doc.ok() ? "" : doc.error().reason);
  }
}

TEST_F(DialogTest, RejectsInvalidDocumentsWith400AndAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<dialog-info", "malformed XML"},
      {R"(<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" )"
       R"(entity="sip:a@b"><dialog id="a"><state>early</state></dialog>)",
       "malformed XML"},
      {R"(<presence xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:a@b"/>)",
       "root element is not <dialog-info>"},
      {R"(<dialog-info xmlns="urn:ietf:params:xml:ns:pidf" version="1" state="full" entity="sip:a@b"/>)",
       "not in the dialog-info namespace"},
      {R"(<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" state="full" entity="sip:a@b"/>)",
       "version"},
      {di("", "full", "-1"), "version"},
      {di("", "full", "x"), "version"},
      {di("", "complete"), "neither full nor partial"},
      {R"(<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full"/>)",
       "entity"},
      {di(R"(<dialog><state>early</state></dialog>)"), "without an id"},
      {di(dlg("a", "early") + dlg("a", "confirmed")), "duplicate dialog id"},
      {di(R"(<dialog id="a"/>)"), "exactly one <state>"},
      {di(R"(<dialog id="a"><state>early</state><state>early</state></dialog>)"),
       "exactly one <state>"},
      {di(dlg("a", "ringing")), "unknown dialog state"},
      {di(R"(<dialog id="a" direction="sideways"><state>early</state></dialog>)"), "direction"},
      {di(R"(<dialog id="a"><state event="hangup">terminated</state></dialog>)"),
       "unknown dialog state event"},
      {di(R"(<dialog id="a"><state code="99">terminated</state></dialog>)"), "response code"},
      {di(R"(<dialog id="a"><state code="700">terminated</state></dialog>)"), "response code"},
      {di(R"(<dialog id="a"><state>early</state><duration>x</duration></dialog>)"), "duration"},
  };
  for (const auto& [body, reason] : cases) {
    auto doc = pkg.parse("application/dialog-info+xml", body, nullptr);
    ASSERT_FALSE(doc.ok()) << body;
    EXPECT_EQ(doc.error().status, 400) << body;
    EXPECT_NE(doc.error().reason.find(reason), std::string::npos)
        << body << " -> " << doc.error().reason;
  }
  EXPECT_EQ(pkg.parse("application/pidf+xml", di(""), nullptr).error().status, 415);
}

TEST_F(DialogTest, ComposesDialogsOfAllPublicationsUnderTheEntity) {
  ASSERT_TRUE(hub.publish("node-a", di(dlg("call-1", "confirmed"))).ok());
  ASSERT_TRUE(hub.publish("node-b", di(dlg("call-2", "early") + dlg("call-3", "trying"))).ok());
  const size_t w = hub.subscribe();
  Parsed p;
  parse_notify(hub.render(w, true), "sip:1000@hub.example.com", p);
  auto dialogs = children_ns(p.root, kDi, "dialog");
  ASSERT_EQ(dialogs.size(), 3u);
  EXPECT_STREQ(dialogs[0].attribute("id").value(), "call-1");
  EXPECT_EQ(state_of(dialogs[0]), "confirmed");
  EXPECT_STREQ(dialogs[1].attribute("id").value(), "call-2");
  EXPECT_EQ(state_of(dialogs[1]), "early");
  EXPECT_STREQ(dialogs[2].attribute("id").value(), "call-3");
}

TEST_F(DialogTest, SameDialogIdLaterPublicationWinsAndChildrenAreKept) {
  ASSERT_TRUE(hub.publish("older", di(dlg("1000", "terminated"))).ok());
  ASSERT_TRUE(hub.publish("newer", std::string(kAsteriskRinging)).ok());
  const size_t w = hub.subscribe();
  const size_t other = hub.subscribe();
  const std::string before = hub.render(other, true)->text;
  hub.relocate();  // the store's compaction changes nothing a watcher sees
  EXPECT_EQ(hub.render(w, true)->text, before) << "both watchers' first NOTIFY, version 0";
  Parsed p;
  parse_notify(hub.render(w, true), "sip:1000@hub.example.com", p);
  auto dialogs = children_ns(p.root, kDi, "dialog");
  ASSERT_EQ(dialogs.size(), 1u);
  EXPECT_EQ(state_of(dialogs[0]), "early");
  EXPECT_STREQ(dialogs[0].attribute("direction").value(), "recipient");
  auto remote = children_ns(dialogs[0], kDi, "remote");
  ASSERT_EQ(remote.size(), 1u);
  auto identity = children_ns(remote[0], kDi, "identity");
  ASSERT_EQ(identity.size(), 1u);
  EXPECT_STREQ(identity[0].attribute("display").value(), "Bob");
  EXPECT_STREQ(identity[0].text().get(), "sip:3000@pbx.example.com");
}

TEST_F(DialogTest, NoPublicationsGiveADocumentWithNoDialogs) {
  const size_t w = hub.subscribe();
  Parsed p;
  EXPECT_EQ(parse_notify(hub.render(w, true), "sip:1000@hub.example.com", p), 0u);
  EXPECT_TRUE(children_ns(p.root, kDi, "dialog").empty());
}

TEST_F(DialogTest, VersionsAreMonotonicPerWatcherAndIndependent) {
  ASSERT_TRUE(hub.publish("p", di(dlg("1000", "terminated"), "full", "77")).ok());
  const size_t a = hub.subscribe();
  Parsed p0, p1, p2, q0, q1, p3;
  EXPECT_EQ(parse_notify(hub.render(a, true), "sip:1000@hub.example.com", p0), 0u)
      << "first NOTIFY is version 0, whatever was published";
  ASSERT_TRUE(hub.publish("p", di(dlg("1000", "confirmed"), "full", "78")).ok());
  EXPECT_EQ(parse_notify(hub.render(a, false), "sip:1000@hub.example.com", p1), 1u);
  EXPECT_EQ(parse_notify(hub.render(a, false), "sip:1000@hub.example.com", p2), 2u);

  const size_t b = hub.subscribe();  // a later watcher starts at 0
  EXPECT_EQ(parse_notify(hub.render(b, true), "sip:1000@hub.example.com", q0), 0u);
  EXPECT_EQ(parse_notify(hub.render(b, false), "sip:1000@hub.example.com", q1), 1u);
  // A full NOTIFY after a subscription refresh keeps counting.
  EXPECT_EQ(parse_notify(hub.render(a, true), "sip:1000@hub.example.com", p3), 3u);
}

TEST_F(DialogTest, PartialPublishUpdatesThePreviousDocument) {
  ASSERT_TRUE(hub.publish("p", di(dlg("a", "confirmed") + dlg("b", "early"))).ok());
  ASSERT_TRUE(hub.publish("p", di(dlg("b", "confirmed") + dlg("c", "trying"), "partial")).ok());
  const size_t w = hub.subscribe();
  Parsed p;
  parse_notify(hub.render(w, true), "sip:1000@hub.example.com", p);
  auto dialogs = children_ns(p.root, kDi, "dialog");
  ASSERT_EQ(dialogs.size(), 3u);
  EXPECT_EQ(state_of(dialogs[0]), "confirmed");
  EXPECT_STREQ(dialogs[1].attribute("id").value(), "b");
  EXPECT_EQ(state_of(dialogs[1]), "confirmed");
  EXPECT_STREQ(dialogs[2].attribute("id").value(), "c");

  // A full publish replaces everything.
  ASSERT_TRUE(hub.publish("p", di(dlg("z", "terminated"))).ok());
  Parsed q;
  parse_notify(hub.render(w, false), "sip:1000@hub.example.com", q);
  dialogs = children_ns(q.root, kDi, "dialog");
  ASSERT_EQ(dialogs.size(), 1u);
  EXPECT_STREQ(dialogs[0].attribute("id").value(), "z");
}

TEST_F(DialogTest, RemovedPublicationsDialogsDisappear) {
  ASSERT_TRUE(hub.publish("a", di(dlg("x", "confirmed"))).ok());
  ASSERT_TRUE(hub.publish("b", di(dlg("y", "confirmed"))).ok());
  hub.remove("a");
  const size_t w = hub.subscribe();
  Parsed p;
  parse_notify(hub.render(w, true), "sip:1000@hub.example.com", p);
  auto dialogs = children_ns(p.root, kDi, "dialog");
  ASSERT_EQ(dialogs.size(), 1u);
  EXPECT_STREQ(dialogs[0].attribute("id").value(), "y");
}

TEST_F(DialogTest, RootAttributesInAsterisksOrder) {
  ASSERT_TRUE(hub.publish("p", di(dlg("1000", "terminated"))).ok());
  const size_t w = hub.subscribe();
  const std::string text = hub.render(w, true)->text;
  EXPECT_NE(text.find(R"(<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" )"
                      R"(state="full" entity="sip:1000@hub.example.com">)"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace pinana::presence::packages::dialog
