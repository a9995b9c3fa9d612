#include "pinana/presence/packages/dialog/dialog_info_document.h"

#include <array>
#include <set>
#include <string>
#include <utility>

namespace pinana::presence::packages::dialog {
namespace {

using common::XmlElement;

constexpr std::array<std::string_view, 5> kStates{"trying", "proceeding", "early", "confirmed",
                                                  "terminated"};
constexpr std::array<std::string_view, 7> kEvents{"cancelled",  "rejected", "replaced", "local-bye",
                                                  "remote-bye", "error",    "timeout"};

template <size_t N>
bool one_of(std::string_view v, const std::array<std::string_view, N>& set) {
  for (std::string_view s : set)
    if (s == v) return true;
  return false;
}

bool is_digits(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

Status check_dialog(const XmlElement& d) {
  if (const std::string* dir = d.attribute("direction");
      dir != nullptr && *dir != "initiator" && *dir != "recipient")
    return Error{400, "dialog direction is neither initiator nor recipient"};
  size_t states = 0;
  size_t durations = 0;
  for (const XmlElement& c : d.children) {
    if (c.is(kDialogInfoNamespace, "state")) {
      ++states;
      const std::string text = c.text_content();
      if (!one_of(common::trim_xml_space(text), kStates))
        return Error{400, "unknown dialog state \"" + text + "\""};
      if (const std::string* ev = c.attribute("event"); ev != nullptr && !one_of(*ev, kEvents))
        return Error{400, "unknown dialog state event \"" + *ev + "\""};
      if (const std::string* code = c.attribute("code");
          code != nullptr && (!is_digits(*code, 3) || (*code)[0] < '1' || (*code)[0] > '6'))
        return Error{400, "dialog state code is not a response code"};
    } else if (c.is(kDialogInfoNamespace, "duration")) {
      ++durations;
      const std::string text = c.text_content();
      if (!is_digits(common::trim_xml_space(text), 20))
        return Error{400, "dialog duration is not a non-negative integer"};
    }
  }
  if (states != 1) return Error{400, "dialog needs exactly one <state>"};
  if (durations > 1) return Error{400, "dialog has more than one <duration>"};
  return Status::Ok();
}

void put_dialog(std::vector<DialogItem>& list, DialogItem item) {
  for (DialogItem& d : list) {
    if (d.id == item.id) {
      d = std::move(item);
      return;
    }
  }
  list.push_back(std::move(item));
}

}  // namespace

Result<std::unique_ptr<DialogInfoDocument>> parse_dialog_info(std::string_view body,
                                                              const DialogInfoDocument* previous) {
  auto tree = common::parse_xml_tree(body);
  if (!tree) return tree.error();
  XmlElement& root = *tree;
  if (root.local != "dialog-info") return Error{400, "root element is not <dialog-info>"};
  if (root.ns != kDialogInfoNamespace)
    return Error{400, "<dialog-info> is not in the dialog-info namespace"};
  const std::string* version = root.attribute("version");
  if (version == nullptr || !is_digits(common::trim_xml_space(*version), 20))
    return Error{400, "<dialog-info> version is missing or not a non-negative integer"};
  const std::string* state = root.attribute("state");
  if (state == nullptr || (*state != "full" && *state != "partial"))
    return Error{400, "<dialog-info> state is neither full nor partial"};
  const std::string* entity = root.attribute("entity");
  if (entity == nullptr || !common::looks_like_uri(*entity))
    return Error{400, "<dialog-info> entity is missing or not a URI"};

  auto doc = std::make_unique<DialogInfoDocument>();
  doc->entity = *entity;
  std::set<std::string, std::less<>> ids;
  for (XmlElement& child : root.children) {
    if (!child.is_element()) continue;
    if (!child.is(kDialogInfoNamespace, "dialog")) {
      doc->extensions.push_back(std::move(child));
      continue;
    }
    const std::string* id = child.attribute("id");
    if (id == nullptr || id->empty()) return Error{400, "<dialog> without an id"};
    if (!ids.insert(*id).second) return Error{400, "duplicate dialog id \"" + *id + "\""};
    if (Status s = check_dialog(child); !s) return s.error();
    doc->dialogs.push_back(DialogItem{*id, std::move(child)});
  }

  if (*state == "partial" && previous != nullptr) {
    auto merged = std::make_unique<DialogInfoDocument>();
    merged->entity = doc->entity;
    merged->dialogs = previous->dialogs;
    for (DialogItem& d : doc->dialogs) put_dialog(merged->dialogs, std::move(d));
    merged->extensions =
        doc->extensions.empty() ? previous->extensions : std::move(doc->extensions);
    return merged;
  }
  return doc;
}

}  // namespace pinana::presence::packages::dialog
