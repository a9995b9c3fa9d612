// load_hub_config / parse_hub_config: the hub's TOML file (docs/hub-config.md) into a HubConfig.
//
// toml++ reports syntax errors by exception; that is allowed here because this runs once at
// start-up, and the exception is turned into an Error at once. Every other problem is found by
// walking the parsed tree, so each message can name the file, the line of the offending node and
// the key path ("users[1].publish.packages").
#include <toml++/toml.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "pinana/config/toml_type_name.h"
#include "pinana/hub/listen_spec.h"
#include "pinana/presence/packages/register_all.h"

namespace pinana::hub {
namespace {

// Walks one document. Each read_* function returns the first problem it finds as an Error; the
// reader stops at that first problem so the operator fixes one thing at a time.
class ConfigReader {
 public:
  explicit ConfigReader(const std::string& name) : name_(name) {}

  Result<HubConfig> read(const toml::table& root);

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
    return fail(where, "unknown key \"" + path + "\"");
  }
  Error wrong_type(const toml::node& at, const std::string& path, const char* expected) const {
    return fail(at, path + ": expected " + expected + ", got " + config::toml_type_name(at));
  }

  Status read_u32(const toml::node& n, const std::string& path, uint32_t& out) const;
  Status read_string(const toml::node& n, const std::string& path, std::string& out) const;
  Status read_strings(const toml::node& n, const std::string& path,
                      std::vector<std::string>& out) const;
  Status read_listen(const toml::node& n, HubConfig& config) const;
  Status read_packages(const toml::node& n, HubConfig& config) const;
  Status read_users(const toml::node& n, HubConfig& config) const;
  Status read_user(const toml::node& n, const std::string& path, HubUser& user) const;
  Status read_rule(const toml::node& n, const std::string& path, AccessRule& rule) const;

  const std::string& name_;
  // Where min/max_expires were set, to point at them when they contradict each other.
  const toml::node* min_node_ = nullptr;
  const toml::node* max_node_ = nullptr;
};

Status ConfigReader::read_u32(const toml::node& n, const std::string& path, uint32_t& out) const {
  const auto* i = n.as_integer();
  if (!i) return wrong_type(n, path, "an integer");
  const int64_t v = i->get();
  if (v < 0) return fail(n, path + ": must not be negative (got " + std::to_string(v) + ")");
  if (v > int64_t{std::numeric_limits<uint32_t>::max()})
    return fail(n, path + ": " + std::to_string(v) + " is too large (at most 4294967295)");
  out = static_cast<uint32_t>(v);
  return {};
}

Status ConfigReader::read_string(const toml::node& n, const std::string& path,
                                 std::string& out) const {
  const auto* s = n.as_string();
  if (!s) return wrong_type(n, path, "a string");
  out = s->get();
  return {};
}

Status ConfigReader::read_strings(const toml::node& n, const std::string& path,
                                  std::vector<std::string>& out) const {
  const auto* a = n.as_array();
  if (!a) return wrong_type(n, path, "an array of strings");
  out.clear();
  for (size_t i = 0; i < a->size(); ++i) {
    const auto* s = (*a)[i].as_string();
    if (!s) return wrong_type((*a)[i], path + "[" + std::to_string(i) + "]", "a string");
    out.push_back(s->get());
  }
  return {};
}

Status ConfigReader::read_listen(const toml::node& n, HubConfig& config) const {
  std::vector<std::string> texts;
  if (auto s = read_strings(n, "listen", texts); !s) return s;
  if (texts.empty()) return fail(n, "listen: expected at least one address");
  config.listen.clear();
  const auto& elems = *n.as_array();
  for (size_t i = 0; i < texts.size(); ++i) {
    auto spec = parse_listen(texts[i]);
    if (!spec.ok()) {
      return fail(elems[i], "listen[" + std::to_string(i) + "]: \"" + texts[i] +
                                "\": " + spec.error().reason);
    }
    config.listen.push_back(spec.value());
  }
  return {};
}

Status ConfigReader::read_packages(const toml::node& n, HubConfig& config) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, "packages", "a table");
  for (auto&& [key, value] : *t) {
    const std::string package(key.str());
    const std::string path = "packages." + package;
    const auto* pt = value.as_table();
    if (!pt) return wrong_type(value, path, "a table");
    bool known = false;
    std::string names;
    for (const auto& p : presence::packages::make_all_packages()) {
      known = known || p->name() == package;
      names.append(names.empty() ? "" : ", ").append(p->name());
    }
    if (!known) return fail(value, path + ": unknown event package (known: " + names + ")");
    ExpiryBoundsConfig bounds;
    const toml::node* min_at = nullptr;
    const toml::node* max_at = nullptr;
    for (auto&& [k, v] : *pt) {
      if (k == "min_expires") {
        if (auto s = read_u32(v, path + ".min_expires", bounds.min_s); !s) return s;
        min_at = &v;
      } else if (k == "max_expires") {
        if (auto s = read_u32(v, path + ".max_expires", bounds.max_s); !s) return s;
        max_at = &v;
      } else {
        return unknown_key(k, v, path + "." + std::string(k.str()));
      }
    }
    // 0 leaves the hub-wide bound in force, so compare the bounds that will apply.
    const uint32_t min = bounds.min_s ? bounds.min_s : config.min_expires;
    const uint32_t max = bounds.max_s ? bounds.max_s : config.max_expires;
    if (min > max) {
      const toml::node& at = min_at ? *min_at : max_at ? *max_at : value;
      return fail(at, path + ": min_expires (" + std::to_string(min) + ") is above max_expires (" +
                          std::to_string(max) + ")");
    }
    config.package_expiry[package] = bounds;
  }
  return {};
}

