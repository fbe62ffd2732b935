#pragma once

// A log file that rotates itself, and can be reopened (SIGUSR2, for logrotate).
//
// Rotation:
//   by day   at the first line after midnight UTC the file is renamed to <stem>.<YYYY-MM-DD><ext>
//            (slob-host.log → slob-host.2026-12-06.log, the day its lines are from) and a new one
//            started; rotated files whose day is more than `retention_days` before today are
//            deleted then and when the sink opens. A file left by an earlier run and last written
//            on an earlier day is rotated when the sink opens, so each file holds one day.
//   by size  before a line would take the file past `max_bytes` it becomes <stem>.1<ext>, the
//            older ones move up one (…2, …3) and the one past `max_files` is deleted.
//   none     never (logrotate renames the file, SIGUSR2 makes the daemon reopen the path).
// UTC, not the trading zone: a log day has 24 hours all year and matches the time stamps.
//
// Failures: opening fails → open() says why (the daemon exits 78 at start). A rotation or pruning
// that fails is written into the file itself as SLOB_LOG_ROTATE_FAILED and logging goes on in
// the file at hand. A failed write throws spdlog_ex (spdlog reports it on stderr).
//
// Threading: spdlog's base_sink serialises sink_it_; reopen() takes the same mutex.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>

#include "slob/sdk/status.hpp"

namespace slob::core {

struct FileRotation {
  enum class By { kNone, kDay, kSize };
  By by = By::kNone;
  int retention_days = 30;       // kDay
  std::uint64_t max_bytes = 0;   // kSize
  int max_files = 0;             // kSize: rotated files kept beside the current one
};

class LogFileSink final : public spdlog::sinks::base_sink<std::mutex> {
  struct Key {};  // only open() constructs

 public:
  // The time that decides the day (tests pass a simulated one).
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Lines are laid out by `format` (log_format.hpp).
  static sdk::Result<std::shared_ptr<LogFileSink>> open(
      std::filesystem::path path, FileRotation rotation, std::unique_ptr<spdlog::formatter> format,
      Clock clock = [] { return std::chrono::system_clock::now(); });
  LogFileSink(Key, std::filesystem::path path, FileRotation rotation, Clock clock);
  ~LogFileSink() override;
  LogFileSink(const LogFileSink&) = delete;
  LogFileSink& operator=(const LogFileSink&) = delete;

  // Opens the path again (after logrotate moved the file away). On failure the file open until
  // now stays in use and the Status says why.
  sdk::Status reopen();
  const std::filesystem::path& path() const { return path_; }

  // The name the file of `day` is rotated to.
  static std::filesystem::path dated_name(const std::filesystem::path& path, std::chrono::sys_days day);
  // The name of the n-th size-rotated file (n >= 1).
  static std::filesystem::path numbered_name(const std::filesystem::path& path, int n);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  sdk::Status open_file();  // (re)opens path_ into fd_ and size_; keeps the old fd on failure
  std::chrono::sys_days today() const;
  void rotate_daily(std::chrono::sys_days today);
  void rotate_by_size();
  void prune(std::chrono::sys_days today);
  void write_all(const char* data, std::size_t size);
  // A line of the sink's own, in the file's format (rotation trouble).
  void note(const std::string& text);

  std::filesystem::path path_;
  FileRotation rotation_;
  Clock clock_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::chrono::sys_days day_{};  // kDay: the day the open file's lines are from
};

}  // namespace slob::core
