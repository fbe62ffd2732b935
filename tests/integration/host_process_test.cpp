// A real slob-host process with the test plugin set, driven from the outside: signals, the
// bounded shutdown, slob-ctl, --check and exit codes.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "plugins/build_compatibility.hpp"
#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;
using slob::test::in_order;

namespace {

struct Daemon {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";
  std::filesystem::path socket = dir / "slob.sock";
  std::unique_ptr<Process> process;

  explicit Daemon(const std::string& host_extra = "", const std::string& broker_extra = "") {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\""
                          << SLOB_TEST_ONLY_PLUGIN_DIR << "\"]\ncontrol_socket = \"slob.sock\"\n"
                          << host_extra << "\n[broker]\nplugin = \"testbroker\"\n"
                          << "[broker.config]\n" << broker_extra
                          << "\n[store]\nplugin = \"teststore\"\n[strategy]\nplugin = "
                             "\"teststrategy\"\n";
  }
  // `env`: NAME=VALUE settings for the daemon, through env(1), which execs it in place.
  void start(const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {SLOB_HOST_BIN, "--config", config.string()});
    process = std::make_unique<Process>(argv, dir / "out.log", dir / "err.log");
  }
  slob::test::RunResult ctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SLOB_CTL_BIN, "--socket", socket.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return slob::test::run(argv, dir.path());
  }
  std::string state() {
    auto r = ctl({"status", "--json"});
    if (r.code != 0) return "";
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    return j.is_object() ? j.value("state", "") : "";
  }
  bool wait_for_state(const std::string& s) {
    return slob::test::wait_until([&] { return state() == s; });
  }
  std::string log() const { return process->err(); }
  // Starts the daemon and waits until it reports `s`; its log so far.
  std::string start_until(const std::string& s) {
    start();
    REQUIRE(wait_for_state(s));
    return log();
  }
};

int count_of(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// A stand-in for systemd's notify socket: a datagram socket the daemon's sd_notify() writes to.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { ::close(fd_); }
  const std::filesystem::path& path() const { return path_; }
  // Everything received so far, one datagram per entry (a datagram may hold several lines).
  const std::vector<std::string>& messages() {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT)) > 0;) messages_.emplace_back(buf, n);
    return messages_;
  }
  std::size_t count(const std::string& message) {
    std::size_t n = 0;
    for (const auto& m : messages()) n += m == message;
    return n;
  }
  // Index of the first message starting with `prefix`, or -1.
  long index_of(const std::string& prefix) {
    const auto& all = messages();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].rfind(prefix, 0) == 0) return static_cast<long>(i);
    return -1;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace

TEST_CASE("under systemd: STATUS follows the lifecycle, READY=1 once Running, WATCHDOG=1 only while "
          "the loop runs, STOPPING=1 at SIGTERM", "[process][systemd]") {
  // The broker's stop blocks the loop for good, so the end of the watchdog pings shows; the hard
  // deadline ends the process 2 s after the signal.
  Daemon d("shutdown_timeout = \"2s\"\nshutdown_step_timeout = \"1s\"", "stop_mode = \"block\"");
  NotifySocket notify(d.dir / "notify.sock");
  d.start({"NOTIFY_SOCKET=" + notify.path().string(), "WATCHDOG_USEC=100000"});  // a ping every 50 ms
  REQUIRE(slob::test::wait_until([&] { return notify.count("READY=1") == 1; }));
  const long running = notify.index_of("STATUS=Running");
  REQUIRE(running >= 0);
  CHECK(notify.index_of("STATUS=Recovering") < running);
  CHECK(notify.index_of("STATUS=Connecting") < running);
  CHECK(notify.index_of("STATUS=Reconciling") < running);
  CHECK(notify.index_of("READY=1") > running);
  REQUIRE(slob::test::wait_until([&] { return notify.count("WATCHDOG=1") >= 10; }));

  d.process->signal(SIGTERM);
  REQUIRE(slob::test::wait_until([&] { return notify.count("STOPPING=1") == 1; }));
  const std::size_t pings_at_stop = notify.count("WATCHDOG=1");
  const auto code = d.process->wait_for_exit(20s);
  REQUIRE(code);
  CHECK(*code == 1);  // the hard deadline
  // Blocked for about 2 s at 50 ms a ping: the loop would have sent ~40 more; a blocked loop
  // sends none (at most the ones due in the few milliseconds before the broker's stop).
  INFO("pings before SIGTERM " << pings_at_stop << ", in all " << notify.count("WATCHDOG=1"));
  CHECK(notify.count("WATCHDOG=1") <= pings_at_stop + 3);
  CHECK(notify.index_of("STATUS=Draining") > notify.index_of("READY=1"));
}

