// The daemon under hostile or careless use, as real processes: control clients that hold every
// connection, run the daemon out of file descriptors or never read their answers; signals it has
// no use for and a closed stdout; a control_socket that names a file, or is too long to bind; a
// durable write that fails during a replay; repeated stop signals; --fresh beside files the
// daemon does not own.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;
using slob::test::in_order;

namespace {

const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;

// A daemon on the test plugins (a live broker that connects at once): it stays Running.
struct LiveDaemon {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";
  std::filesystem::path socket = dir / "slob.sock";
  std::unique_ptr<Process> process;

  explicit LiveDaemon(const std::string& host_extra = "", const std::string& broker_extra = "",
                      const std::string& socket_name = "slob.sock")
      : socket(dir / socket_name) {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_ONLY_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"" << socket_name << "\"\n" << host_extra
                          << "\n[broker]\nplugin = \"testbroker\"\n[broker.config]\n" << broker_extra
                          << "\n[store]\nplugin = \"teststore\"\n[strategy]\nplugin = \"teststrategy\"\n";
  }
  // `shell_prefix`: run through /bin/sh with this before `exec slob-host` (e.g. "ulimit -n 64;").
  void start(const std::string& shell_prefix = "") {
    std::vector<std::string> argv = {SLOB_HOST_BIN, "--config", config.string()};
    if (!shell_prefix.empty())
      argv = {"/bin/sh", "-c", shell_prefix + " exec \"$0\" --config \"$1\"", SLOB_HOST_BIN, config.string()};
    process = std::make_unique<Process>(argv, dir / "out.log", dir / "err.log",
                                        slob::test::Spawn{.die_with_parent = true});
  }
  std::string log() const { return process->err(); }
  slob::test::RunResult ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SLOB_CTL_BIN, "--socket", socket.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return slob::test::run(argv, dir.path(), 20s);
  }
  std::string state() {
    auto r = ctl({"status", "--json"});
    if (r.code != 0) return "";
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_object() ? j.value("state", "") : "";
  }
  void start_running(const std::string& shell_prefix = "") {
    start(shell_prefix);
    REQUIRE(slob::test::wait_until([&] { return log().find("-> Running") != std::string::npos; }, 30s));
  }
  int stop() {
    process->signal(SIGTERM);
    auto code = process->wait_for_exit(30s);
    REQUIRE(code);
    return *code;
  }
};

// The sim + lmdb + slob replay of the main-job fixture, to its end.
struct ReplayDaemon {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";

  explicit ReplayDaemon(const std::string& store_extra = "") {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"state/slob.sock\"\n[broker]\nplugin = \"sim\"\n"
                          << "[broker.config]\ndata = \"" << kFixtures << "/main/nq-3days.csv\"\n"
                          << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\n"
                          << "sync = \"none\"\n" << store_extra << "[strategy]\nplugin = \"slob\"\n";
  }
  slob::test::RunResult run(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {SLOB_HOST_BIN, "--config", config.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return slob::test::run(argv, dir.path(), 120s);
  }
};

int count_of(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// A raw control connection (what slob-ctl does, held open). -1 when connect failed.
int connect_to(const std::filesystem::path& path, bool non_blocking = false) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Everything `fd` receives until the peer closes it or `timeout` passes with nothing more.
std::string read_until_closed(int fd, std::chrono::milliseconds timeout) {
  std::string out;
  char buf[4096];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return out + "<timeout>";
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// One request on a fresh connection; its answer line, or nullopt when none came in `timeout`.
std::optional<nlohmann::json> ask(const std::filesystem::path& path, const std::string& command,
                                  std::chrono::milliseconds timeout = 3s) {
  const int fd = connect_to(path);
  if (fd < 0) return std::nullopt;
  const std::string line = nlohmann::json{{"command", command}}.dump() + "\n";
  std::optional<nlohmann::json> answer;
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size())) {
    std::string got;
    char buf[4096];
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    if (got.find('\n') != std::string::npos) answer = nlohmann::json::parse(got.substr(0, got.find('\n')), nullptr, false);
  }
  ::close(fd);
  return answer;
}

// Resident set size of `pid` in KiB (VmRSS in /proc/PID/status); -1 when unreadable.
long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

}  // namespace

