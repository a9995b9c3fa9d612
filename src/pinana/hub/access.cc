#include "pinana/hub/access.h"

#include <algorithm>

#include "pinana/sip/charset.h"

namespace pinana::hub {

const HubUser* find_user(const std::vector<HubUser>& users, std::string_view name) {
  for (const auto& u : users)
    if (u.name == name) return &u;
  return nullptr;
}

namespace {

bool uri_matches(std::string_view pattern, const sip::Uri& uri) {
  if (pattern == "*") return true;
  const size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) return false;
  auto scheme = pattern.substr(0, colon);
  if (!sip::chars::iequals(scheme, "sip") && !sip::chars::iequals(scheme, "sips")) return false;
  if (!uri.is_sip()) return false;
  auto rest = pattern.substr(colon + 1);
  const size_t at = rest.find('@');
  if (at == std::string_view::npos) return false;
  auto user = rest.substr(0, at);
  auto host = rest.substr(at + 1);
  if (!sip::chars::iequals(host, uri.host)) return false;
  return user == "*" || user == uri.user;
}

}  // namespace

bool permits(const AccessRule& rule, const sip::Uri& uri, std::string_view package) {
  const bool pkg = std::any_of(rule.packages.begin(), rule.packages.end(),
                               [&](const std::string& p) { return p == "*" || p == package; });
  if (!pkg) return false;
  return std::any_of(rule.presentities.begin(), rule.presentities.end(),
                     [&](const std::string& p) { return uri_matches(p, uri); });
}

}  // namespace pinana::hub
