// The hints of an Asterisk extensions.conf: syntax, includes, collisions, and each error's
// FILE:LINE.
#include <gtest/gtest.h>

#include "pinana/config/extensions_conf.h"
#include "temp_dir.h"

namespace pinana::config {
namespace {

using testing::TempDir;

class ExtensionsConf : public ::testing::Test {
 protected:
  // Writes `text` as extensions.conf and loads it.
  Result<std::vector<HintSpec>> load(const std::string& text) {
    path_ = dir_.write("extensions.conf", text);
    return load_extensions_conf(path_);
  }
  std::string error_of(const std::string& text) {
    auto r = load(text);
    return r.ok() ? "" : r.error().reason;
  }
  std::string at(int line) const { return path_ + ":" + std::to_string(line); }

  TempDir dir_;
  // Known before load() so that at() can be evaluated before it in one expression.
  std::string path_ = dir_.path("extensions.conf");
};

TEST_F(ExtensionsConf, ExtenLineForms) {
  auto r = load(
      "[internal]\n"
      "exten => 1000,hint,PJSIP/alice&Custom:x\n"
      "exten=>1001,hint,PJSIP/bob\n"
      "exten = 1002 , hint , PJSIP/carol\n"
      "  EXTEN=1003,hint,PJSIP/dave\n"
      "exten => 1004,1,Dial(PJSIP/erin)\n"
      "exten => 1005,hint,PJSIP/u1005(Frank Smith)\n"
      "exten => 1006,hint,PJSIP/diane,CustomPresence:diane\n"
      "exten => 1007,hint,,CustomPresence:ellen\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{
                    {"1000", "PJSIP/alice&Custom:x", at(2)},
                    {"1001", "PJSIP/bob", at(3)},
                    {"1002", "PJSIP/carol", at(4)},
                    {"1003", "PJSIP/dave", at(5)},
                    {"1005", "PJSIP/u1005(Frank Smith)", at(7)},
                    {"1006", "PJSIP/diane,CustomPresence:diane", at(8)},
                    {"1007", ",CustomPresence:ellen", at(9)},
                }));
}

TEST_F(ExtensionsConf, Comments) {
  auto r = load(
      "; a comment\n"
      "[internal] ; trailing\n"
      "exten => 1000,hint,PJSIP/alice ; who\n"
      ";exten => 1001,hint,PJSIP/commented\n"
      "exten => 1002,hint,Custom:a\\;b\n"
      ";-- a block\n"
      "exten => 1003,hint,PJSIP/in-block\n"
      ";-- nested --;\n"
      "still inside --;exten => 1004,hint,PJSIP/after-block\n"
      "exten => 1005,hint,PJSIP/x;-- inline --; ; rest\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{
                    {"1000", "PJSIP/alice", at(3)},
                    {"1002", "Custom:a;b", at(5)},
                    {"1004", "PJSIP/after-block", at(9)},
                    {"1005", "PJSIP/x", at(10)},
                }));
}