TEST_CASE("SIGTERM and SIGINT run the ordered shutdown and exit 0", "[process]") {
  for (int sig : {SIGTERM, SIGINT}) {
    Daemon d;
    d.start();
    REQUIRE(d.wait_for_state("Running"));
    d.process->signal(sig);
    const auto code = d.process->wait_for_exit(20s);
    REQUIRE(code);
    CHECK(*code == 0);
    const std::string log = d.log();
    INFO(log);
    CHECK(in_order(log, slob::test::kShutdownStepsLeave));
    CHECK(log.find(sig == SIGTERM ? "SIGTERM received" : "SIGINT received") != std::string::npos);
    CHECK(log.find("Draining -> Stopped: shutdown complete") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(d.socket));
  }
}

TEST_CASE("an exit that arrives live before the snapshot's entry closes the trade", "[process]") {
  // IB after a reconnect: the stop fills now and its execDetails arrives while the snapshot with
  // the entry (filled while we were away) is still coming. Applied in arrival order the exit
  // finds no trade and the entry then opens one the broker has closed: safe mode, a phantom
  // position. The host holds live executions until the snapshot and applies them together.
  Daemon d("", "exit_before_snapshot = true\n");
  d.start();
  REQUIRE(d.wait_for_state("Running"));
  CHECK(d.log().find("SLOB_TRADE_CLOSED: away SHORT 1 stop_loss") != std::string::npos);
  CHECK(d.log().find("SLOB_FILL_NO_TRADE") == std::string::npos);
  CHECK(d.log().find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);
  d.process->signal(SIGTERM);
  CHECK(d.process->wait_for_exit(30s) == 0);
}

TEST_CASE("a position report older than the fills it comes with is asked again, not acted on", "[process]") {
  // The stop filled after IB answered reqPositions but before the snapshot was complete: the
  // snapshot says short 1, its executions say flat. Acting on it would be safe mode for a
  // position nobody has; the host asks again and the second snapshot agrees.
  Daemon d("[connection]\nposition_recheck = \"300ms\"\n",
           "exit_before_snapshot = true\nfirst_snapshot_position = -1\n");
  const std::string log = d.start_until("Running");
  INFO(log);
  CHECK(in_order(log, {"SLOB_TRADE_CLOSED: away SHORT 1 stop_loss",
                       "warning host SLOB_RECONCILE_RECHECK: position NQ -1 at the broker has no trade "
                       "in the store (opened outside the bot?); asking the broker again in 300ms "
                       "before acting on it",
                       "Reconciling -> Running: reconciled: 0 findings, none blocking"}));
  CHECK(log.find("SLOB_RECONCILE_MISMATCH") == std::string::npos);
  CHECK(log.find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);
  d.process->signal(SIGTERM);
  CHECK(d.process->wait_for_exit(30s) == 0);
}

TEST_CASE("a position disagreement the second snapshot confirms enters safe mode", "[process]") {
  Daemon d("[connection]\nposition_recheck = \"300ms\"\n", "first_snapshot_position = 2\nsnapshot_position = 2\n");
  const std::string log = d.start_until("SafeMode");
  INFO(log);
  CHECK(in_order(log, {"SLOB_RECONCILE_RECHECK: position NQ 2 at the broker has no trade in the store",
                       "critical host SLOB_RECONCILE_MISMATCH: position NQ 2 at the broker has no "
                       "trade in the store",
                       "Reconciling -> SafeMode: reconciliation: position NQ 2"}));
  CHECK(count_of(log, "SLOB_RECONCILE_RECHECK") == 1);
  CHECK(count_of(log, "SLOB_RECONCILE_MISMATCH") == 1);
  d.process->signal(SIGTERM);
  CHECK(d.process->wait_for_exit(30s) == 0);
}

