#include "runtime/logging.hpp"

#include <unistd.h>

#include <mutex>
#include <vector>

#include <spdlog/sinks/ansicolor_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include "runtime/journal_sink.hpp"
#include "runtime/log_file_sink.hpp"
#include "runtime/log_format.hpp"

namespace slob::core {
namespace {

struct SinkSet {
  std::mutex mutex;
  std::vector<spdlog::sink_ptr> sinks;
  std::vector<std::shared_ptr<LogFileSink>> files;  // also in `sinks`; reopened by SIGUSR2
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
  if (stderr_is_journal()) return {std::make_shared<JournalSink>()};
  spdlog::sink_ptr sink;
  if (isatty(STDERR_FILENO)) {
    sink = std::make_shared<spdlog::sinks::ansicolor_stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n %v");
  return {sink};
}

std::unique_ptr<spdlog::formatter> file_format(const LogOptions& options) {
  return options.format == "json" ? json_formatter() : utc_text_formatter();
}

// The files `options` asks for, or why one cannot be opened.
sdk::Result<std::vector<std::shared_ptr<LogFileSink>>> open_files(const LogOptions& options) {
  std::vector<std::shared_ptr<LogFileSink>> files;
  if (options.file) {
    FileRotation daily{.by = options.rotate == "daily" ? FileRotation::By::kDay : FileRotation::By::kNone,
                       .retention_days = static_cast<int>(options.retention_days)};
    auto file = LogFileSink::open(*options.file, daily, file_format(options));
    if (!file) return file.status();
    files.push_back(std::move(*file));
  }
  if (options.error_file) {
    FileRotation by_size{.by = FileRotation::By::kSize,
                         .max_bytes = static_cast<std::uint64_t>(options.error_file_max_bytes),
                         .max_files = static_cast<int>(options.error_file_max_files)};
    auto file = LogFileSink::open(*options.error_file, by_size, file_format(options));
    if (!file) return file.status();
    (*file)->set_level(spdlog::level::warn);
    files.push_back(std::move(*file));
  }
  return files;
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

sdk::Status init_logging(const LogOptions& options, bool files) {
  auto opened = files ? open_files(options) : std::vector<std::shared_ptr<LogFileSink>>{};
  SinkSet& set = sink_set();
  std::lock_guard lock(set.mutex);
  set.sinks = console_sinks();
  set.files.clear();
  if (opened) {
    set.files = std::move(*opened);
    set.sinks.insert(set.sinks.end(), set.files.begin(), set.files.end());
  }
  set.level = to_spdlog(parse_log_level(options.level).value_or(sdk::LogLevel::kInfo));
  return opened ? sdk::Status::ok() : opened.status();
}

sdk::Result<int> reopen_log_files() {
  SinkSet& set = sink_set();
  std::lock_guard lock(set.mutex);
  sdk::Status first_failure = sdk::Status::ok();
  for (const auto& file : set.files)
    if (auto s = file->reopen(); !s && first_failure) first_failure = s;
  if (!first_failure) return first_failure;
  return static_cast<int>(set.files.size());
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
