#pragma once

// Plugins log through the host, never through spdlog's registry: a logger whose sink lives in a
// plugin crashes the host after the plugin is unloaded (toolchain notes, pitfall 2).
//
// Every message carries a stable identifier (Kea style, e.g. "SLOB_IB_CONNECTED") so operators
// can search for it; the identifiers are listed in docs/log-messages.md.

#include <string_view>

namespace slob::sdk {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kCritical };

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view id, std::string_view text) = 0;

  void debug(std::string_view id, std::string_view text) { log(LogLevel::kDebug, id, text); }
  void info(std::string_view id, std::string_view text) { log(LogLevel::kInfo, id, text); }
  void warn(std::string_view id, std::string_view text) { log(LogLevel::kWarn, id, text); }
  void error(std::string_view id, std::string_view text) { log(LogLevel::kError, id, text); }
  void critical(std::string_view id, std::string_view text) { log(LogLevel::kCritical, id, text); }
};

}  // namespace slob::sdk
