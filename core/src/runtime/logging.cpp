#include "runtime/logging.hpp"

#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <vector>

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace slob::core {
namespace {

struct SinkSet {
  std::mutex mutex;
  std::vector<spdlog::sink_ptr> sinks;
  spdlog::level::level_enum level = spdlog::level::info;
};

SinkSet& sink_set() {
  static SinkSet set;  // intentionally process-wide: every logger shares the same sinks
  return set;
}

spdlog::level::level_enum to_spdlog(sdk::LogLevel level) {
  switch (level) {
    case sdk::LogLevel::kTrace: return spdlog::level::trace;
    case sdk::LogLevel::kDebug: return spdlog::level::debug;
    case sdk::LogLevel::kInfo: return spdlog::level::info;
    case sdk::LogLevel::kWarn: return spdlog::level::warn;
    case sdk::LogLevel::kError: return spdlog::level::err;
    case sdk::LogLevel::kCritical: return spdlog::level::critical;
  }
  return spdlog::level::info;
}

std::vector<spdlog::sink_ptr> console_sinks() {
  // Under systemd, journald adds time stamps and the unit name: print level and logger only.
  const bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  const char* pattern = journald ? "%l %n %v" : "%Y-%m-%dT%H:%M:%S.%e %l %n %v";
  spdlog::sink_ptr sink;
  if (isatty(STDERR_FILENO)) {
    sink = std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  sink->set_pattern(pattern);
  return {sink};
}

}  // namespace

std::optional<sdk::LogLevel> parse_log_level(std::string_view text) {
  if (text == "trace") return sdk::LogLevel::kTrace;
  if (text == "debug") return sdk::LogLevel::kDebug;
  if (text == "info") return sdk::LogLevel::kInfo;
  if (text == "warn") return sdk::LogLevel::kWarn;
  if (text == "error") return sdk::LogLevel::kError;
  if (text == "critical") return sdk::LogLevel::kCritical;
  return std::nullopt;
}

void init_logging(const LogOptions& options) {
  SinkSet& set = sink_set();
  std::lock_guard lock(set.mutex);
  set.sinks = console_sinks();
  if (options.file) {
    auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        *options.file, options.file_max_bytes, options.file_max_files);
    file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n %v");
    set.sinks.push_back(file);
  }
  set.level = to_spdlog(parse_log_level(options.level).value_or(sdk::LogLevel::kInfo));
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
  SinkSet& set = sink_set();
  std::lock_guard lock(set.mutex);
  if (set.sinks.empty()) set.sinks = console_sinks();
  auto logger = std::make_shared<spdlog::logger>(name, set.sinks.begin(), set.sinks.end());
  logger->set_level(set.level);
  logger->flush_on(spdlog::level::trace);  // operators read logs after crashes: never buffer
  return logger;
}

void log_line(spdlog::logger& logger, sdk::LogLevel level, std::string_view id,
              std::string_view text) {
  logger.log(to_spdlog(level), "{}: {}", id, text);
}

}  // namespace slob::core
