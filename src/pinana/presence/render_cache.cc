#include "pinana/presence/render_cache.h"

namespace pinana::presence {

const std::optional<Body>& RenderCache::get(const ResourceKey& resource, const ResourceView& view,
                                            const EventPackage& package, std::string_view type,
                                            bool full) {
  Entry& e = entries_[resource];
  if (e.version != view.version || e.bodies.empty()) {
    e.version = view.version;
    e.bodies.clear();
  }
  for (const Rendered& r : e.bodies)
    if (r.full == full && r.type == type) return r.body;
  ++renders_;
  e.bodies.push_back(Rendered{std::string(type), full, package.render(view, type, nullptr, full)});
  return e.bodies.back().body;
}

}  // namespace pinana::presence
