// load_extensions_conf: the hints of an Asterisk extensions.conf (and the files it #includes),
// for the node's [asterisk] extensions_conf setting. Rules: docs/node-config.md, "extensions.conf".
// Start-up code: errors are values whose reason reads "FILE:LINE: what is wrong"; any thread.
#pragma once

#include <string>
#include <vector>

#include "pinana/base/result.h"
#include "pinana/config/node_config.h"

namespace pinana::config {

// Hints in the order first seen; origin is "path:line" with paths as written (an included file's
// path is its including file's directory joined with the #include argument).
Result<std::vector<HintSpec>> load_extensions_conf(const std::string& path);

}  // namespace pinana::config