TEST_CASE("a client that pipelines requests and never reads is dropped and memory stays bounded", "[process][hardening]") {
  LiveDaemon d;
  d.start_running();
  const pid_t pid = d.process->pid();
  const long rss_before = rss_kib(pid);
  REQUIRE(rss_before > 0);

  const int fd = connect_to(d.socket, /*non_blocking=*/true);
  REQUIRE(fd >= 0);
  std::string chunk;
  while (chunk.size() < 64 * 1024) chunk += "{\"command\":\"status\"}\n";
  const std::size_t goal = 8u << 20;  // 8 MiB of requests, as in the report
  std::size_t sent = 0;
  long rss_max = rss_before;
  bool dropped = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (sent < goal && std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, 20);
    } else {
      dropped = true;  // EPIPE / ECONNRESET: the daemon closed the connection
      break;
    }
    rss_max = std::max(rss_max, rss_kib(pid));
  }
  ::close(fd);
  rss_max = std::max(rss_max, rss_kib(pid));
  INFO("sent " << sent << " bytes; VmRSS " << rss_before << " KiB before, at most " << rss_max << " KiB");
  CHECK(dropped);
  CHECK(rss_max - rss_before < 64 * 1024);
  CHECK(d.log().find("SLOB_CONTROL_CLIENT_DROPPED: a control client does not read its answers") != std::string::npos);
  // Everyone else is still served.
  CHECK(d.state() == "Running");
  CHECK(d.stop() == 0);
}

