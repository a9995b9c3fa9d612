// Helpers for the RFC 4475 / RFC 5118 torture tests: load a message file by name and its MANIFEST
// row. Test-only; single-threaded.
#pragma once

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>

#include "pinana/sip/message.h"

namespace pinana::sip::testing {

inline std::string data_path(const std::string& set, const std::string& name) {
  return std::string(PINANA_TEST_DATA) + "/" + set + "/" + name;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// name -> expected_outcome, from MANIFEST.tsv.
inline std::map<std::string, std::string> manifest(const std::string& set) {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(data_path(set, "MANIFEST.tsv")));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string name, section, title, outcome;
    std::getline(row, name, '\t');
    std::getline(row, section, '\t');
    std::getline(row, title, '\t');
    std::getline(row, outcome, '\t');
    if (!name.empty()) out[name] = outcome;
  }
  return out;
}

}  // namespace pinana::sip::testing
