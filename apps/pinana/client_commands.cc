// pinana devstate / hints / cluster / mwi: clients of a running node's HTTP API.
//
// Exit status: 0 on success, 1 when the node answers with an error (its reason is printed),
// 2 when the node cannot be reached or answers with something that is not the API's JSON.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "pinana/api/http_client.h"
#include "pinana/api/url_codec.h"
#include "subcommands.h"

namespace pinana::app {
namespace {

using nlohmann::json;

struct ClientFlags {
  std::string api = "http://127.0.0.1:8088";
  bool json_output = false;
};

void add_common(CLI::App& cmd, ClientFlags& flags) {
  cmd.add_option("--api", flags.api, "base URL of the node's HTTP API")->capture_default_str();
  cmd.add_flag("--json", flags.json_output, "print the node's JSON reply as is");
}

// Performs the request; on success stores the parsed JSON body (null for non-JSON) and returns
// 0, else prints why and returns the exit status.
int call(const ClientFlags& flags, std::string_view method, const std::string& target,
         std::string body, json& out, std::string* raw = nullptr) {
  auto reply = api::http_request(flags.api, method, target, std::move(body));
  if (!reply.ok()) {
    std::cerr << "pinana: " << reply.error().reason << "\n";
    return 2;
  }
  json parsed = json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (reply->status >= 400) {
    if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()) {
      std::cerr << "pinana: " << parsed["error"].get<std::string>() << "\n";
    } else {
      std::cerr << "pinana: HTTP " << reply->status << " from " << flags.api << "\n";
    }
    return 1;
  }
  if (raw) *raw = reply->body;
  if (parsed.is_discarded()) {
    std::cerr << "pinana: " << flags.api << " did not answer with JSON\n";
    return 2;
  }
  out = std::move(parsed);
  return 0;
}

std::string str(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void print_device(const json& device, bool with_nodes) {
  std::printf("%-30s %s\n", str(device, "name").c_str(), str(device, "state").c_str());
  if (!with_nodes || !device.contains("nodes") || !device["nodes"].is_object()) return;
  for (const auto& [eid, state] : device["nodes"].items())
    std::printf("    %-26s %s\n", eid.c_str(),
                state.is_string() ? state.get<std::string>().c_str() : "");
}

std::string device_target(const std::string& name) {
  return "/api/v1/devices/" + api::percent_encode(name);
}

void add_devstate(CLI::App& app, int& rc) {
  auto* devstate = app.add_subcommand("devstate", "read and set device states on a node");
  devstate->require_subcommand(1);

  struct SetFlags : ClientFlags {
    std::string device, state, caller_name, caller_number;
  };
  auto set_flags = std::make_shared<SetFlags>();
  auto* set = devstate->add_subcommand("set", "set a device's state (e.g. Custom:lamp INUSE)");
  set->add_option("DEVICE", set_flags->device, "device name, e.g. Custom:lamp or PJSIP/alice")
      ->required();
  set->add_option("STATE", set_flags->state, "Asterisk device state: NOT_INUSE, INUSE, BUSY, ...")
      ->required();
  set->add_option("--caller-name", set_flags->caller_name, "caller name (with RINGING)");
  set->add_option("--caller-number", set_flags->caller_number, "caller number (with RINGING)");
  add_common(*set, *set_flags);
  set->callback([set_flags, &rc] {
    const SetFlags& f = *set_flags;
    json body{{"state", f.state}};
    if (!f.caller_name.empty() || !f.caller_number.empty())
      body["caller"] = json{{"name", f.caller_name}, {"number", f.caller_number}};
    json reply;
    std::string raw;
    rc = call(f, "PUT", device_target(f.device), body.dump(), reply, &raw);
    if (rc != 0) return;
    if (f.json_output) {
      std::cout << raw << "\n";
    } else {
      print_device(reply, false);
    }
  });

  struct GetFlags : ClientFlags {
    std::string device;
  };
  auto get_flags = std::make_shared<GetFlags>();
  auto* get = devstate->add_subcommand("get", "show a device's cluster state and per-node states");
  get->add_option("DEVICE", get_flags->device, "device name")->required();
  add_common(*get, *get_flags);
  get->callback([get_flags, &rc] {
    json reply;
    std::string raw;
    rc = call(*get_flags, "GET", device_target(get_flags->device), {}, reply, &raw);
    if (rc != 0) return;
    if (get_flags->json_output) {
      std::cout << raw << "\n";
    } else {
      print_device(reply, true);
    }
  });

  auto list_flags = std::make_shared<ClientFlags>();
  auto* list = devstate->add_subcommand("list", "list every device the cluster knows");
  add_common(*list, *list_flags);
  list->callback([list_flags, &rc] {
    json reply;
    std::string raw;
    rc = call(*list_flags, "GET", "/api/v1/devices", {}, reply, &raw);
    if (rc != 0) return;
    if (list_flags->json_output) {
      std::cout << raw << "\n";
      return;
    }
    size_t n = 0;
    if (reply.is_array()) {
      for (const auto& device : reply) {
        print_device(device, false);
        ++n;
      }
    }
    std::printf("%zu device%s\n", n, n == 1 ? "" : "s");
  });
}

void add_hints(CLI::App& app, int& rc) {
  auto flags = std::make_shared<ClientFlags>();
  auto* hints = app.add_subcommand("hints", "list hints and extension states (core show hints)");
  add_common(*hints, *flags);
  hints->callback([flags, &rc] {
    json reply;
    std::string raw;
    rc = call(*flags, "GET", "/api/v1/extensions", {}, reply, &raw);
    if (rc != 0) return;
    if (flags->json_output) {
      std::cout << raw << "\n";
      return;
    }
    size_t n = 0;
    if (reply.is_array()) {
      for (const auto& e : reply) {
        std::string presence = str(e, "presence");
        if (presence.empty()) presence = "not_set";
        std::printf("  %-20s: %-30s State:%-15s Presence:%s\n", str(e, "exten").c_str(),
                    str(e, "hint").c_str(), str(e, "state").c_str(), presence.c_str());
        ++n;
      }
    }
    std::printf("%zu hint%s\n", n, n == 1 ? "" : "s");
  });
}

void add_cluster(CLI::App& app, int& rc) {
  auto flags = std::make_shared<ClientFlags>();
  auto* cluster = app.add_subcommand("cluster", "list the cluster's nodes (* marks this node)");
  add_common(*cluster, *flags);
  cluster->callback([flags, &rc] {
    json reply;
    std::string raw;
    rc = call(*flags, "GET", "/api/v1/cluster", {}, reply, &raw);
    if (rc != 0) return;
    if (flags->json_output) {
      std::cout << raw << "\n";
      return;
    }
    std::printf("  %-24s %8s  %s\n", "EID", "DEVICES", "LAST UPDATE");
    if (!reply.contains("nodes") || !reply["nodes"].is_array()) return;
    for (const auto& node : reply["nodes"]) {
      const bool self = node.value("self", false);
      const auto devices = node.contains("devices") && node["devices"].is_number_unsigned()
                               ? node["devices"].get<uint64_t>()
                               : 0;
      std::string last = str(node, "last_update");
      if (last.empty()) last = "never";
      std::printf("%c %-24s %8llu  %s\n", self ? '*' : ' ', str(node, "eid").c_str(),
                  static_cast<unsigned long long>(devices), last.c_str());
    }
  });
}

void add_mwi(CLI::App& app, int& rc) {
  auto* mwi = app.add_subcommand("mwi", "message-waiting state of mailboxes");
  mwi->require_subcommand(1);
  struct SetFlags : ClientFlags {
    std::string mailbox;
    int new_messages = 0;
    int old_messages = 0;
  };
  auto flags = std::make_shared<SetFlags>();
  auto* set = mwi->add_subcommand("set", "set a mailbox's new and old message counts");
  set->add_option("MAILBOX", flags->mailbox, "mailbox@context")->required();
  set->add_option("NEW", flags->new_messages, "new messages")
      ->required()
      ->check(CLI::NonNegativeNumber);
  set->add_option("OLD", flags->old_messages, "old messages")
      ->required()
      ->check(CLI::NonNegativeNumber);
  add_common(*set, *flags);
  set->callback([flags, &rc] {
    const json body{{"new", flags->new_messages}, {"old", flags->old_messages}};
    json reply;
    std::string raw;
    rc = call(*flags, "PUT", "/api/v1/mailboxes/" + api::percent_encode(flags->mailbox),
              body.dump(), reply, &raw);
    if (rc != 0) return;
    if (flags->json_output) {
      std::cout << raw << "\n";
    } else {
      std::printf("%s: %d new, %d old\n", str(reply, "mailbox").c_str(), reply.value("new", 0),
                  reply.value("old", 0));
    }
  });
}

}  // namespace

void add_client_commands(CLI::App& app, int& rc) {
  add_devstate(app, rc);
  add_hints(app, rc);
  add_cluster(app, rc);
  add_mwi(app, rc);
}

}  // namespace pinana::app