TEST_CASE("a second slob-host on the same state_dir is refused, the first trades on", "[process]") {
  Daemon d;
  d.start_until("Running");
  // Same state, another control socket: only the state directory can tell them apart.
  const auto second = d.dir / "second.toml";
  const std::string first_socket = "control_socket = \"slob.sock\"";
  std::string text = slob::test::read_file(d.config);
  text.replace(text.find(first_socket), first_socket.size(), "control_socket = \"two.sock\"");
  std::ofstream(second) << text;
  const auto r = slob::test::run({SLOB_HOST_BIN, "--config", second.string()}, d.dir.path());
  INFO(r.err);
  CHECK(r.code == 78);
  CHECK(r.err.find("state_dir " + (d.dir / "state").string() + " is in use by another slob-host (pid " +
                   std::to_string(d.process->pid()) + "): one store, one daemon\n") != std::string::npos);
  CHECK(d.state() == "Running");
  d.process->signal(SIGTERM);
  CHECK(d.process->wait_for_exit(30s) == 0);
  // Released with the process: the next start takes it.
  d.start_until("Running");
  d.process->signal(SIGTERM);
  CHECK(d.process->wait_for_exit(30s) == 0);
}

TEST_CASE("slob-ctl status reports the lifecycle and plugins, shutdown stops the daemon", "[process]") {
  Daemon d;
  d.start();
  REQUIRE(d.wait_for_state("Running"));
  auto r = d.ctl({"status", "--json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["state"] == "Running");
  CHECK(j["safe_mode"]["active"] == false);
  REQUIRE(j["plugins"].size() == 3);
  CHECK(j["plugins"][0]["name"] == "testbroker");
  CHECK(j["plugins"][0]["version"] == "0.1.0-test");
  // What it was built with, for diagnosis (the plugin is this tree's: the host's own build).
  const std::string build = slob::core::describe_build(slob::sdk::kBuildInfo);
  CHECK(j["plugins"][0]["build"] == build);
  auto human = d.ctl({"status"});
  CHECK(human.code == 0);
  CHECK(human.out.find("state:        Running") == 0);
  CHECK(human.out.find("\n    built: " + build + "\n") != std::string::npos);
  auto unknown = d.ctl({"halt"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err == "slob-ctl: halt: halt needs --reason TEXT (it is audited)\n");
  REQUIRE(d.ctl({"shutdown", "--reason", "test"}).code == 0);
  const auto code = d.process->wait_for_exit(20s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(in_order(d.log(), slob::test::kShutdownStepsLeave));
}

TEST_CASE("a plugin that never finishes stopping: exit 1 after the step timeout", "[process]") {
  Daemon d("shutdown_timeout = \"10s\"\nshutdown_step_timeout = \"1s\"", "stop_mode = \"never\"");
  d.start();
  REQUIRE(d.wait_for_state("Running"));
  const auto t0 = std::chrono::steady_clock::now();
  d.process->signal(SIGTERM);
  const auto code = d.process->wait_for_exit(20s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK(std::chrono::steady_clock::now() - t0 >= 1s);
  const std::string log = d.log();
  INFO(log);
  CHECK(log.find("shutdown 6/8: disconnect from the broker did not finish within 1s; moving on") !=
        std::string::npos);
  CHECK(log.find("shutdown 8/8: stop strategy and store") != std::string::npos);
}

TEST_CASE("a plugin that blocks the loop: the hard deadline exits 1", "[process]") {
  Daemon d("shutdown_timeout = \"1s\"\nshutdown_step_timeout = \"1s\"", "stop_mode = \"block\"");
  d.start();
  REQUIRE(d.wait_for_state("Running"));
  d.process->signal(SIGTERM);
  const auto code = d.process->wait_for_exit(20s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK(d.log().find("SLOB_SHUTDOWN_HARD_DEADLINE: shutdown blocked past shutdown_timeout; "
                     "exiting with code 1; left undone: disconnect from the broker, stop observers, stop "
                     "strategy and store") != std::string::npos);
}

TEST_CASE("a second signal exits at once with code 1", "[process]") {
  Daemon d("shutdown_timeout = \"60s\"\nshutdown_step_timeout = \"30s\"", "stop_mode = \"never\"");
  d.start();
  REQUIRE(d.wait_for_state("Running"));
  d.process->signal(SIGTERM);
  REQUIRE(slob::test::wait_until(
      [&] { return d.log().find("shutdown 6/8") != std::string::npos; }));
  // Within 1 s of the first it would be the same request (host_hardening_test.cpp).
  std::this_thread::sleep_for(1200ms);
  const auto t0 = std::chrono::steady_clock::now();
  d.process->signal(SIGINT);
  const auto code = d.process->wait_for_exit(10s);
  REQUIRE(code);
  CHECK(*code == 1);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(d.log().find("second signal (SIGINT): exiting at once with code 1; left undone: "
                     "disconnect from the broker, stop observers, stop strategy and store") != std::string::npos);
}

TEST_CASE("slob-host --check: 0 for a good config, 78 with every error for a bad one", "[process]") {
  Daemon good;
  auto ok = slob::test::run({SLOB_HOST_BIN, "--config", good.config.string(), "--check"}, good.dir.path());
  CHECK(ok.code == 0);
  CHECK(ok.out == good.config.string() + ": ok (broker testbroker, store teststore, strategy teststrategy, 0 observers)\n");

  Daemon bad("shutdown_timeout = \"forever\"", "typo = 1");
  auto r = slob::test::run({SLOB_HOST_BIN, "--config", bad.config.string(), "--check"}, bad.dir.path());
  INFO(r.err);
  CHECK(r.code == 78);
  CHECK(r.err == bad.config.string() + ":5:20: [host] shutdown_timeout: bad duration \"forever\" "
                                       "(use units h, m, s, ms, e.g. \"30s\")\n");
  Daemon bad_plugin("", "typo = 1");
  r = slob::test::run({SLOB_HOST_BIN, "--config", bad_plugin.config.string(), "--check"}, bad_plugin.dir.path());
  INFO(r.err);
  CHECK(r.code == 78);
  CHECK(r.err == bad_plugin.config.string() + ":9:8: [broker.config] unknown key \"typo\"\n");
}

TEST_CASE("usage errors exit 2, --version exits 0", "[process]") {
  TempDir dir;
  auto v = slob::test::run({SLOB_HOST_BIN, "--version"}, dir.path());
  CHECK(v.code == 0);
  CHECK(v.out == "slob-host 0.1.0 (SDK ABI " + std::to_string(slob::sdk::kSdkAbiVersion) + ", " +
                     slob::core::describe_build(slob::sdk::kBuildInfo) + ")\n");
  auto u = slob::test::run({SLOB_HOST_BIN, "--bogus"}, dir.path());
  CHECK(u.code == 2);
  CHECK(u.err.rfind("slob-host: unknown option --bogus\n", 0) == 0);
  auto c = slob::test::run({SLOB_CTL_BIN, "--socket", (dir / "none.sock").string(), "status"}, dir.path());
  CHECK(c.code == 1);
  CHECK(c.err.find("slob-ctl: cannot reach slob-host at ") == 0);
}

namespace {

// A daily window around the current wall-clock time, in UTC ("daily 21:40-23:40").
std::string window_around_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  const int minute = utc.tm_hour * 60 + utc.tm_min;
  auto hhmm = [](int m) {
    m = ((m % 1440) + 1440) % 1440;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
    return std::string(buf);
  };
  return "daily " + hhmm(minute - 60) + "-" + hhmm(minute + 60);
}

}  // namespace

TEST_CASE("failed connections inside a maintenance window are retried without entering safe mode", "[process][maintenance]") {
  const std::string fast = "\n[connection]\nstartup_attempts = 2\nbackoff_initial = \"20ms\"\n"
                           "backoff_max = \"40ms\"\n";
  SECTION("inside the window: still connecting after many more attempts than the budget") {
    const std::string window = window_around_now();
    Daemon d(fast + "[maintenance]\ntimezone = \"UTC\"\nwindows = [\"" + window + "\"]\n",
             "fail_connect = true");
    d.start();
    REQUIRE(slob::test::wait_until([&] { return d.log().find("attempt 8") != std::string::npos; }));
    CHECK(d.state() == "Connecting");
    const std::string log = d.log();
    CHECK(log.find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);
    CHECK(count_of(log, "connection attempt failed inside maintenance window \"" + window) >= 7);
    CHECK(log.find("expected, not counted toward safe mode") != std::string::npos);
    auto status = nlohmann::json::parse(d.ctl({"status", "--json"}).out);
    CHECK(status["maintenance"]["active"] == true);
    CHECK(status["maintenance"]["window"] == window);
    CHECK(d.ctl({"status"}).out.find("maintenance:  inside \"" + window + "\" until ") !=
          std::string::npos);
    d.process->signal(SIGTERM);
    CHECK(d.process->wait_for_exit(20s) == 0);
  }
  SECTION("no window: safe mode after the two attempts of the budget") {
    Daemon d(fast + "[maintenance]\nwindows = []\n", "fail_connect = true");
    d.start();
    REQUIRE(d.wait_for_state("SafeMode"));
    const std::string log = d.log();
    CHECK(log.find("broker unreachable after 2 connection attempts") != std::string::npos);
    CHECK(log.find("SLOB_MAINTENANCE_RETRY") == std::string::npos);
    d.process->signal(SIGTERM);
    CHECK(d.process->wait_for_exit(20s) == 0);
  }
}
