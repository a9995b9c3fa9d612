#include "pinana/config/read_text_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pinana::config {

Result<std::string> read_text_file(const std::string& path) {
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
  return text;
}

}  // namespace pinana::config
