#pragma once

// Real child processes for integration tests: spawn with stdout/stderr redirected to files,
// wait for a condition or an exit with a deadline, and always clean up by PID (the destructor
// SIGKILLs a child that is still running). Waiting polls with a short pause: what is waited for
// is an external process, so a deadline — not the pause — decides the outcome.

#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

extern char** environ;

namespace slob::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The six shutdown steps the daemon logs with on_shutdown = "leave", in order.
inline const std::vector<std::string> kShutdownStepsLeave = {
    "shutdown 1/6: stop new setups and orders", "shutdown 2/6: cancel pending work",
    "shutdown 3/6: apply position policy leave", "shutdown 4/6: persist final state",
    "shutdown 5/6: disconnect from the broker",  "shutdown 6/6: stop strategy and store"};

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

class Process {
 public:
  // Starts `argv` with stdout → `out`, stderr → `err`. With `die_with_parent` the child gets
  // SIGKILL when the test process dies (a crashed or timed-out test leaves no daemon behind).
  Process(std::vector<std::string> argv, const std::filesystem::path& out,
          const std::filesystem::path& err, bool die_with_parent = false)
      : out_(out), err_(err) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    if (die_with_parent) {
      pid_ = ::fork();
      if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0 || e < 0 || ::dup2(o, STDOUT_FILENO) < 0 || ::dup2(e, STDERR_FILENO) < 0) ::_exit(127);
        ::execv(args[0], args.data());
        ::_exit(127);
      }
      return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait_for_exit(std::chrono::seconds(5));
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

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
