#include "runtime/log_file_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>

#include <spdlog/common.h>
#include <spdlog/fmt/fmt.h>

namespace slob::core {
namespace {

namespace fs = std::filesystem;
using std::chrono::sys_days;

std::string errno_text(int e) { return std::strerror(e); }

// Moves `from` to `to`; when `to` is already there (the wall clock went back, or a restart rotated
// the same day twice) `from` is appended to it, so no line is lost. Returns the problem, if any.
std::optional<std::string> move_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::exists(to, ec)) {
    fs::rename(from, to, ec);
    if (ec) return "cannot rename " + from.string() + " to " + to.string() + ": " + ec.message();
    return std::nullopt;
  }
  {
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(to, std::ios::binary | std::ios::app);
    out << in.rdbuf();
    if (!in || !out) return "cannot append " + from.string() + " to " + to.string();
  }
  fs::remove(from, ec);
  if (ec) return "cannot remove " + from.string() + ": " + ec.message();
  return std::nullopt;
}

// The day in <stem>.<YYYY-MM-DD><ext>, when `name` is such a file of `path`.
std::optional<sys_days> dated_day(const fs::path& path, const std::string& name) {
  const std::string stem = path.stem().string() + ".";
  const std::string ext = path.extension().string();
  constexpr std::size_t kDate = 10;  // YYYY-MM-DD
  if (name.size() != stem.size() + kDate + ext.size() || name.compare(0, stem.size(), stem) != 0 ||
      name.compare(stem.size() + kDate, ext.size(), ext) != 0)
    return std::nullopt;
  const std::string date = name.substr(stem.size(), kDate);
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (date[4] != '-' || date[7] != '-' || std::sscanf(date.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

}  // namespace

sdk::Result<std::shared_ptr<LogFileSink>> LogFileSink::open(fs::path path, FileRotation rotation,
                                                           std::unique_ptr<spdlog::formatter> format,
                                                           Clock clock) {
  auto sink = std::make_shared<LogFileSink>(Key{}, std::move(path), rotation, std::move(clock));
  sink->set_formatter(std::move(format));
  std::error_code ec;
  if (sink->path_.has_parent_path()) fs::create_directories(sink->path_.parent_path(), ec);
  if (rotation.by == FileRotation::By::kDay) {
    const sys_days today = sink->today();
    sink->day_ = today;
    // A file of an earlier run, last written before today: its lines are from that day.
    if (fs::is_regular_file(sink->path_, ec) && fs::file_size(sink->path_, ec) > 0) {
      const auto written = std::chrono::floor<std::chrono::days>(
          std::chrono::file_clock::to_sys(fs::last_write_time(sink->path_, ec)));
      if (!ec && written < today) sink->day_ = written;
    }
  }
  if (auto s = sink->open_file(); !s) return s;
  if (rotation.by == FileRotation::By::kDay) {
    if (sink->day_ < sink->today()) sink->rotate_daily(sink->today());
    else sink->prune(sink->today());
  }
  return sink;
}

LogFileSink::LogFileSink(Key, fs::path path, FileRotation rotation, Clock clock)
    : path_(std::move(path)), rotation_(rotation), clock_(std::move(clock)) {}

LogFileSink::~LogFileSink() {
  if (fd_ >= 0) ::close(fd_);
}

fs::path LogFileSink::dated_name(const fs::path& path, sys_days day) {
  const std::chrono::year_month_day ymd{day};
  return path.parent_path() /
         fmt::format("{}.{:04}-{:02}-{:02}{}", path.stem().string(), static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     path.extension().string());
}

fs::path LogFileSink::numbered_name(const fs::path& path, int n) {
  return path.parent_path() / fmt::format("{}.{}{}", path.stem().string(), n, path.extension().string());
}

sdk::Status LogFileSink::reopen() {
  std::lock_guard lock(mutex_);
  return open_file();
}

sdk::Status LogFileSink::open_file() {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    const int e = errno;
    if (fd >= 0) ::close(fd);
    return sdk::Status::io_error(path_.string() + ": cannot open the log file: " + errno_text(e));
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  size_ = static_cast<std::uint64_t>(st.st_size);
  return sdk::Status::ok();
}

sys_days LogFileSink::today() const { return std::chrono::floor<std::chrono::days>(clock_()); }

void LogFileSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t line;
  formatter_->format(msg, line);
  if (rotation_.by == FileRotation::By::kDay) {
    if (const sys_days now = today(); now > day_) rotate_daily(now);
  } else if (rotation_.by == FileRotation::By::kSize) {
    if (size_ > 0 && size_ + line.size() > rotation_.max_bytes) rotate_by_size();
  }
  write_all(line.data(), line.size());
}

void LogFileSink::rotate_daily(sys_days now) {
  const auto problem = move_file(path_, dated_name(path_, day_));
  day_ = now;
  auto opened = open_file();  // on failure the lines go on into the renamed file
  if (problem) note(*problem + "; the lines go on in " + path_.string());
  if (!opened) note(opened.message());
  prune(now);
}

void LogFileSink::rotate_by_size() {
  std::error_code ec;
  fs::remove(numbered_name(path_, rotation_.max_files), ec);
  for (int n = rotation_.max_files - 1; n >= 1; --n) {
    const fs::path from = numbered_name(path_, n);
    if (fs::exists(from, ec)) fs::rename(from, numbered_name(path_, n + 1), ec);
  }
  fs::rename(path_, numbered_name(path_, 1), ec);
  if (ec) {
    note("cannot rename " + path_.string() + " to " + numbered_name(path_, 1).string() + ": " +
         ec.message() + "; the file grows on");
    size_ = 0;  // try again only after another max_bytes
    return;
  }
  if (auto s = open_file(); !s) note(s.message());
}

void LogFileSink::prune(sys_days now) {
  const sys_days oldest_kept = now - std::chrono::days(rotation_.retention_days);
  const fs::path dir = path_.has_parent_path() ? path_.parent_path() : fs::path(".");
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto day = dated_day(path_, it->path().filename().string());
    if (!day || *day >= oldest_kept) continue;
    std::error_code rm;
    fs::remove(it->path(), rm);
    if (rm) note("cannot delete the old log file " + it->path().string() + ": " + rm.message());
  }
}

void LogFileSink::write_all(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw spdlog::spdlog_ex("cannot write to " + path_.string(), errno);
    data += n;
    size -= static_cast<std::size_t>(n);
    size_ += static_cast<std::uint64_t>(n);
  }
}

void LogFileSink::note(const std::string& text) {
  const std::string payload = "SLOB_LOG_ROTATE_FAILED: " + text;
  const spdlog::details::log_msg msg(spdlog::log_clock::now(), spdlog::source_loc{}, "logging",
                                     spdlog::level::err, payload);
  spdlog::memory_buf_t line;
  formatter_->format(msg, line);
  write_all(line.data(), line.size());
}

}  // namespace slob::core
