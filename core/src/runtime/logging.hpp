#pragma once

// Logging: spdlog owned by the host. The console always: stderr (no colours when it is not a
// TTY), or, when stderr is the journal, journald's native protocol with the priority and the id
// as fields (journal_sink.hpp). Optional files ([logging], log_file_sink.hpp): the main file
// rotated daily, and an error file (warnings and above) rotated by size. Plugins get a
// NamedLogger that forwards into a host-owned spdlog logger; they never touch spdlog's registry
// (toolchain pitfall 2).
//
// Line format: "<time> <level> <logger> <ID>: <text>" where ID is the stable message id listed
// in docs/log-messages.md (log_format.hpp: the files' time is UTC; the journal has no time).

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "runtime/log_options.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/status.hpp"

namespace slob::core {

// Configures the process-wide sinks for loggers made from now on. Safe to call again (e.g. after
// the config is read). With `files` false only the console is set up (offline commands, which
// must not rotate the files of a daemon that runs beside them). Fails when a file cannot be
// opened; the console is set up anyway.
sdk::Status init_logging(const LogOptions& options, bool files = true);

// Reopens every log file at its path (SIGUSR2, after logrotate moved them). Returns how many
// files there are, or why one could not be reopened (that one goes on in the file it had; the
// others are reopened all the same).
sdk::Result<int> reopen_log_files();

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
