// Eid: a node's entity id, 6 bytes written xx:xx:xx:xx:xx:xx (Asterisk's struct ast_eid), the
// origin stamp of every per-node device state and MWI count in the cluster.
//
// A plain value; any thread. from_host() reads the file system and is meant for start-up only.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pinana::state {

class Eid {
 public:
  // Reads one whole file; nullopt when it cannot be read. Injected by tests of from_host().
  using ReadFile = std::function<std::optional<std::string>(const std::string& path)>;

  std::array<uint8_t, 6> bytes{};

  Eid() = default;
  explicit Eid(std::array<uint8_t, 6> b) : bytes(b) {}

  // Exactly six two-digit hex fields separated by ':', either case; nothing else around them.
  static std::optional<Eid> parse(std::string_view text);

  // A stable, never-zero EID for this host:
  //  1. the first interface under `sysfs_net` (sorted by name, `lo` skipped) whose `address` file
  //     holds a MAC that is neither all zero nor all ff;
  //  2. else a hash of /etc/machine-id and the host name (/proc/sys/kernel/hostname), with the
  //     locally-administered bit set and the multicast bit clear.
  static Eid from_host(const std::string& sysfs_net = "/sys/class/net",
                       const ReadFile& read = read_whole_file);

  // The default ReadFile: the file's bytes, nullopt on any error.
  static std::optional<std::string> read_whole_file(const std::string& path);

  std::string to_string() const;  // lower case
  bool is_zero() const;

  friend auto operator<=>(const Eid&, const Eid&) = default;
  friend bool operator==(const Eid&, const Eid&) = default;
};

struct EidHash {
  size_t operator()(const Eid& eid) const;
};

}  // namespace pinana::state
