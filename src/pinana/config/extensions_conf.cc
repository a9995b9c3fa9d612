// The extensions.conf reader. It follows Asterisk's config parser (main/config.c) and dialplan
// loader (pbx/pbx_config.c) as far as hints need: comments, contexts, "exten"/"same" lines and
// #include; everything that is not a hint is skipped without a look at its meaning.
#include "pinana/config/extensions_conf.h"

#include <cctype>
#include <filesystem>
#include <map>

#include "pinana/config/read_text_file.h"
#include "pinana/config/values.h"

namespace pinana::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Removes ";" comments and ";-- --;" block comments (which nest and span lines; `depth` carries
// the nesting from line to line). "\;" is a literal semicolon.
std::string strip_comments(std::string_view raw, int& depth) {
  std::string out;
  size_t i = 0;
  while (i < raw.size()) {
    const std::string_view rest = raw.substr(i);
    if (rest.starts_with(";--")) {
      ++depth;
      i += 3;
    } else if (depth > 0) {
      if (rest.starts_with("--;")) {
        --depth;
        i += 3;
      } else {
        ++i;
      }
    } else if (rest.starts_with("\\;")) {
      out += ';';
      i += 2;
    } else if (rest.front() == ';') {
      break;
    } else {
      out += rest.front();
      ++i;
    }
  }
  return out;
}

std::string canonical_of(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? p.lexically_normal().string() : c.string();
}

class ExtensionsConfReader {
 public:
  // Reads `path`, whose lines start in `context` (an included file continues its includer's).
  Status read_file(const std::string& path, const std::string& context);
  std::vector<HintSpec> take() && { return std::move(hints_); }

 private:
  Status on_include(std::string_view directive, std::string_view arg, const std::string& path,
                    const std::string& where, const std::string& context);
  Status on_hint(const std::string& exten, std::string_view value, const std::string& context,
                 const std::string& origin);

  struct Seen {
    size_t index;         // into hints_
    std::string context;  // where it was defined
  };
  // Files being read, outermost first: canonical paths to find cycles, and paths as written.
  std::vector<std::string> canonical_stack_;
  std::vector<std::string> path_stack_;
  std::vector<HintSpec> hints_;
  std::map<std::string, Seen, std::less<>> seen_;
};

Status ExtensionsConfReader::read_file(const std::string& path, const std::string& initial) {
  auto text = read_text_file(path);
  if (!text.ok()) return text.error();
  canonical_stack_.push_back(canonical_of(path));
  path_stack_.push_back(path);
  std::string context = initial;
  std::string last_exten;  // what "same" refers to
  int depth = 0;
  size_t line_no = 0;
  std::string_view rest = *text;
  Status status;
  while (status && !rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view raw = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const std::string line = strip_comments(raw, depth);
    const std::string_view t = trim(line);
    const std::string where = path + ":" + std::to_string(line_no);
    if (t.empty()) continue;
    if (t.front() == '#') {
      size_t end = 1;
      while (end < t.size() && std::isalpha(static_cast<unsigned char>(t[end]))) ++end;
      status = on_include(t.substr(1, end - 1), trim(t.substr(end)), path, where, context);
      continue;
    }
    if (t.front() == '[') {
      const size_t close = t.find(']');
      if (close == std::string_view::npos) {
        status = Error{0, where + ": missing \"]\" after the context name"};
        continue;
      }
      // "[name](!)" and "[name](template)" are templates or their users: the name is inside [].
      context = std::string(trim(t.substr(1, close - 1)));
      if (context.empty()) status = Error{0, where + ": empty context name"};
      last_exten.clear();
      continue;
    }
    const size_t eq = t.find('=');
    // Settings outside a context, and [general] / [globals], are not dialplan.
    if (eq == std::string_view::npos || context.empty() || iequals(context, "general") ||
        iequals(context, "globals"))
      continue;
    const std::string_view name = trim(t.substr(0, eq));
    std::string_view value = t.substr(eq + 1);
    if (!value.empty() && value.front() == '>') value.remove_prefix(1);  // "=>"
    value = trim(value);
    const size_t comma = value.find(',');
    const std::string_view first = trim(value.substr(0, comma));
    const std::string_view after = comma == std::string_view::npos ? "" : value.substr(comma + 1);
    if (iequals(name, "exten")) {
      last_exten = std::string(first);
      if (comma == std::string_view::npos) continue;
      const size_t comma2 = after.find(',');
      if (trim(after.substr(0, comma2)) != "hint") continue;
      const std::string_view hint =
          comma2 == std::string_view::npos ? "" : trim(after.substr(comma2 + 1));
      status = on_hint(last_exten, hint, context, where);
    } else if (iequals(name, "same")) {
      if (first != "hint") continue;
      if (last_exten.empty()) {
        status = Error{
            0, where + ": \"same => hint\" with no exten line before it in [" + context + "]"};
        continue;
      }
      status = on_hint(last_exten, trim(after), context, where);
    }
  }
  canonical_stack_.pop_back();
  path_stack_.pop_back();
  return status;
}

Status ExtensionsConfReader::on_include(std::string_view directive, std::string_view arg,
                                        const std::string& path, const std::string& where,
                                        const std::string& context) {
  // #exec runs a program: never here. Unknown directives are Asterisk's warning, our silence.
  const bool try_only = directive == "tryinclude";
  if (directive != "include" && !try_only) return {};
  if (arg.size() >= 2 &&
      ((arg.front() == '"' && arg.back() == '"') || (arg.front() == '<' && arg.back() == '>'))) {
    arg = trim(arg.substr(1, arg.size() - 2));
  }
  const std::string shown = "#" + std::string(directive) + " \"" + std::string(arg) + "\"";
  if (arg.empty()) return Error{0, where + ": #" + std::string(directive) + " without a file name"};
  std::filesystem::path target(arg);
  if (target.is_relative()) target = std::filesystem::path(path).parent_path() / target;
  const std::string target_path = target.string();
  const std::string canonical = canonical_of(target);
  for (size_t i = 0; i < canonical_stack_.size(); ++i) {
    if (canonical_stack_[i] != canonical) continue;
    std::string chain;
    for (size_t j = i; j < path_stack_.size(); ++j) chain += path_stack_[j] + " -> ";
    return Error{0, where + ": " + shown + ": include cycle: " + chain + target_path};
  }
  if (auto probe = read_text_file(target_path); !probe.ok()) {
    if (try_only) return {};
    return Error{0, where + ": " + shown + ": " + probe.error().reason};
  }
  return read_file(target_path, context);
}

Status ExtensionsConfReader::on_hint(const std::string& exten, std::string_view value,
                                     const std::string& context, const std::string& origin) {
  // Patterns and caller-id matches cannot name a presentity; Asterisk's hint on them is a template
  // we do not expand.
  if (exten.starts_with('_') || exten.find('/') != std::string::npos) return {};
  if (auto s = check_exten(exten); !s)
    return Error{0, origin + ": exten \"" + exten + "\": " + s.error().reason};
  if (auto s = check_hint_value(value); !s) {
    return Error{0, origin + ": hint for " + exten + ": \"" + std::string(value) +
                        "\": " + s.error().reason};
  }
  auto it = seen_.find(exten);
  if (it == seen_.end()) {
    seen_.emplace(exten, Seen{hints_.size(), context});
    hints_.push_back(HintSpec{exten, std::string(value), origin});
    return {};
  }
  HintSpec& before = hints_[it->second.index];
  if (it->second.context == context) {  // the later definition replaces it
    before.value = std::string(value);
    before.origin = origin;
    return {};
  }
  return Error{0, origin + ": hint for " + exten + " in [" + context +
                      "] collides with the one in [" + it->second.context + "] at " +
                      before.origin + " (presentities are named by extension only)"};
}

}  // namespace

Result<std::vector<HintSpec>> load_extensions_conf(const std::string& path) {
  ExtensionsConfReader reader;
  if (auto s = reader.read_file(path, ""); !s) return s.error();
  return std::move(reader).take();
}

}  // namespace pinana::config
