#pragma once

// Real child processes for integration tests: spawn with stdout/stderr redirected to files,
// wait for a condition or an exit with a deadline, and always clean up by PID (the destructor
// SIGKILLs a child that is still running). Waiting polls with a short pause: what is waited for
// is an external process, so a deadline — not the pause — decides the outcome.

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

namespace slob::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The six shutdown steps the daemon logs with on_shutdown = "leave", in order.
inline const std::vector<std::string> kShutdownStepsLeave = {
    "shutdown 1/8: stop new setups and orders", "shutdown 2/8: cancel pending work",
    "shutdown 3/8: apply position policy leave", "shutdown 4/8: persist final state",
    "shutdown 5/8: deliver pending alerts",      "shutdown 6/8: disconnect from the broker",
    "shutdown 7/8: stop observers",              "shutdown 8/8: stop strategy and store"};

// Whether every one of `needles` occurs in `hay`, in this order.
inline bool in_order(const std::string& hay, const std::vector<std::string>& needles) {
  std::size_t at = 0;
  for (const auto& n : needles) {
    const auto p = hay.find(n, at);
    if (p == std::string::npos) return false;
    at = p + n.size();
  }
  return true;
}

// Polls `condition` until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// How a Process starts its child.
struct Spawn {
  // The child gets SIGKILL when the test process dies (a crashed or timed-out test leaves no
  // daemon behind).
  bool die_with_parent = false;
  // When the test runs as root, the child drops to uid/gid 65534 (nobody, no supplementary
  // groups) before exec, so file permissions apply to it; it exits 126 if the drop fails.
  bool as_nobody = false;
};

class Process {
 public:
  // Starts `argv` (argv[0] a path) with stdout → `out`, stderr → `err`, both truncated. The
  // child only makes async-signal-safe calls between fork and exec (the test process may have
  // threads); a failed open or exec makes it exit 127. started() is false when fork failed.
  Process(std::vector<std::string> argv, const std::filesystem::path& out,
          const std::filesystem::path& err, Spawn spawn = {})
      : out_(out), err_(err) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const bool drop = spawn.as_nobody && ::geteuid() == 0;
    pid_ = ::fork();
    if (pid_ != 0) return;
    if (spawn.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || e < 0 || ::dup2(o, STDOUT_FILENO) < 0 || ::dup2(e, STDERR_FILENO) < 0) ::_exit(127);
    ::close(o);
    ::close(e);
    if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(126);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ~Process() { kill(); }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  bool running() {
    if (pid_ <= 0 || status_) return false;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = st;
      return false;
    }
    return true;
  }
  void signal(int sig) { ::kill(pid_, sig); }

  // SIGKILLs the child if it still runs and reaps it by PID (a SIGKILLed process cannot
  // linger, so this blocks only briefly). Returns the raw wait status (-1 if never started).
  int kill() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
      }
      status_ = st;
    }
    return status_.value_or(-1);
  }

  // The exit code, or 128 + signal for a killed process; nullopt on timeout.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout) {
    if (!wait_until([this] { return !running(); }, timeout)) return std::nullopt;
    return exit_code();
  }
  std::optional<int> exit_code() const {
    if (!status_) return std::nullopt;
    if (WIFEXITED(*status_)) return WEXITSTATUS(*status_);
    if (WIFSIGNALED(*status_)) return 128 + WTERMSIG(*status_);
    return std::nullopt;
  }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

// Runs a command to completion; returns {exit code, stdout, stderr}.
struct RunResult {
  int code;
  std::string out;
  std::string err;
};
inline RunResult run(std::vector<std::string> argv, const std::filesystem::path& scratch,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  static int n = 0;
  const auto out = scratch / ("run-" + std::to_string(++n) + ".out");
  const auto err = scratch / ("run-" + std::to_string(n) + ".err");
  Process p(std::move(argv), out, err);
  const auto code = p.wait_for_exit(timeout);
  return {code.value_or(-1), p.out(), p.err()};
}

}  // namespace slob::test
