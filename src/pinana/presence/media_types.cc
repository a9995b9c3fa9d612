#include "pinana/presence/media_types.h"

#include <vector>

#include "pinana/sip/header_values.h"

namespace pinana::presence {

namespace {

std::pair<std::string_view, std::string_view> split_type(std::string_view t) {
  const size_t slash = t.find('/');
  if (slash == std::string_view::npos) return {t, {}};
  return {t.substr(0, slash), t.substr(slash + 1)};
}

// q=0 means "not acceptable" (RFC 3261 §20.1 via RFC 2616 §14.1).
bool q_is_zero(const sip::MediaType& m) {
  std::string_view q = m.params.get("q");
  if (q.empty() || q[0] != '0') return false;
  for (size_t i = 1; i < q.size(); ++i)
    if (q[i] != '.' && q[i] != '0') return false;
  return true;
}

}  // namespace

std::optional<std::string_view> match_content_type(std::string_view content_type,
                                                   std::span<const std::string_view> types) {
  if (content_type.empty()) return std::nullopt;
  auto m = sip::parse_media_type(content_type);
  if (!m.ok() || m->type == "*" || m->subtype == "*") return std::nullopt;
  for (std::string_view t : types) {
    auto [type, subtype] = split_type(t);
    if (m->matches(type, subtype)) return t;
  }
  return std::nullopt;
}

std::optional<std::string_view> negotiate_type(std::span<const std::string_view> accept_values,
                                               std::span<const std::string_view> preferred) {
  if (preferred.empty()) return std::nullopt;
  std::vector<sip::MediaType> ranges;
  bool any_element = false;
  for (std::string_view v : accept_values) {
    sip::for_each_element(v, [&](std::string_view e) {
      if (e.empty()) return true;
      any_element = true;
      auto m = sip::parse_media_type(e);
      if (m.ok()) ranges.push_back(*m);
      return true;
    });
  }
  if (!any_element) return preferred.front();
  // The most specific range that matches a type decides whether it is acceptable (RFC 2616
  // §14.1, which RFC 3261 §20.1 refers to): "a/b;q=0, a/*" refuses a/b but allows a/c.
  for (std::string_view t : preferred) {
    auto [type, subtype] = split_type(t);
    int best = -1;
    bool acceptable = false;
    for (const sip::MediaType& r : ranges) {
      if (!r.matches(type, subtype)) continue;
      const int specificity = r.type == "*" ? 0 : (r.subtype == "*" ? 1 : 2);
      if (specificity > best) {
        best = specificity;
        acceptable = !q_is_zero(r);
      }
    }
    if (acceptable) return t;
  }
  return std::nullopt;
}

std::string join_types(std::span<const std::string_view> types) {
  std::string out;
  for (std::string_view t : types) {
    if (!out.empty()) out.append(", ");
    out.append(t);
  }
  return out;
}

const ExpiryOverride* find_override(const std::map<std::string, ExpiryOverride, std::less<>>& m,
                                    std::string_view package) {
  auto it = m.find(package);
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace pinana::presence
