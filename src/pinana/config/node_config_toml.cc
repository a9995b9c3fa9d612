// load_node_config / parse_node_config: the node's TOML file (docs/node-config.md) into a
// NodeConfig.
//
// toml++ reports syntax errors by exception; that is allowed here because this runs once at
// start-up, and the exception is turned into an Error at once. Every other problem is found by
// walking the parsed tree, so each message names the file, the line of the offending node and the
// key path ("hints.1000"). The reader stops at the first problem: the operator fixes one thing at a
// time.
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <set>

#include "pinana/config/extensions_conf.h"
#include "pinana/config/node_config.h"
#include "pinana/config/read_text_file.h"
#include "pinana/config/toml_type_name.h"
#include "pinana/config/values.h"

namespace pinana::config {
namespace {

// A key as written in a path: bare when TOML would accept it bare, quoted otherwise.
std::string key_text(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? std::string(key) : "\"" + std::string(key) + "\"";
}

// Entries of a table in the order they appear in the file (toml++ keeps them sorted by key).
std::vector<std::pair<const toml::key*, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<const toml::key*, const toml::node*>> out;
  for (auto&& [k, v] : t) out.emplace_back(&k, &v);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto& x = a.second->source().begin;
    const auto& y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  return out;
}

class NodeConfigReader {
 public:
  explicit NodeConfigReader(const std::string& name) : name_(name) {}

  Result<NodeConfig> read(const toml::table& root);

 private:
  Error fail(const toml::source_region& where, const std::string& what) const {
    return Error{0, name_ + ":" + std::to_string(where.begin.line) + ": " + what};
  }
  Error fail(const toml::node& at, const std::string& what) const {
    return fail(at.source(), what);
  }
  Error unknown_key(const toml::key& key, const toml::node& value, const std::string& path) const {
    // Keys parsed from text carry their own position; fall back to the value's.
    const auto& where = key.source().begin.line ? key.source() : value.source();
    return fail(where, "unknown key " + path);
  }
  Error wrong_type(const toml::node& at, const std::string& path, const char* expected) const {
    return fail(at, path + ": expected " + expected + ", got " + toml_type_name(at));
  }
  // "PATH: "VALUE": reason", for a string value that failed its check.
  Error bad_value(const toml::node& at, const std::string& path, const std::string& value,
                  const Status& s) const {
    return fail(at, path + ": \"" + value + "\": " + s.error().reason);
  }
  std::string origin(const toml::node& at) const {
    return name_ + ":" + std::to_string(at.source().begin.line);
  }

  Status read_string(const toml::node& n, const std::string& path, std::string& out) const;
  // A string, then `check` on it.
  Status read_checked(const toml::node& n, const std::string& path, std::string& out,
                      const std::function<Status(std::string_view)>& check) const;
  Status read_expires(const toml::node& n, const std::string& path, uint32_t& out) const;
  Status read_credentials(const toml::node& n, NodeConfig& config) const;
  Status read_hints(const toml::node& n, NodeConfig& config) const;
  Status read_devices(const toml::node& n, NodeConfig& config) const;
  // An array of strings, each passing `check`.
  Status read_string_list(const toml::node& n, const std::string& path,
                          std::vector<std::string>& out,
                          const std::function<Status(std::string_view)>& check) const;
  Status read_asterisk(const toml::node& n, NodeConfig& config) const;
  Status merge_extensions_conf(const toml::node& at, NodeConfig& config) const;

  const std::string& name_;
};

Status NodeConfigReader::read_string(const toml::node& n, const std::string& path,
                                     std::string& out) const {
  const auto* s = n.as_string();
  if (!s) return wrong_type(n, path, "a string");
  out = s->get();
  return {};
}

Status NodeConfigReader::read_checked(const toml::node& n, const std::string& path,
                                      std::string& out,
                                      const std::function<Status(std::string_view)>& check) const {
  if (auto s = read_string(n, path, out); !s) return s;
  if (auto s = check(out); !s) return bad_value(n, path, out, s);
  return {};
}

Status NodeConfigReader::read_expires(const toml::node& n, const std::string& path,
                                      uint32_t& out) const {
  const auto* i = n.as_integer();
  if (!i) return wrong_type(n, path, "an integer");
  if (auto s = check_expires(i->get()); !s) return fail(n, path + ": " + s.error().reason);
  out = static_cast<uint32_t>(i->get());
  return {};
}

Status NodeConfigReader::read_credentials(const toml::node& n, NodeConfig& config) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, "credentials", "a table");
  for (auto [k, v] : in_file_order(*t)) {
    const std::string path = "credentials." + key_text(k->str());
    std::optional<std::string>* out = nullptr;
    if (k->str() == "username") {
      out = &config.username;
    } else if (k->str() == "password") {
      out = &config.password;
    } else {
      return unknown_key(*k, *v, path);
    }
    std::string text;
    if (auto s = read_string(*v, path, text); !s) return s;
    if (text.empty()) return fail(*v, path + ": must not be empty");
    *out = std::move(text);
  }
  if (config.username.has_value() != config.password.has_value()) {
    return fail(n, config.username ? "credentials: username without password"
                                   : "credentials: password without username");
  }
  return {};
}

Status NodeConfigReader::read_hints(const toml::node& n, NodeConfig& config) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, "hints", "a table");
  for (auto [k, v] : in_file_order(*t)) {
    const std::string exten(k->str());
    const std::string path = "hints." + key_text(exten);
    if (auto s = check_exten(exten); !s) return fail(*v, path + ": " + s.error().reason);
    HintSpec hint{exten, "", origin(*v)};
    if (auto s = read_checked(*v, path, hint.value, check_hint_value); !s) return s;
    config.hints.push_back(std::move(hint));
  }
  return {};
}

