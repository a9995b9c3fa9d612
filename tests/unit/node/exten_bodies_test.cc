#include "pinana/node/exten_bodies.h"

#include <gtest/gtest.h>

namespace pinana::node {
namespace {

using state::ExtensionState;

TEST(ExtenBodies, IdleDialogInfoIsAsteriskLayout) {
  ExtenBodyInput in{"1000", "pbx.example.com", ExtensionState::kNotInUse, std::nullopt, ""};
  EXPECT_EQ(render_dialog_info(in, 4),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"4\" "
            "state=\"full\" entity=\"sip:1000@pbx.example.com\">\n"
            " <dialog id=\"1000\">\n"
            "  <state>terminated</state>\n"
            " </dialog>\n"
            "</dialog-info>\n");
}

TEST(ExtenBodies, WordingFollowsTheAsteriskTable) {
  struct Row {
    ExtensionState s;
    const char* dialog;
    bool open;
    bool phone;
    const char* note;
  };
  const Row rows[] = {
      {ExtensionState::kNotInUse, "terminated", true, false, "Ready"},
      {ExtensionState::kInUse, "confirmed", true, true, "On the phone"},
      {ExtensionState::kBusy, "confirmed", true, true, "On the phone"},
      {ExtensionState::kUnavailable, "terminated", false, false, "Unavailable"},
      {ExtensionState::kRinging, "early", true, true, "Ringing"},
      {ExtensionState::kInUseRinging, "confirmed", true, true, "Ringing"},
      {ExtensionState::kOnHold, "confirmed", true, true, "On hold"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(static_cast<int>(r.s));
    const ExtenWording w = wording(r.s);
    EXPECT_EQ(w.dialog_state, r.dialog);
    EXPECT_EQ(w.basic_open, r.open);
    EXPECT_EQ(w.on_the_phone, r.phone);
    EXPECT_EQ(w.note, r.note);
    ExtenBodyInput in{"1000", "example.com", r.s, std::nullopt, ""};
    const std::string d = render_dialog_info(in, 1);
    EXPECT_NE(d.find(std::string("<state>") + r.dialog + "</state>"), std::string::npos) << d;
    const std::string p = render_pidf(in);
    EXPECT_NE(p.find(std::string("<basic>") + (r.open ? "open" : "closed")), std::string::npos);
    EXPECT_EQ(p.find("<rpid:on-the-phone />") != std::string::npos, r.phone) << p;
    EXPECT_NE(p.find(std::string("<note>") + r.note + "</note>"), std::string::npos);
  }
}

TEST(ExtenBodies, EarlyDialogNamesTheCallerForPickup) {
  ExtenBodyInput in{"1000", "pbx.example.com", ExtensionState::kRinging,
                    state::CallerId{"Bob <B&B>", "3000"}, "Alice"};
  const std::string d = render_dialog_info(in, 5);
  EXPECT_NE(d.find("<dialog id=\"1000\" direction=\"recipient\">"), std::string::npos) << d;
  EXPECT_NE(d.find("<identity display=\"Bob &lt;B&amp;B&gt;\">sip:3000@pbx.example.com</identity>"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("<target uri=\"sip:3000@pbx.example.com\" />"), std::string::npos);
  EXPECT_NE(d.find("<identity display=\"Alice\">sip:1000@pbx.example.com</identity>"),
            std::string::npos);
  EXPECT_NE(d.find("<target uri=\"sip:1000@pbx.example.com\" />"), std::string::npos);
  EXPECT_LT(d.find("<remote>"), d.find("<state>early</state>"));
}

TEST(ExtenBodies, EarlyWithoutCallerHasLocalTargetOnly) {
  ExtenBodyInput in{"1000", "h", ExtensionState::kRinging, std::nullopt, ""};
  const std::string d = render_dialog_info(in, 5);
  EXPECT_EQ(d.find("<remote>"), std::string::npos);
  EXPECT_NE(d.find("<identity>sip:1000@h</identity>"), std::string::npos) << d;
}

TEST(ExtenBodies, HoldCarriesRenderingNo) {
  ExtenBodyInput in{"1000", "h", ExtensionState::kOnHold, std::nullopt, ""};
  const std::string d = render_dialog_info(in, 6);
  EXPECT_NE(d.find("<param pname=\"+sip.rendering\" pvalue=\"no\" />"), std::string::npos) << d;
}

TEST(ExtenBodies, PidfContactIsThePresentityNotAWatcher) {
  ExtenBodyInput in{"1000", "pbx.example.com", ExtensionState::kInUse, std::nullopt, ""};
  const std::string p = render_pidf(in);
  EXPECT_NE(p.find("<contact priority=\"1\">sip:1000@pbx.example.com</contact>"), std::string::npos)
      << p;
  EXPECT_NE(p.find("entity=\"sip:1000@pbx.example.com\""), std::string::npos);
  EXPECT_NE(p.find("<tuple id=\"1000\">"), std::string::npos);
}

TEST(ExtenBodies, EscapesEveryXmlSpecial) {
  EXPECT_EQ(xml_escape("<>\"&'\r\nx"), "&lt;&gt;&quot;&amp;&apos;&#13;&#10;x");
}

}  // namespace
}  // namespace pinana::node