Status ConfigReader::read_rule(const toml::node& n, const std::string& path,
                               AccessRule& rule) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, path, "a table");
  for (auto&& [k, v] : *t) {
    const std::string sub = path + "." + std::string(k.str());
    if (k == "presentities") {
      if (auto s = read_strings(v, sub, rule.presentities); !s) return s;
      // A pattern the matcher can never accept is a typo; say so now rather than deny silently.
      for (size_t i = 0; i < rule.presentities.size(); ++i) {
        const std::string& p = rule.presentities[i];
        const bool scheme = p.starts_with("sip:") || p.starts_with("sips:");
        const size_t at = p.find('@');
        if (p != "*" && (!scheme || at == std::string::npos || at + 1 == p.size())) {
          return fail((*v.as_array())[i], sub + "[" + std::to_string(i) + "]: \"" + p +
                                              "\" is not \"*\", \"sip:*@DOMAIN\" or "
                                              "\"sip:USER@DOMAIN\"");
        }
      }
    } else if (k == "packages") {
      if (auto s = read_strings(v, sub, rule.packages); !s) return s;
    } else {
      return unknown_key(k, v, sub);
    }
  }
  return {};
}

Status ConfigReader::read_user(const toml::node& n, const std::string& path, HubUser& user) const {
  const auto* t = n.as_table();
  if (!t) return wrong_type(n, path, "a table");
  const toml::node* name_at = nullptr;
  const toml::node* password_at = nullptr;
  for (auto&& [k, v] : *t) {
    const std::string sub = path + "." + std::string(k.str());
    Status s;
    if (k == "name") {
      s = read_string(v, sub, user.name);
      name_at = &v;
    } else if (k == "password") {
      s = read_string(v, sub, user.password);
      password_at = &v;
    } else if (k == "publish") {
      s = read_rule(v, sub, user.publish);
    } else if (k == "subscribe") {
      s = read_rule(v, sub, user.subscribe);
    } else {
      return unknown_key(k, v, sub);
    }
    if (!s) return s;
  }
  if (!name_at) return fail(n, path + ": missing \"name\"");
  if (user.name.empty()) return fail(*name_at, path + ".name: must not be empty");
  if (!password_at) return fail(n, path + ": missing \"password\"");
  if (user.password.empty()) return fail(*password_at, path + ".password: must not be empty");
  return {};
}

