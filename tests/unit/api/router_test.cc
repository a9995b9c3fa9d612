// Router without sockets: every route and every error code it decides.
#include "pinana/api/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_backend.h"

namespace pinana::api {
namespace {

using nlohmann::json;

class RouterTest : public ::testing::Test {
 protected:
  ApiResponse call(std::string_view method, std::string_view target, std::string_view body = {},
                   std::string_view content_type = "application/json") {
    return router_.handle(ApiRequest{method, target, content_type, body});
  }
  static json body(const ApiResponse& res) { return json::parse(res.body); }
  static std::string error(const ApiResponse& res) {
    EXPECT_EQ(res.content_type, "application/json");
    return body(res).at("error").get<std::string>();
  }

  FakeBackend backend_;
  Router router_{backend_};
};

TEST_F(RouterTest, HealthAndMetrics) {
  auto res = call("GET", "/health");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body(res), json::parse(R"({"status":"ok"})"));
  res = call("GET", "/metrics");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(res.body, "pinana_devices 2\n");
}

TEST_F(RouterTest, ListsAndGetsDevices) {
  auto res = call("GET", "/api/v1/devices");
  ASSERT_EQ(res.status, 200);
  const json list = body(res);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "Custom:lamp 1");
  EXPECT_EQ(list[1]["nodes"]["bb:bb"], "NOT_INUSE");

  for (const char* target : {"/api/v1/devices/PJSIP%2Falice", "/api/v1/devices/PJSIP/alice",
                             "/api/v1/devices/PJSIP%2falice?verbose=1"}) {
    res = call("GET", target);
    ASSERT_EQ(res.status, 200) << target;
    EXPECT_EQ(body(res)["name"], "PJSIP/alice");
    EXPECT_EQ(body(res)["state"], "INUSE");
  }
  res = call("GET", "/api/v1/devices/Custom:lamp%201");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body(res)["state"], "NOT_INUSE");
}

TEST_F(RouterTest, UnknownDeviceIs404AndBadEscapeIs400) {
  auto res = call("GET", "/api/v1/devices/PJSIP%2Fnobody");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(error(res), "unknown device: PJSIP/nobody");
  res = call("GET", "/api/v1/devices/PJSIP%2");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(error(res).find("percent escape"), std::string::npos);
  res = call("GET", "/api/v1/devices/a%ZZb");
  EXPECT_EQ(res.status, 400);
  res = call("GET", "/api/v1/devices/");
  EXPECT_EQ(res.status, 404);
}

TEST_F(RouterTest, PutsDeviceStateWithCaller) {
  auto res = call("PUT", "/api/v1/devices/Custom%3Anew",
                  R"({"state":"RINGING","caller":{"name":"Bob","number":"200"}})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body(res), json::parse(R"({"name":"Custom:new","state":"RINGING",
                                       "nodes":{"aa:aa":"RINGING"}})"));
  EXPECT_EQ(backend_.devices_.at("Custom:new").state, "RINGING");
  ASSERT_TRUE(backend_.last_caller.has_value());
  EXPECT_EQ(backend_.last_caller->number, "200");

  res = call("PUT", "/api/v1/devices/Custom:new", R"({"state":"INUSE"})",
             "Application/JSON; charset=utf-8");
  ASSERT_EQ(res.status, 200);
  EXPECT_FALSE(backend_.last_caller.has_value());
  res = call("PUT", "/api/v1/devices/Custom:new", R"({"state":"NOT_INUSE"})", "");
  EXPECT_EQ(res.status, 200) << "an absent Content-Type is taken as JSON";
}

TEST_F(RouterTest, PutDeviceErrors) {
  auto res = call("PUT", "/api/v1/devices/Custom:x", R"({"state":"SLEEPY"})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error(res), "invalid device state \"SLEEPY\"");
  res = call("PUT", "/api/v1/devices/Custom:x", "{nope");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error(res), "malformed JSON");
  res = call("PUT", "/api/v1/devices/Custom:x", R"({"state":5})");
  EXPECT_EQ(res.status, 400);
  res = call("PUT", "/api/v1/devices/Custom:x", "{}");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error(res), "missing member \"state\"");
  res = call("PUT", "/api/v1/devices/Custom:x", R"({"state":"INUSE"})", "text/plain");
  EXPECT_EQ(res.status, 415);
  res = call("PUT", "/api/v1/devices/Custom:x", R"(state=INUSE)",
             "application/x-www-form-urlencoded");
  EXPECT_EQ(res.status, 415);
  EXPECT_EQ(backend_.set_calls, 0);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  struct Case {
    const char* method;
    const char* target;
    const char* allow;
  };
  for (const Case& c : {Case{"POST", "/api/v1/devices", "GET"},
                        Case{"DELETE", "/api/v1/devices/PJSIP%2Falice", "GET, PUT"},
                        Case{"PUT", "/api/v1/extensions/1000", "GET"},
                        Case{"POST", "/api/v1/mailboxes/1@d", "GET, PUT"},
                        Case{"PUT", "/api/v1/cluster", "GET"}, Case{"POST", "/health", "GET"},
                        Case{"DELETE", "/metrics", "GET"}, Case{"PUT", "/api/v1/events", "GET"}}) {
    const auto res = call(c.method, c.target, "{}");
    EXPECT_EQ(res.status, 405) << c.method << " " << c.target;
    EXPECT_EQ(res.allow, c.allow) << c.target;
    EXPECT_FALSE(error(res).empty());
  }
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* target : {"/", "/api", "/api/v1", "/api/v1/device", "/api/v2/devices",
                             "/api/v1/devicesX", "*", "http://x/api/v1/devices", ""}) {
    const auto res = call("GET", target);
    EXPECT_EQ(res.status, 404) << target;
    EXPECT_EQ(error(res), "no such resource");
  }
}

