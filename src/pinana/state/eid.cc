#include "pinana/state/eid.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace pinana::state {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

bool all_ff(const Eid& eid) {
  return std::all_of(eid.bytes.begin(), eid.bytes.end(), [](uint8_t b) { return b == 0xff; });
}

uint64_t fnv1a(uint64_t h, std::string_view data) {
  for (char c : data) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::optional<Eid> Eid::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  Eid eid;
  for (size_t i = 0; i < 6; ++i) {
    const size_t at = i * 3;
    const int hi = hex_digit(text[at]);
    const int lo = hex_digit(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[at + 2] != ':') return std::nullopt;
    eid.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return eid;
}

std::optional<std::string> Eid::read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

Eid Eid::from_host(const std::string& sysfs_net, const ReadFile& read) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(sysfs_net, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name != "lo") names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::optional<std::string> text = read(sysfs_net + "/" + name + "/address");
    if (!text) continue;
    std::optional<Eid> mac = parse(trim(*text));
    if (mac && !mac->is_zero() && !all_ff(*mac)) return *mac;
  }

  // No usable MAC (containers, unusual drivers): derive one from the machine's identity.
  uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv1a(h, trim(read("/etc/machine-id").value_or("")));
  h = fnv1a(h, std::string_view("\0", 1));
  h = fnv1a(h, trim(read("/proc/sys/kernel/hostname").value_or("")));
  Eid eid;
  for (size_t i = 0; i < 6; ++i) eid.bytes[i] = static_cast<uint8_t>(h >> (8 * i));
  eid.bytes[0] = static_cast<uint8_t>((eid.bytes[0] | 0x02) & ~0x01);  // local, unicast
  if (eid.is_zero()) eid.bytes[5] = 1;  // cannot happen with the bit above; kept as the guarantee
  return eid;
}

std::string Eid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(17);
  for (size_t i = 0; i < 6; ++i) {
    if (i) out.push_back(':');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
  return out;
}

bool Eid::is_zero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

size_t EidHash::operator()(const Eid& eid) const {
  uint64_t v = 0;
  for (uint8_t b : eid.bytes) v = (v << 8) | b;
  return std::hash<uint64_t>{}(v * 0x9e3779b97f4a7c15ULL);
}

}  // namespace pinana::state
