// read_text_file: a whole file into memory, for the start-up loaders of this directory. Errors read
// "PATH: cannot open: REASON" or "PATH: cannot read: REASON". Any thread.
#pragma once

#include <string>

#include "pinana/base/result.h"

namespace pinana::config {

Result<std::string> read_text_file(const std::string& path);

}  // namespace pinana::config