TEST_F(ExtensionsConf, CrLfLineEnds) {
  auto r = load("[c]\r\nexten => 1000,hint,PJSIP/a\r\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{{"1000", "PJSIP/a", at(2)}}));
}

TEST_F(ExtensionsConf, OnlyContextsHoldHints) {
  auto r = load(
      "exten => 999,hint,PJSIP/before-any-context\n"
      "[general]\n"
      "static=yes\n"
      "exten => 998,hint,PJSIP/general\n"
      "[globals]\n"
      "exten => 997,hint,PJSIP/globals\n"
      "[tmpl](!)\n"
      "exten => 1000,hint,PJSIP/template\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{{"1000", "PJSIP/template", at(8)}}));
}

TEST_F(ExtensionsConf, PatternsAndCallerIdMatchesAreSkipped) {
  auto r = load(
      "[c]\n"
      "exten => _X.,hint,PJSIP/${EXTEN}\n"
      "exten => _1XXX,hint,PJSIP/x\n"
      "exten => 1000/5551212,hint,PJSIP/cid\n"
      "exten => 1001,hint,PJSIP/y\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{{"1001", "PJSIP/y", at(5)}}));
}

TEST_F(ExtensionsConf, NonHintLinesIgnored) {
  auto r = load(
      "[c]\n"
      "include => other\n"
      "switch => Realtime\n"
      "this line has no equals sign\n"
      "exten => 1000\n"
      "exten => 1000,1,NoOp(hint,x)\n"
      "exten => 1000,n(hint),Hangup()\n"
      "same => n,Hangup()\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_TRUE(r->empty());
}

TEST_F(ExtensionsConf, SameRefersToThePreviousExten) {
  auto r = load(
      "[c]\n"
      "exten => 1000,1,Dial(PJSIP/alice)\n"
      " same => n,Hangup()\n"
      " same => hint,PJSIP/alice\n"
      "exten => _X.,1,NoOp()\n"
      " same => hint,PJSIP/pattern-skipped\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{{"1000", "PJSIP/alice", at(4)}}));
}

TEST_F(ExtensionsConf, SameHintWithoutExtenIsAnError) {
  EXPECT_EQ(error_of("[a]\nexten => 1,1,NoOp()\n[b]\nsame => hint,PJSIP/x\n"),
            at(4) + ": \"same => hint\" with no exten line before it in [b]");
}

TEST_F(ExtensionsConf, EmptyHintIsAnError) {
  EXPECT_EQ(error_of("[c]\nexten => 1000,hint,\n"),
            at(2) + ": hint for 1000: \"\": has no device and no presence provider");
  EXPECT_EQ(error_of("[c]\n\nexten => 1000,hint\n"),
            at(3) + ": hint for 1000: \"\": has no device and no presence provider");
  EXPECT_EQ(error_of("[c]\nexten => 1000,hint,&,\n"),
            at(2) + ": hint for 1000: \"&,\": has no device and no presence provider");
  EXPECT_EQ(error_of("[c]\nexten => 1,1,NoOp\nsame => hint, ; nothing\n"),
            at(3) + ": hint for 1: \"\": has no device and no presence provider");
}

TEST_F(ExtensionsConf, BadExtenIsAnError) {
  EXPECT_EQ(error_of("[c]\nexten => a@b,hint,PJSIP/x\n"),
            at(2) + ": exten \"a@b\": contains \"@\", which cannot be part of a presentity name");
  EXPECT_EQ(error_of("[c]\nexten => ,hint,PJSIP/x\n"), at(2) + ": exten \"\": must not be empty");
}

TEST_F(ExtensionsConf, ContextSyntaxErrors) {
  EXPECT_EQ(error_of("[c\nexten => 1,hint,PJSIP/x\n"),
            at(1) + ": missing \"]\" after the context name");
  EXPECT_EQ(error_of("\n[ ]\n"), at(2) + ": empty context name");
}

TEST_F(ExtensionsConf, LastWinsWithinAContext) {
  auto r = load(
      "[c]\n"
      "exten => 1000,hint,PJSIP/old\n"
      "exten => 1001,hint,PJSIP/b\n"
      "[other]\n"
      "exten => 2000,hint,PJSIP/z\n"
      "[c]\n"
      "exten => 1000,hint,PJSIP/new\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{
                    {"1000", "PJSIP/new", at(7)},
                    {"1001", "PJSIP/b", at(3)},
                    {"2000", "PJSIP/z", at(5)},
                }));
}

TEST_F(ExtensionsConf, CollisionAcrossContextsIsAnError) {
  EXPECT_EQ(error_of("[a]\nexten => 1000,hint,PJSIP/x\n[b]\nexten => 1000,hint,PJSIP/y\n"),
            at(4) + ": hint for 1000 in [b] collides with the one in [a] at " + at(2) +
                " (presentities are named by extension only)");
}

TEST_F(ExtensionsConf, IncludeRelativeToTheIncludingFile) {
  dir_.write("conf.d/users.conf",
             "exten => 1001,hint,PJSIP/bob\n"  // continues the includer's context
             "#include \"more/extra.conf\"\n"
             "[sub]\n"
             "exten => 3000,hint,PJSIP/sub\n");
  const std::string extra = dir_.write("conf.d/more/extra.conf", "exten => 1002,hint,PJSIP/c\n");
  auto r = load(
      "[internal]\n"
      "exten => 1000,hint,PJSIP/alice\n"
      "#include conf.d/users.conf\n"
      "exten => 1003,hint,PJSIP/d\n"  // back in [internal], not [sub]
      "exten => 1001,hint,PJSIP/bob2\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  const std::string users = (dir_.dir() / "conf.d/users.conf").string();
  const std::string extra_as_written = (dir_.dir() / "conf.d/more/extra.conf").string();
  EXPECT_EQ(extra, extra_as_written);
  EXPECT_EQ(*r, (std::vector<HintSpec>{
                    {"1000", "PJSIP/alice", at(2)},
                    {"1001", "PJSIP/bob2", at(5)},  // same context [internal]: last wins
                    {"1002", "PJSIP/c", extra + ":1"},
                    {"3000", "PJSIP/sub", users + ":4"},
                    {"1003", "PJSIP/d", at(4)},
                }));
}

TEST_F(ExtensionsConf, IncludeFormsAndAbsolutePaths) {
  const std::string a = dir_.write("a.conf", "exten => 1,hint,PJSIP/a\n");
  const std::string b = dir_.write("b.conf", "exten => 2,hint,PJSIP/b\n");
  auto r = load("[c]\n#include <a.conf>\n#include " + b + "\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{{"1", "PJSIP/a", a + ":1"}, {"2", "PJSIP/b", b + ":1"}}));
}

TEST_F(ExtensionsConf, MissingIncludeIsAnErrorButTryIncludeIsNot) {
  EXPECT_EQ(error_of("[c]\n#include \"gone.conf\"\n"),
            at(2) + ": #include \"gone.conf\": " + dir_.path("gone.conf") +
                ": cannot open: No such file or directory");
  EXPECT_EQ(error_of("[c]\n#tryinclude \"gone.conf\"\nexten => 1,hint,PJSIP/a\n"), "");
  EXPECT_EQ(error_of("#include\n"), at(1) + ": #include without a file name");
  EXPECT_EQ(error_of("#exec /bin/false\n#unknown x\n"), "");
}

TEST_F(ExtensionsConf, IncludeCycleIsAnError) {
  const std::string b = dir_.write("b.conf", "\n#include \"extensions.conf\"\n");
  const std::string e = error_of("[c]\n#include \"b.conf\"\n");
  EXPECT_EQ(e, b + ":2: #include \"extensions.conf\": include cycle: " + path_ + " -> " + b +
                   " -> " + dir_.path("extensions.conf"));
  EXPECT_EQ(error_of("#include \"./extensions.conf\"\n"),
            at(1) + ": #include \"./extensions.conf\": include cycle: " + path_ + " -> " +
                dir_.path("./extensions.conf"));
}

TEST_F(ExtensionsConf, SameFileTwiceIsNotACycle) {
  const std::string a = dir_.write("a.conf", "exten => 1,hint,PJSIP/a\n");
  auto r = load("[c]\n#include a.conf\n#include a.conf\n");
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, (std::vector<HintSpec>{{"1", "PJSIP/a", a + ":1"}}));
}

TEST_F(ExtensionsConf, MissingTopFile) {
  auto r = load_extensions_conf(dir_.path("absent.conf"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason,
            dir_.path("absent.conf") + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace pinana::config
