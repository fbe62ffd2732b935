#pragma once

// Shared by the whole-process benchmarks (tools/bench.sh): child processes timed from the
// outside with wait4() (so the exit moment and the peak RSS come from the kernel), waiting on
// log lines, /proc readings, percentiles, and the one output line format tools/bench.sh turns
// into the table of docs/performance.md:
//
//   ROW|<figure>|<measured>|<floor>|<ratio>|<goal>|<verdict>
//
// Every other line a benchmark prints is detail for the reader of its own output. Nothing here
// is used by the daemon; nothing here asserts a time.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace slob::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

// Every daemon a benchmark starts has no maintenance windows: the IB defaults ("daily 00:15-01:45"
// New York time) would skip every order of a run that happens to fall inside one, so a figure
// would depend on the time of day it was measured. Appended to each config the benchmarks write.
inline constexpr const char* kNoMaintenanceWindows = "[maintenance]\nwindows = []\n";

inline SteadyTime steady_now() { return std::chrono::steady_clock::now(); }

inline double ms_since(SteadyTime t) {
  return std::chrono::duration<double, std::milli>(steady_now() - t).count();
}

// A benchmark that cannot go on throws; guarded() prints the reason and returns 1 after the
// stack unwound, so every Child is killed and reaped and every Scratch removed.
struct BenchFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void die(const std::string& what) { throw BenchFailure(what); }

inline int guarded(int (*body)(int, char**), int argc, char** argv) {
  try {
    return body(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", argv[0], e.what());
    return 1;
  }
}

// The value at quantile q (0..1) of `v` (nearest rank; v is sorted in place).
inline double quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

inline std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// 1234567.8 -> "1,234,568"
inline std::string grouped(double v) {
  std::string digits = std::to_string(static_cast<long long>(v + 0.5));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

inline void row(const std::string& figure, const std::string& measured, const std::string& floor,
                const std::string& ratio, const std::string& goal, const std::string& verdict) {
  std::printf("ROW|%s|%s|%s|%s|%s|%s\n", figure.c_str(), measured.c_str(), floor.c_str(),
              ratio.c_str(), goal.c_str(), verdict.c_str());
  std::fflush(stdout);
}

inline std::string verdict(bool met) { return met ? "met" : "**not met**"; }

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) die(p.string() + ": cannot write");
}

// A scratch directory under `parent` (the disk the user runs on, not a tmpfs), removed at exit.
class Scratch {
 public:
  explicit Scratch(const std::string& parent, const std::string& name) {
    std::string pattern = (std::filesystem::absolute(parent) / (name + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) die("cannot create a scratch directory under " + parent);
    path_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& sub) const { return path_ / sub; }

 private:
  std::filesystem::path path_;
};

// A child process with stdout and stderr in files. The destructor SIGKILLs and reaps it if it is
// still running, so a failing benchmark leaves nothing behind. wait() returns the kernel's
// rusage (ru_maxrss: the peak resident set, i.e. VmHWM at exit).
class Child {
 public:
  Child(std::vector<std::string> argv, const std::filesystem::path& out,
        const std::filesystem::path& err, bool stdin_pipe = false) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int pipe_fds[2] = {-1, -1};
    // Close-on-exec: later children must not inherit the write end and keep the pipe open.
    if (stdin_pipe && ::pipe2(pipe_fds, O_CLOEXEC) == 0) {
      // The child reads the pipe; when this process dies the pipe closes and a child started
      // with --exit-on-stdin-eof goes too.
      posix_spawn_file_actions_adddup2(&fa, pipe_fds[0], STDIN_FILENO);
      posix_spawn_file_actions_addclose(&fa, pipe_fds[1]);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    started_ = steady_now();
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    if (pipe_fds[0] >= 0) {
      ::close(pipe_fds[0]);
      stdin_write_ = pipe_fds[1];
    }
    if (pid_ < 0) die("cannot start " + argv[0]);
  }
  ~Child() {
    if (!exited_) {
      ::kill(pid_, SIGKILL);
      wait(std::chrono::seconds(10));
    }
    if (stdin_write_ >= 0) ::close(stdin_write_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  SteadyTime started() const { return started_; }
  void signal(int sig) const { ::kill(pid_, sig); }
  bool exited() const { return exited_; }

  // Waits for the exit, polling every 200 µs (the exit moment is what is measured).
  // Returns false on timeout.
  bool wait(std::chrono::milliseconds timeout) {
    if (exited_) return true;
    const auto deadline = steady_now() + timeout;
    for (;;) {
      int st = 0;
      const pid_t r = ::wait4(pid_, &st, WNOHANG, &usage_);
      if (r == pid_) {
        exited_at_ = steady_now();
        exited_ = true;
        status_ = st;
        return true;
      }
      if (steady_now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  int exit_code() const { return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_); }
  SteadyTime exited_at() const { return exited_at_; }
  double max_rss_mib() const { return static_cast<double>(usage_.ru_maxrss) / 1024.0; }

 private:
  pid_t pid_ = -1;
  int stdin_write_ = -1;
  bool exited_ = false;
  int status_ = 0;
  rusage usage_{};
  SteadyTime started_{};
  SteadyTime exited_at_{};
};

// Polls `condition` every 200 µs until it holds or `timeout` passes.
inline bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = steady_now() + timeout;
  while (!condition()) {
    if (steady_now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

// Watches a growing log file for lines containing a text (reads only what was appended).
class LogWatch {
 public:
  explicit LogWatch(std::filesystem::path path) : path_(std::move(path)) {}
  // Number of lines containing `needle` seen so far (after reading what is new).
  std::size_t count(const std::string& needle) {
    refresh();
    std::size_t n = 0;
    for (std::size_t pos = text_.find(needle); pos != std::string::npos; pos = text_.find(needle, pos + 1)) ++n;
    return n;
  }
  bool wait_count(const std::string& needle, std::size_t n, std::chrono::milliseconds timeout) {
    return wait_for([&] { return count(needle) >= n; }, timeout);
  }
  const std::string& text() {
    refresh();
    return text_;
  }

 private:
  void refresh() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return;
    in.seekg(static_cast<std::streamoff>(text_.size()));
    std::ostringstream s;
    s << in.rdbuf();
    text_ += s.str();
  }
  std::filesystem::path path_;
  std::string text_;
};

// A "Vm...:  N kB" line of /proc/<pid>/status, in MiB; 0 when absent.
inline double proc_status_mib(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::atof(line.c_str() + key.size() + 1) / 1024.0;
  }
  return 0;
}

// Reads `--name value` pairs; unknown names are a usage error naming the argument.
class Args {
 public:
  Args(int argc, char** argv, const std::vector<std::string>& known) {
    for (int i = 1; i < argc; ++i) {
      const std::string name = argv[i];
      if (std::find(known.begin(), known.end(), name) == known.end() || i + 1 >= argc) {
        std::fprintf(stderr, "%s: unknown argument or missing value: %s\n", argv[0], name.c_str());
        std::exit(2);
      }
      values_.emplace_back(name, argv[++i]);
    }
  }
  std::string get(const std::string& name, const std::string& fallback = "") const {
    for (const auto& [k, v] : values_)
      if (k == name) return v;
    return fallback;
  }
  std::string need(const std::string& name) const {
    const std::string v = get(name);
    if (v.empty()) {
      std::fprintf(stderr, "missing %s\n", name.c_str());
      std::exit(2);
    }
    return v;
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

}  // namespace slob::bench
