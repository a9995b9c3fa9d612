// Corpus replay: a main() for the fuzz targets in ordinary (non-libFuzzer) builds. Runs
// LLVMFuzzerTestOneInput once on every file named on the command line and every regular file in
// the directories named there, so the committed corpora run as tests under gcc and ASan.
//
// Exits 0 when at least one input ran and none aborted; 1 when no input was found. Single thread.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool run_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  // A copy in its own heap block, so ASan sees reads past the end of the input.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  size_t ran = 0;
  bool read_error = false;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(arg, ec))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());  // a stable order makes a failure reproducible
      for (const auto& f : files) {
        if (run_file(f)) {
          ++ran;
        } else {
          read_error = true;
        }
      }
    } else if (fs::is_regular_file(arg, ec)) {
      if (run_file(arg)) {
        ++ran;
      } else {
        read_error = true;
      }
    } else {
      std::fprintf(stderr, "no such file or directory: %s\n", argv[i]);
      read_error = true;
    }
  }
  std::printf("%s: ran %zu inputs\n", argc > 0 ? argv[0] : "replay", ran);
  if (ran == 0) {
    std::fprintf(stderr, "no inputs found\n");
    return 1;
  }
  return read_error ? 1 : 0;
}