TEST_F(RouterTest, Extensions) {
  auto res = call("GET", "/api/v1/extensions");
  ASSERT_EQ(res.status, 200);
  ASSERT_EQ(body(res).size(), 2u);
  EXPECT_EQ(body(res)[0]["hint"], "PJSIP/alice&Custom:lamp 1");
  res = call("GET", "/api/v1/extensions/1000");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body(res), json::parse(R"({"exten":"1000","hint":"PJSIP/alice&Custom:lamp 1",
      "state":"InUse","presence":"available","display_name":"Alice"})"));
  res = call("GET", "/api/v1/extensions/9999");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(error(res), "unknown extension: 9999");
}

TEST_F(RouterTest, Mailboxes) {
  auto res = call("PUT", "/api/v1/mailboxes/1001%40default", R"({"new":1,"old":4})");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(body(res), json::parse(R"({"mailbox":"1001@default","new":1,"old":4})"));
  EXPECT_EQ(backend_.mailboxes_.at("1001@default").old_messages, 4);
  res = call("GET", "/api/v1/mailboxes");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body(res).size(), 2u);
  res = call("GET", "/api/v1/mailboxes/1000@default");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body(res)["new"], 2);
  EXPECT_EQ(call("GET", "/api/v1/mailboxes/x@y").status, 404);
  EXPECT_EQ(call("PUT", "/api/v1/mailboxes/1@d", R"({"new":-1,"old":0})").status, 400);
  EXPECT_EQ(call("PUT", "/api/v1/mailboxes/1@d", R"({"new":1})").status, 400);
  res = call("PUT", "/api/v1/mailboxes/nocontext", R"({"new":1,"old":0})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error(res), "mailbox must be mailbox@context");
}

TEST_F(RouterTest, Cluster) {
  const auto res = call("GET", "/api/v1/cluster");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body(res), json::parse(R"({"eid":"aa:aa","nodes":[
      {"eid":"aa:aa","devices":2,"last_update":"2024-03-01T12:34:56.789Z","self":true},
      {"eid":"bb:bb","devices":1,"last_update":null,"self":false}]})"));
}

TEST_F(RouterTest, EventsWithoutUpgradeIs426) {
  const auto res = call("GET", "/api/v1/events");
  EXPECT_EQ(res.status, 426);
  EXPECT_FALSE(error(res).empty());
}

TEST_F(RouterTest, BackendThrowIs500) {
  backend_.throw_on_list = true;
  const auto res = call("GET", "/api/v1/devices");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(error(res), "internal error: boom");
}

}  // namespace
}  // namespace pinana::api
