#pragma once

// Logging: spdlog owned by the host. Console by default (journald-friendly: no colours when
// stderr is not a TTY, no timestamps of our own under systemd because journald stamps lines),
// optional rotating file. Plugins get a PluginLogger that forwards into a host-owned spdlog
// logger; they never touch spdlog's registry (toolchain pitfall 2).
//
// Line format: "<time> <level> <logger> <ID>: <text>" where ID is the stable message id listed
// in docs/log-messages.md.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "slob/sdk/logger.hpp"

namespace slob::core {

struct LogOptions {
  std::string level = "info";        // trace, debug, info, warn, error, critical
  std::optional<std::string> file;   // rotating file sink in addition to the console
  std::size_t file_max_bytes = 10 * 1024 * 1024;
  std::size_t file_max_files = 5;
};

// Configures the process-wide sinks. Safe to call again (e.g. after the config is read).
void init_logging(const LogOptions& options);

// A named logger on the shared sinks ("host", "broker.sim", ...). Not registered in spdlog's
// registry, so no plugin unload can leave a dangling sink behind.
std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

// Writes `id: text` at `level` through `logger`.
void log_line(spdlog::logger& logger, sdk::LogLevel level, std::string_view id,
              std::string_view text);

// sdk::Logger handed to plugins and used by the core itself.
class NamedLogger final : public sdk::Logger {
 public:
  explicit NamedLogger(const std::string& name) : logger_(make_logger(name)) {}
  void log(sdk::LogLevel level, std::string_view id, std::string_view text) override {
    log_line(*logger_, level, id, text);
  }

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

std::optional<sdk::LogLevel> parse_log_level(std::string_view text);

}  // namespace slob::core