Status NodeConfigReader::read_devices(const toml::node& n, NodeConfig& config) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, "devices", "a table");
  for (auto [k, v] : in_file_order(*t)) {
    const std::string device(k->str());
    const std::string path = "devices." + key_text(device);
    if (auto s = check_device_name(device); !s) return fail(*v, path + ": " + s.error().reason);
    std::string state;
    if (auto s = read_string(*v, path, state); !s) return s;
    auto canonical = canonical_device_state(state);
    if (!canonical.ok()) return fail(*v, path + ": " + canonical.error().reason);
    config.devices.emplace_back(device, std::move(canonical).value());
  }
  return {};
}

Status NodeConfigReader::read_string_list(
    const toml::node& n, const std::string& path, std::vector<std::string>& out,
    const std::function<Status(std::string_view)>& check) const {
  const auto* a = n.as_array();
  if (!a) return wrong_type(n, path, "an array of strings");
  for (size_t i = 0; i < a->size(); ++i) {
    std::string text;
    if (auto s = read_checked(*a->get(i), path + "[" + std::to_string(i) + "]", text, check); !s)
      return s;
    out.push_back(std::move(text));
  }
  return {};
}

Status NodeConfigReader::read_asterisk(const toml::node& n, NodeConfig& config) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, "asterisk", "a table");
  for (auto [k, v] : in_file_order(*t)) {
    const std::string path = "asterisk." + key_text(k->str());
    if (k->str() != "extensions_conf") return unknown_key(*k, *v, path);
    std::string file;
    if (auto s = read_string(*v, path, file); !s) return s;
    if (file.empty()) return fail(*v, path + ": must not be empty");
    std::filesystem::path p(file);
    if (p.is_relative()) p = std::filesystem::path(name_).parent_path() / p;
    config.extensions_conf = p.string();
  }
  return {};
}

Status NodeConfigReader::merge_extensions_conf(const toml::node& at, NodeConfig& config) const {
  const std::string& file = *config.extensions_conf;
  // A file that cannot be read is the TOML line's fault; errors inside it name their own lines.
  // (Reading it twice costs little: extensions.conf files are small and this runs once.)
  if (auto probe = read_text_file(file); !probe.ok())
    return fail(at, "asterisk.extensions_conf: " + probe.error().reason);
  auto loaded = load_extensions_conf(file);
  if (!loaded.ok()) return loaded.error();
  std::set<std::string, std::less<>> from_toml;
  for (const HintSpec& h : config.hints) from_toml.insert(h.exten);
  for (HintSpec& h : *loaded) {
    if (!from_toml.contains(h.exten)) config.hints.push_back(std::move(h));
  }
  return {};
}

Result<NodeConfig> NodeConfigReader::read(const toml::table& root) {
  NodeConfig config;
  const toml::node* asterisk = nullptr;
  for (auto [k, v] : in_file_order(root)) {
    const std::string key(k->str());
    Status s;
    std::string text;
    if (key == "eid") {
      s = read_checked(*v, key, text, check_eid);
      if (s) config.eid = text;
    } else if (key == "hub") {
      s = read_checked(*v, key, config.hub, [](std::string_view t) -> Status {
        if (auto r = parse_hub_uri(t); !r.ok()) return r.error();
        return {};
      });
    } else if (key == "listen") {
      s = read_checked(*v, key, config.listen, [](std::string_view t) -> Status {
        if (auto r = parse_listen(t); !r.ok()) return r.error();
        return {};
      });
    } else if (key == "api") {
      s = read_checked(*v, key, config.api, check_api);
    } else if (key == "domain") {
      s = read_checked(*v, key, config.domain, check_domain);
    } else if (key == "profile") {
      s = read_string(*v, key, config.profile);
      if (s) {
        if (auto c = check_profile(config.profile); !c)
          return fail(*v, "profile: " + c.error().reason);
      }
    } else if (key == "publish_expires") {
      s = read_expires(*v, key, config.publish_expires);
    } else if (key == "subscribe_expires") {
      s = read_expires(*v, key, config.subscribe_expires);
    } else if (key == "log_level") {
      s = read_string(*v, key, config.log_level);
      if (s) {
        if (auto c = check_log_level(config.log_level); !c)
          return fail(*v, "log_level: " + c.error().reason);
      }
    } else if (key == "credentials") {
      s = read_credentials(*v, config);
    } else if (key == "hints") {
      s = read_hints(*v, config);
    } else if (key == "devices") {
      s = read_devices(*v, config);
    } else if (key == "watch_devices") {
      s = read_string_list(*v, key, config.watch_devices, check_watch_device);
    } else if (key == "watch_mailboxes") {
      s = read_string_list(*v, key, config.watch_mailboxes, check_mailbox);
    } else if (key == "asterisk") {
      s = read_asterisk(*v, config);
      asterisk = v;
    } else {
      return unknown_key(*k, *v, key_text(key));
    }
    if (!s) return s.error();
  }
  if (config.extensions_conf) {
    const toml::node& at = *asterisk->as_table()->get("extensions_conf");
    if (auto s = merge_extensions_conf(at, config); !s) return s.error();
  }
  return config;
}

}  // namespace

Result<NodeConfig> parse_node_config(std::string_view toml, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(toml, std::string_view(name));
  } catch (const toml::parse_error& e) {
    return Error{0, name + ":" + std::to_string(e.source().begin.line) + ":" +
                        std::to_string(e.source().begin.column) + ": " +
                        std::string(e.description())};
  }
  return NodeConfigReader(name).read(root);
}

Result<NodeConfig> load_node_config(const std::string& path) {
  auto text = read_text_file(path);
  if (!text.ok()) return text.error();
  return parse_node_config(*text, path);
}

}  // namespace pinana::config