TEST_CASE("at most 64 control connections: one more is told so and closed, freed slots serve again", "[process][hardening]") {
  LiveDaemon d;
  d.start_running();
  std::vector<int> held;
  for (int i = 0; i < 64; ++i) {
    const int fd = connect_to(d.socket);
    REQUIRE(fd >= 0);
    held.push_back(fd);
  }
  // Each of them is a session: each gets an answer.
  const std::string status = "{\"command\":\"status\"}\n";
  REQUIRE(::send(held.back(), status.data(), status.size(), MSG_NOSIGNAL) > 0);
  pollfd p{held.back(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);

  const int extra = connect_to(d.socket);
  REQUIRE(extra >= 0);
  const std::string answer = read_until_closed(extra, 5s);
  ::close(extra);
  CHECK(answer == "{\"error\":\"too many control connections (64 open)\",\"ok\":false}\n");
  CHECK(count_of(d.log(), "SLOB_CONTROL_CONNECTIONS_FULL") == 1);

  ::close(held.front());
  held.erase(held.begin());
  REQUIRE(slob::test::wait_until([&] { return ask(d.socket, "status").has_value(); }, 10s));
  for (int fd : held) ::close(fd);
  CHECK(d.state() == "Running");
  CHECK(d.stop() == 0);
}

TEST_CASE("out of file descriptors: accepting stops, is logged once, and resumes when they are back", "[process][hardening]") {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer runtime probes memory through a pipe of its own; with every descriptor taken
  // that probe fails and UBSan reports a false "invalid vptr" and aborts the daemon. The
  // default build runs this case.
  WARN("skipped in the sanitizer build: its runtime needs free descriptors");
  return;
#endif
  LiveDaemon d;
  d.start_running("ulimit -n 48;");
  const pid_t pid = d.process->pid();
  const std::size_t in_use = open_fds(pid);
  INFO("descriptors in use when Running: " << in_use);
  REQUIRE(in_use < 40);
  // Idle connections until every descriptor is taken (fewer than the 64-connection limit); a
  // connect the full backlog refuses for now is simply tried again.
  std::vector<int> held;
  REQUIRE(slob::test::wait_until([&] {
    if (open_fds(pid) >= 48) return true;
    if (const int fd = connect_to(d.socket, /*non_blocking=*/true); fd >= 0) held.push_back(fd);
    return false;
  }, 10s));
  // A few more wait in the backlog: the next accept() has nothing to put them in.
  for (int i = 0; i < 4; ++i)
    if (const int fd = connect_to(d.socket, /*non_blocking=*/true); fd >= 0) held.push_back(fd);
  std::this_thread::sleep_for(1s);  // ~10 retries of accept()
  for (int fd : held) ::close(fd);

  // Every connection closed: the daemon answers again, by itself.
  REQUIRE(slob::test::wait_until([&] { return ask(d.socket, "status").has_value(); }, 10s));
  const std::string log = d.log();
  INFO(log);
  CHECK(count_of(log, "SLOB_CONTROL_ACCEPT_FAILED") == 1);
  CHECK(log.find("SLOB_CONTROL_ACCEPT_FAILED: cannot accept a control connection: Too many open files; "
                 "retrying every 100ms") != std::string::npos);
  CHECK(log.find("SLOB_CONTROL_ACCEPT_RESUMED") != std::string::npos);
  CHECK(d.state() == "Running");
  CHECK(d.stop() == 0);
}

TEST_CASE("a failed durable write ends a replay loudly: safe mode, exit 1", "[process][hardening]") {
  SECTION("the sim cannot write its book (SLOB_SIM_STATE_WRITE_FAILED)") {
    ReplayDaemon r;
    // The snapshot's temporary file cannot be created: the first order's write fails.
    std::filesystem::create_directories(r.dir / "state/sim-broker.json.tmp");
    const auto result = r.run();
    INFO(result.err);
    CHECK(result.code == 1);
    CHECK(result.err.find("SLOB_SIM_STATE_WRITE_FAILED") != std::string::npos);
    CHECK(result.err.find("SLOB_SAFE_MODE_ENTERED: broker failed: sim broker stopped after a failed state write") !=
          std::string::npos);
    CHECK(result.err.find("SLOB_REPLAY_ENDED_IN_SAFE_MODE") != std::string::npos);
  }
  SECTION("the store cannot commit (its map is full)") {
    ReplayDaemon r("map_size = \"128KiB\"\nmax_map_size = \"128KiB\"\n");
    const auto result = r.run();
    INFO(result.err);
    CHECK(result.code == 1);
    CHECK(result.err.find("SLOB_SAFE_MODE_ENTERED") != std::string::npos);
    CHECK(result.err.find("SLOB_REPLAY_ENDED_IN_SAFE_MODE") != std::string::npos);
  }
}

TEST_CASE("SIGUSR1 logs the status, SIGUSR2 reopens the log files, SIGPIPE is ignored: the daemon stays up",
          "[process][hardening]") {
  LiveDaemon d;
  d.start_running();
  d.process->signal(SIGUSR1);
  REQUIRE(slob::test::wait_until([&] { return d.log().find("SLOB_STATUS_SIGNAL: SIGUSR1: {") != std::string::npos; }, 10s));
  CHECK(d.log().find("\"state\":\"Running\"") != std::string::npos);
  d.process->signal(SIGUSR2);
  REQUIRE(slob::test::wait_until([&] { return d.log().find("SLOB_LOG_REOPENED: SIGUSR2: 0 log file(s) reopened") != std::string::npos; }, 10s));
  d.process->signal(SIGPIPE);
  std::this_thread::sleep_for(200ms);
  REQUIRE(d.process->running());
  CHECK(d.state() == "Running");
  CHECK(d.stop() == 0);
  CHECK_FALSE(std::filesystem::exists(d.socket));
}

TEST_CASE("stdout and stderr closed by the reader (slob-host | head): the daemon runs on", "[process][hardening]") {
  LiveDaemon d;
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  ::close(pipe_fds[0]);  // the reader is gone before the first line
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::execl(SLOB_HOST_BIN, SLOB_HOST_BIN, "--config", d.config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  int status = 0;
  bool gone = false;
  const bool running = slob::test::wait_until([&] {
    gone = gone || ::waitpid(pid, &status, WNOHANG) == pid;
    if (gone) return true;
    auto a = ask(d.socket, "status", 1s);
    return a && a->is_object() && a->value("ok", false) && (*a)["result"].value("state", "") == "Running";
  }, 20s);
  if (!gone) {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, &status, 0);
  }
  INFO("wait status " << status << (gone ? " (it ended by itself)" : ""));
  CHECK(running);
  CHECK_FALSE(gone);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("two SIGTERMs within 1 s are one request: the whole shutdown runs, exit 0", "[process][hardening]") {
  // 1 ms apart the kernel may merge the two into one pending signal (it did here, before the
  // fix); sent once the first has begun the shutdown, the second certainly arrives as a second.
  for (const bool after_begin : {false, true}) {
    LiveDaemon d("", "stop_delay_ms = 500");
    d.start_running();
    d.process->signal(SIGTERM);
    const auto first = std::chrono::steady_clock::now();
    if (after_begin) {
      REQUIRE(slob::test::wait_until(
          [&] { return d.log().find("SLOB_SHUTDOWN_BEGIN") != std::string::npos; }, 900ms));
    } else {
      std::this_thread::sleep_for(1ms);
    }
    d.process->signal(SIGTERM);
    REQUIRE(std::chrono::steady_clock::now() - first < 1s);
    const auto code = d.process->wait_for_exit(30s);
    REQUIRE(code);
    const std::string log = d.log();
    INFO((after_begin ? "after SLOB_SHUTDOWN_BEGIN" : "1 ms apart") << "\n" << log);
    CHECK(*code == 0);
    CHECK(in_order(log, slob::test::kShutdownStepsLeave));
    CHECK(log.find("Draining -> Stopped: shutdown complete") != std::string::npos);
    CHECK(log.find("SLOB_SHUTDOWN_ABORTED") == std::string::npos);
    if (after_begin) CHECK(log.find("SLOB_SHUTDOWN_REPEATED: SIGTERM ") != std::string::npos);
  }
}

TEST_CASE("SIGTERM, then another SIGTERM 2 s later: exit 1 at once", "[process][hardening]") {
  LiveDaemon d("shutdown_timeout = \"60s\"\nshutdown_step_timeout = \"30s\"", "stop_mode = \"never\"");
  d.start_running();
  d.process->signal(SIGTERM);
  std::this_thread::sleep_for(2s);
  const auto t0 = std::chrono::steady_clock::now();
  d.process->signal(SIGTERM);
  const auto code = d.process->wait_for_exit(10s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(d.log().find("second signal (SIGTERM): exiting at once with code 1") != std::string::npos);
}

TEST_CASE("control_socket naming a regular file: config error 78, the file intact", "[process][hardening]") {
  LiveDaemon d("", "", "precious.dat");
  std::ofstream(d.socket) << "history\n";
  const std::string expected = d.config.string() + ":4:18: [host] control_socket: " + d.socket.string() +
                               " exists and is a regular file; only a stale socket is ever replaced "
                               "(move it away or choose another path)\n";
  auto check = slob::test::run({SLOB_HOST_BIN, "--config", d.config.string(), "--check"}, d.dir.path());
  CHECK(check.code == 78);
  CHECK(check.err == expected);
  d.start();
  const auto code = d.process->wait_for_exit(20s);
  REQUIRE(code);
  CHECK(*code == 78);
  CHECK(d.log() == expected);
  CHECK(slob::test::read_file(d.socket) == "history\n");
  CHECK_FALSE(std::filesystem::exists(d.dir / "state"));

  SECTION("a directory there, or a state_dir that is a file: the same") {
    std::filesystem::remove(d.socket);
    std::filesystem::create_directory(d.socket);
    std::ofstream(d.dir / "state") << "not a directory\n";
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", d.config.string(), "--check"}, d.dir.path());
    CHECK(r.code == 78);
    CHECK(r.err == d.config.string() + ":2:13: [host] state_dir: " + (d.dir / "state").string() +
                       " is not a directory\n" + d.config.string() + ":4:18: [host] control_socket: " +
                       d.socket.string() + " exists and is a directory; only a stale socket is ever "
                       "replaced (move it away or choose another path)\n");
  }
}

TEST_CASE("a control_socket path too long to bind: 78 before anything is created and slob-ctl says so", "[process][hardening]") {
  const std::string name = std::string(120, 's') + ".sock";
  LiveDaemon d("", "", name);
  const std::string problem = "[host] control_socket: the socket path is " +
                              std::to_string(d.socket.string().size()) +
                              " bytes long; a Unix socket path has at most 107 (choose a shorter one)";
  auto check = slob::test::run({SLOB_HOST_BIN, "--config", d.config.string(), "--check"}, d.dir.path());
  CHECK(check.code == 78);
  CHECK(check.err == d.config.string() + ":4:18: " + problem + "\n");
  d.start();
  const auto code = d.process->wait_for_exit(20s);
  REQUIRE(code);
  CHECK(*code == 78);
  CHECK(d.log() == d.config.string() + ":4:18: " + problem + "\n");
  CHECK_FALSE(std::filesystem::exists(d.dir / "state"));

  auto ctl = d.ctl({"status"});
  CHECK(ctl.code == 2);
  CHECK(ctl.err == "slob-ctl: " + d.socket.string() + ": the socket path is " +
                       std::to_string(d.socket.string().size()) +
                       " bytes long; a Unix socket path has at most 107 (choose a shorter one)\n");
}

TEST_CASE("slob-host --fresh discards only what the daemon owns: other files in state_dir stay", "[process][hardening]") {
  ReplayDaemon r;
  const auto first = r.run();
  REQUIRE(first.code == 0);
  const auto trades = slob::test::run({SLOB_HOST_BIN, "--config", r.config.string(), "export", "trades"}, r.dir.path());
  REQUIRE(trades.code == 0);
  std::ofstream(r.dir / "state/slob.toml") << "# an operator's copy of the config\n";
  std::ofstream(r.dir / "state/bars.csv") << "kept\n";

  const auto fresh = r.run({"--fresh"});
  INFO(fresh.err);
  CHECK(fresh.code == 0);
  CHECK(slob::test::read_file(r.dir / "state/slob.toml") == "# an operator's copy of the config\n");
  CHECK(slob::test::read_file(r.dir / "state/bars.csv") == "kept\n");
  // The store and the sim's book did start over: the same trades once, not resumed or doubled.
  CHECK(fresh.err.find("SLOB_SIM_STATE_RESTORED") == std::string::npos);
  auto again = slob::test::run({SLOB_HOST_BIN, "--config", r.config.string(), "export", "trades"}, r.dir.path());
  CHECK(again.out == trades.out);
  CHECK(fresh.out == first.out);  // the replay summary: every trade, traded again
}