Status ConfigReader::read_users(const toml::node& n, HubConfig& config) const {
  const auto* a = n.as_array();
  if (!a) return wrong_type(n, "users", "an array of tables ([[users]])");
  config.users.clear();
  std::map<std::string, uint32_t, std::less<>> seen;  // name -> line
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string path = "users[" + std::to_string(i) + "]";
    HubUser user;
    if (auto s = read_user((*a)[i], path, user); !s) return s;
    const toml::node& name_node = *(*a)[i].as_table()->get("name");
    auto [it, fresh] = seen.try_emplace(user.name, name_node.source().begin.line);
    if (!fresh) {
      return fail(name_node, path + ".name: duplicate user \"" + user.name + "\" (first at line " +
                                 std::to_string(it->second) + ")");
    }
    config.users.push_back(std::move(user));
  }
  return {};
}

Result<HubConfig> ConfigReader::read(const toml::table& root) {
  HubConfig config;
  // [packages] is checked against the hub-wide bounds, so it is read after the other keys.
  const toml::node* packages = nullptr;
  const toml::node* log_level = nullptr;
  for (auto&& [k, v] : root) {
    const std::string key(k.str());
    Status s;
    if (key == "listen") {
      s = read_listen(v, config);
    } else if (key == "domains") {
      s = read_strings(v, key, config.domains);
    } else if (key == "min_expires") {
      s = read_u32(v, key, config.min_expires);
      min_node_ = &v;
    } else if (key == "max_expires") {
      s = read_u32(v, key, config.max_expires);
      max_node_ = &v;
    } else if (key == "http") {
      s = read_string(v, key, config.http);
      if (s && !config.http.empty()) {
        // The same ADDR:PORT grammar as a listen spec, so reuse its parser and its reasons.
        if (auto spec = parse_listen("tcp:" + config.http); !spec.ok())
          return fail(v, "http: \"" + config.http + "\": " + spec.error().reason);
      }
    } else if (key == "realm") {
      s = read_string(v, key, config.realm);
      if (s && config.realm.empty()) return fail(v, "realm: must not be empty");
    } else if (key == "log_level") {
      s = read_string(v, key, config.log_level);
      log_level = &v;
    } else if (key == "max_subscriptions_per_source") {
      s = read_u32(v, key, config.max_subscriptions_per_source);
    } else if (key == "max_requests_per_second_per_source") {
      s = read_u32(v, key, config.max_requests_per_second_per_source);
    } else if (key == "retry_after") {
      s = read_u32(v, key, config.retry_after_s);
    } else if (key == "packages") {
      packages = &v;
    } else if (key == "users") {
      s = read_users(v, config);
    } else {
      return unknown_key(k, v, key);
    }
    if (!s) return s.error();
  }
  if (log_level) {
    const std::string& l = config.log_level;
    if (l != "error" && l != "warn" && l != "info" && l != "debug")
      return fail(*log_level,
                  "log_level: unknown level \"" + l + "\" (error, warn, info or debug)");
  }
  if (config.max_expires == 0) return fail(*max_node_, "max_expires: must be at least 1");
  if (config.min_expires > config.max_expires) {
    const toml::node& at = min_node_ ? *min_node_ : *max_node_;
    return fail(at, "min_expires (" + std::to_string(config.min_expires) +
                        ") is above max_expires (" + std::to_string(config.max_expires) + ")");
  }
  if (packages) {
    if (auto s = read_packages(*packages, config); !s) return s.error();
  }
  return config;
}

}  // namespace

Result<HubConfig> parse_hub_config(std::string_view toml, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(toml, std::string_view(name));
  } catch (const toml::parse_error& e) {
    return Error{0, name + ":" + std::to_string(e.source().begin.line) + ": " +
                        std::string(e.description())};
  }
  return ConfigReader(name).read(root);
}

Result<HubConfig> load_hub_config(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{0, path + ": cannot open: " + std::strerror(errno)};
  std::string text;
  char chunk[8192];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) text.append(chunk, n);
  // fopen succeeds on a directory; the read is what fails (EISDIR).
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) return Error{0, path + ": cannot read: " + std::strerror(err)};
  return parse_hub_config(text, path);
}

}  // namespace pinana::hub
