// TextPackage: a test-only event package ("text-test", text/plain) whose document is the PUBLISH
// body and whose NOTIFY body is the bodies of all live publications joined by "|", oldest first.
// It counts renders and note_change calls so tests can see what the core asked of it. Not
// thread-safe; tests only.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pinana/presence/event_package.h"

namespace pinana::presence::testing {

class TextDocument final : public Document {
 public:
  explicit TextDocument(std::string text) : text(std::move(text)) {}
  std::unique_ptr<Document> clone() const override { return std::make_unique<TextDocument>(*this); }
  std::string text;
};

// Records every change the core reported to one watcher.
class TextWatcher final : public WatcherState {
 public:
  std::vector<ChangeKind> changes;
};

class TextPackage final : public EventPackage {
 public:
  explicit TextPackage(std::string name = "text-test") : name_(std::move(name)) {}

  std::string_view name() const override { return name_; }
  std::span<const std::string_view> publish_types() const override {
    return publishable ? std::span<const std::string_view>(publish_types_)
                       : std::span<const std::string_view>();
  }
  std::span<const std::string_view> notify_types() const override { return notify_types_; }
  ExpiryBounds publication_expiry() const override { return publication_bounds; }
  ExpiryBounds subscription_expiry() const override { return subscription_bounds; }

  Result<std::unique_ptr<Document>> parse(std::string_view, std::string_view body,
                                          const Document*) const override {
    if (body == "invalid") return Error{400, "invalid text document"};
    return std::unique_ptr<Document>(std::make_unique<TextDocument>(std::string(body)));
  }

  std::unique_ptr<WatcherState> new_watcher_state() const override {
    return std::make_unique<TextWatcher>();
  }

  void note_change(const PublicationChange& change, WatcherState* watcher) const override {
    ++note_changes;
    if (auto* w = dynamic_cast<TextWatcher*>(watcher)) w->changes.push_back(change.kind);
  }

  std::optional<Body> render(const ResourceView& resource, std::string_view type, WatcherState*,
                             bool) const override {
    ++renders;
    Body b;
    b.content_type = std::string(type);
    for (const PublicationView& p : resource.publications) {
      if (!b.text.empty()) b.text.push_back('|');
      b.text.append(static_cast<const TextDocument&>(p.document).text);
    }
    return b;
  }

  bool publishable = true;
  bool watcher_specific = false;
  bool per_watcher() const override { return watcher_specific; }
  ExpiryBounds publication_bounds{3600, 60, 7200};
  ExpiryBounds subscription_bounds{3600, 60, 7200};
  mutable int renders = 0;
  mutable int note_changes = 0;

 private:
  std::string name_;
  std::array<std::string_view, 1> publish_types_{"text/plain"};
  std::array<std::string_view, 2> notify_types_{"text/plain", "application/x-text-test"};
};

}  // namespace pinana::presence::testing
