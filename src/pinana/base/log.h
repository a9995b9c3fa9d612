// Logger: leveled, line-oriented logging to a stream the owner chooses (stderr in the binary, a
// string stream in tests). No global logger: components take a Logger* (null: silent). One
// Logger is used from one thread at a time.
#pragma once

#include <optional>
#include <ostream>
#include <string_view>

namespace pinana {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

constexpr std::optional<LogLevel> parse_log_level(std::string_view s) {
  if (s == "error") return LogLevel::kError;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "info") return LogLevel::kInfo;
  if (s == "debug") return LogLevel::kDebug;
  return std::nullopt;
}

class Logger {
 public:
  Logger(LogLevel level, std::ostream& sink, std::string_view prefix = {})
      : level_(level), sink_(sink), prefix_(prefix) {}

  bool enabled(LogLevel level) const { return level <= level_; }

  // Writes "<prefix><level>: <message>\n" when `level` is enabled.
  void log(LogLevel level, std::string_view message) {
    if (!enabled(level)) return;
    static constexpr std::string_view kNames[] = {"error", "warn", "info", "debug"};
    sink_ << prefix_ << kNames[static_cast<int>(level)] << ": " << message << '\n';
    sink_.flush();
  }

 private:
  LogLevel level_;
  std::ostream& sink_;
  std::string_view prefix_;
};

}  // namespace pinana
