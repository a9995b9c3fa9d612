#include "pinana/presence/resource_uri.h"

#include <cctype>

namespace pinana::presence {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool host_served(std::string_view host, const PresenceConfig& config) {
  for (const auto& d : config.domains)
    if (iequals(host, d)) return true;
  for (const auto& a : config.local_addresses)
    if (iequals(host, a)) return true;
  return false;
}

}  // namespace

std::optional<std::string> served_resource(const sip::Uri& uri, const PresenceConfig& config) {
  if (!uri.is_sip() || !uri.has_user || uri.user.empty()) return std::nullopt;
  if (!host_served(uri.host_address(), config)) return std::nullopt;
  std::string out = "sip:";
  out.append(uri.user).push_back('@');
  // IPv6 keeps its brackets, so the result is still a URI.
  for (char c : uri.host)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace pinana::presence
