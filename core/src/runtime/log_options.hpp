#pragma once

// What the [logging] table of the config asks of the log (docs/operator-guide.md, "[logging]").
// Read by config.cpp, applied by init_logging (logging.hpp); kept apart from logging.hpp so the
// config does not pull spdlog into everything that reads it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace slob::core {

struct LogOptions {
  std::string level = "info";  // trace, debug, info, warn, error, critical
  // The main log file (absent: none). `rotate` "daily" renames it at midnight UTC to
  // <stem>.<YYYY-MM-DD><ext> and deletes such files older than `retention_days`; "none" leaves
  // rotation to logrotate (with SIGUSR2 to reopen).
  std::optional<std::filesystem::path> file;
  std::string rotate = "daily";  // daily, none
  std::int64_t retention_days = 30;
  // Warnings and above, also in their own file, rotated by size: <stem>.1<ext> … <stem>.N<ext>.
  std::optional<std::filesystem::path> error_file;
  std::int64_t error_file_max_bytes = 10 * 1024 * 1024;
  std::int64_t error_file_max_files = 5;
  std::string format = "text";  // text, json (the files only; the console and journal stay text)

  bool operator==(const LogOptions&) const = default;
};

}  // namespace slob::core
