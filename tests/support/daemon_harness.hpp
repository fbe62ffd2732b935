#pragma once

// A real slob-host process for integration tests, driven from the outside the way an operator
// would: its own directory (config, state, control socket), started and restarted from the same
// config, observed through its log (stderr, one file per run), slob-ctl and `slob-host export`,
// stopped by PID and always reaped (it also dies with the test process).
//
// Waiting is on the daemon's log with generous deadlines: reading a file is cheap, spawning
// slob-ctl every few milliseconds is not (it made an earlier version flaky on a loaded machine).
// Use status() for assertions, not for polling.
//
// Threading: one test thread.

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace slob::test {

class Daemon {
 public:
  // Writes `config_toml` to <dir>/slob.toml. Relative paths in it resolve against `dir`;
  // socket_path() must be what `[host] control_socket` names.
  Daemon(std::string host_bin, std::string ctl_bin, std::filesystem::path dir, const std::string& config_toml,
         std::string socket_name = "slob.sock")
      : host_bin_(std::move(host_bin)), ctl_bin_(std::move(ctl_bin)), dir_(std::move(dir)),
        socket_(dir_ / socket_name) {
    std::ofstream(config_path()) << config_toml;
  }
  ~Daemon() { kill(); }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  std::filesystem::path config_path() const { return dir_ / "slob.toml"; }
  const std::filesystem::path& socket_path() const { return socket_; }
  const std::filesystem::path& dir() const { return dir_; }
  int runs() const { return runs_; }

  // Starts a new run (the previous one must have ended). Its log starts empty.
  void start() {
    kill();
    ++runs_;
    process_ = std::make_unique<Process>(
        std::vector<std::string>{host_bin_, "--config", config_path().string()}, out_path(runs_),
        err_path(runs_), Spawn{.die_with_parent = true});
  }
  bool running() { return process_ && process_->running(); }
  Process& process() { return *process_; }

  // The current run's log, and every run's log in order.
  std::string log() const { return runs_ ? read_file(err_path(runs_)) : std::string(); }
  std::string all_logs() const {
    std::string all;
    for (int i = 1; i <= runs_; ++i) all += read_file(err_path(i));
    return all;
  }

  // Waits until the current run's log has a line containing `needle` that starts at or after
  // byte offset `from` (0, or what an earlier wait returned). Returns the offset just past that
  // line, or nullopt when `timeout` passed (or the daemon exited) without one.
  std::optional<std::size_t> wait_log(const std::string& needle, std::size_t from = 0,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    std::optional<std::size_t> found;
    auto look = [&] {
      const std::string text = log();
      const auto at = text.find(needle, from);
      if (at == std::string::npos) return false;
      const auto eol = text.find('\n', at);
      found = eol == std::string::npos ? text.size() : eol + 1;
      return true;
    };
    wait_until([&] { return look() || !running(); }, timeout);
    if (!found) look();  // the line may have come with the exit
    return found;
  }
  // The offset the next wait_log should start from to see only what comes after now.
  std::size_t log_size() const { return log().size(); }

  // The lines of the current run's log that contain `needle`.
  std::vector<std::string> log_lines(const std::string& needle) const {
    std::vector<std::string> out;
    std::istringstream in(log());
    for (std::string line; std::getline(in, line);)
      if (line.find(needle) != std::string::npos) out.push_back(line);
    return out;
  }

  // slob-ctl against this daemon's socket.
  RunResult ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {ctl_bin_, "--socket", socket_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, dir_);
  }
  // `slob-ctl status --json`, parsed; null when the daemon did not answer.
  nlohmann::json status() {
    const RunResult r = ctl({"status", "--json"});
    if (r.code != 0) return nullptr;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
  }
  // `slob-host --config FILE export KIND` (reads the store offline; works while running).
  RunResult export_records(const std::string& kind) {
    return run({host_bin_, "--config", config_path().string(), "export", kind}, dir_);
  }
  // The exported records of `kind`, one JSON object per line.
  std::vector<nlohmann::json> exported(const std::string& kind) {
    std::vector<nlohmann::json> out;
    std::istringstream in(export_records(kind).out);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line, nullptr, false));
    return out;
  }

  // SIGTERM and wait for the exit code; SIGKILL when it does not stop within `timeout`.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    if (!process_) return std::nullopt;
    if (process_->running()) process_->signal(SIGTERM);
    auto code = process_->wait_for_exit(timeout);
    if (!code) kill();
    return code;
  }
  // SIGKILL and reap (no-op when not running).
  void kill() {
    if (process_ && process_->running()) {
      process_->signal(SIGKILL);
      process_->wait_for_exit(std::chrono::seconds(10));
    }
  }

 private:
  std::filesystem::path out_path(int run) const { return dir_ / ("out-" + std::to_string(run) + ".log"); }
  std::filesystem::path err_path(int run) const { return dir_ / ("err-" + std::to_string(run) + ".log"); }

  std::string host_bin_;
  std::string ctl_bin_;
  std::filesystem::path dir_;
  std::filesystem::path socket_;
  std::unique_ptr<Process> process_;
  int runs_ = 0;
};

// The time stamp of a log line (`2026-01-06T15:25:00.123 info ...`), as milliseconds since the
// epoch of the line's own clock; nullopt when the line has none (journald format).
inline std::optional<std::int64_t> log_line_millis(const std::string& line) {
  int y, mo, d, h, mi, s, ms;
  if (std::sscanf(line.c_str(), "%d-%d-%dT%d:%d:%d.%d", &y, &mo, &d, &h, &mi, &s, &ms) != 7) return std::nullopt;
  using namespace std::chrono;
  const sys_days date{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}};
  return duration_cast<milliseconds>(date.time_since_epoch()).count() + ((h * 60 + mi) * 60 + s) * 1000LL + ms;
}

}  // namespace slob::test
