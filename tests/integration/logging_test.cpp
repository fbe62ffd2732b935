// The daemon's log as an operator meets it, from real processes: under systemd (journald's
// native protocol, or the "<N>" prefix when the journal's socket is not there), and in files
// ([logging]: JSON lines, the error file, SIGUSR2 after logrotate moved a file).
//
// The journal cases run slob-host under journal-capture (tests/support/journal_capture.cpp), which
// binds a socket where libsystemd sends, in a private mount namespace: they need root, and say
// so instead of running otherwise. Their run is the replay whose sim broker cannot write its
// book: it logs at info, error and critical (SLOB_SAFE_MODE_ENTERED) and exits 1.

#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon_harness.hpp"
#include "process.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using slob::test::Process;
using slob::test::read_file;
using slob::test::TempDir;

namespace {

const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

std::vector<json> json_lines(const std::filesystem::path& file) {
  std::vector<json> out;
  for (const auto& line : lines_of(read_file(file))) out.push_back(json::parse(line));
  return out;
}

// The first entry (journal entry or JSON log line) whose `key` is `value`; null if none.
json find(const std::vector<json>& entries, const std::string& key, const std::string& value) {
  for (const auto& e : entries)
    if (e.value(key, "") == value) return e;
  return nullptr;
}

// The replay that enters safe mode, run under journal-capture with `options`.
struct JournalRun {
  TempDir dir;
  std::filesystem::path entries_file = dir / "journal.jsonl";
  std::optional<int> code;

  explicit JournalRun(const std::vector<std::string>& options) {
    std::ofstream(dir / "slob.toml")
        << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
        << "\"]\ncontrol_socket = \"state/slob.sock\"\n[broker]\nplugin = \"sim\"\n"
        << "[broker.config]\ndata = \"" << kFixtures << "/main/nq-3days.csv\"\n"
        << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\nsync = \"none\"\n"
        << "[strategy]\nplugin = \"slob\"\n";
    // The snapshot's temporary file cannot be created: the first order's write fails.
    std::filesystem::create_directories(dir / "state/sim-broker.json.tmp");
    std::vector<std::string> argv = {SLOB_JOURNAL_CAPTURE_BIN};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {entries_file.string(), "--", SLOB_HOST_BIN, "--config", (dir / "slob.toml").string()});
    Process p(argv, dir / "out.log", dir / "err.log", slob::test::Spawn{.die_with_parent = true});
    code = p.wait_for_exit(120s);
  }
  std::string err() const { return read_file(dir / "err.log"); }
  std::vector<json> entries() const { return json_lines(entries_file); }
};

bool root() {
  if (::geteuid() == 0) return true;
  WARN("SKIPPED: the journal tests bind /run/systemd/journal/socket in a private mount namespace: run them as root");
  return false;
}

}  // namespace

TEST_CASE("under journald each line is an entry with its priority and SLOB_ID — none goes to stderr",
          "[process][logging]") {
  if (!root()) return;
  JournalRun run({});
  INFO(run.err());
  REQUIRE(run.code == 1);
  const auto entries = run.entries();
  REQUIRE_FALSE(entries.empty());

  const json safe_mode = find(entries, "SLOB_ID", "SLOB_SAFE_MODE_ENTERED");
  REQUIRE(safe_mode.is_object());
  CHECK(safe_mode["PRIORITY"] == "2");
  CHECK(safe_mode["SYSLOG_IDENTIFIER"] == "slob-host");
  CHECK(safe_mode["SLOB_LOGGER"] == "host");
  CHECK(safe_mode["MESSAGE"].get<std::string>().rfind(
            "critical host SLOB_SAFE_MODE_ENTERED: broker failed: sim broker stopped after a failed state write", 0) == 0);
  CHECK_FALSE(safe_mode.contains("CODE_FILE"));

  const json error = find(entries, "SLOB_ID", "SLOB_REPLAY_ENDED_IN_SAFE_MODE");
  REQUIRE(error.is_object());
  CHECK(error["PRIORITY"] == "3");
  const json info = find(entries, "SLOB_ID", "SLOB_LIFECYCLE");
  REQUIRE(info.is_object());
  CHECK(info["PRIORITY"] == "6");
  CHECK(info["MESSAGE"].get<std::string>().rfind("info host SLOB_LIFECYCLE: ", 0) == 0);
  // A plugin's lines too, under its own logger name.
  const json plugin = find(entries, "SLOB_ID", "SLOB_SIM_STATE_WRITE_FAILED");
  REQUIRE(plugin.is_object());
  CHECK(plugin["SLOB_LOGGER"].get<std::string>().rfind("broker", 0) == 0);

  CHECK(run.err().find("SLOB_") == std::string::npos);
}

TEST_CASE("stderr is the journal but its socket is not there: each line has its <N> priority prefix",
          "[process][logging]") {
  if (!root()) return;
  JournalRun run({"--no-socket"});
  INFO(run.err());
  REQUIRE(run.code == 1);
  CHECK(run.entries().empty());
  const auto lines = lines_of(run.err());
  REQUIRE_FALSE(lines.empty());
  for (const auto& line : lines) {
    INFO(line);
    CHECK((line.size() > 3 && line[0] == '<' && std::isdigit(static_cast<unsigned char>(line[1])) && line[2] == '>'));
  }
  auto has = [&](const std::string& start) {
    for (const auto& line : lines)
      if (line.rfind(start, 0) == 0) return true;
    return false;
  };
  CHECK(has("<2>critical host SLOB_SAFE_MODE_ENTERED: broker failed"));
  CHECK(has("<3>error host SLOB_REPLAY_ENDED_IN_SAFE_MODE: "));
  CHECK(has("<6>info host SLOB_LIFECYCLE: "));
}

TEST_CASE("JOURNAL_STREAM inherited but stderr is elsewhere: plain time-stamped lines, nothing to the journal",
          "[process][logging]") {
  if (!root()) return;
  JournalRun run({"--other-stream"});
  INFO(run.err());
  REQUIRE(run.code == 1);
  CHECK(run.entries().empty());
  bool found = false;
  for (const auto& line : lines_of(run.err())) {
    if (line.find(" critical host SLOB_SAFE_MODE_ENTERED: ") == std::string::npos) continue;
    found = true;
    CHECK(slob::test::log_line_millis(line).has_value());
  }
  CHECK(found);
}

TEST_CASE("[logging] files: JSON lines, warnings in the error file, SIGUSR2 reopens after logrotate",
          "[process][logging]") {
  TempDir dir;
  slob::test::Daemon d(
      SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(),
      std::string("[host]\nstate_dir = \"state\"\nplugin_dirs = [\"") + SLOB_TEST_ONLY_PLUGIN_DIR +
          "\"]\ncontrol_socket = \"slob.sock\"\nlog_level = \"info\"\n"  // deprecated: a warning
          "[logging]\nfile = \"logs/slob-host.log\"\nerror_file = \"logs/errors.log\"\nformat = \"json\"\n"
          "[broker]\nplugin = \"testbroker\"\n[store]\nplugin = \"teststore\"\n[strategy]\nplugin = \"teststrategy\"\n");
  d.start();
  REQUIRE(d.wait_log("-> Running", 0, 30s));
  const auto log = dir / "logs/slob-host.log";
  const auto errors = dir / "logs/errors.log";

  // The same lines as the console, one JSON object each.
  const json running = find(json_lines(log), "id", "SLOB_LIFECYCLE");
  REQUIRE(running.is_object());
  CHECK(running["level"] == "info");
  CHECK(running["logger"] == "host");
  CHECK(running["time"].get<std::string>().back() == 'Z');
  // The error file has the warnings and nothing below them.
  const auto warnings = json_lines(errors);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["id"] == "SLOB_CONFIG_DEPRECATED");
  CHECK(warnings[0]["message"] == "[host] log_level is deprecated: use [logging] level");

  // logrotate: rename, then `kill -USR2`; the next lines go to a new file of the old name.
  std::filesystem::rename(log, dir / "logs/slob-host.log.1");
  const auto from = d.log_size();
  d.process().signal(SIGUSR2);
  REQUIRE(d.wait_log("SLOB_LOG_REOPENED: SIGUSR2: 2 log file(s) reopened", from, 10s));
  REQUIRE(slob::test::wait_until([&] { return std::filesystem::exists(log); }, 10s));
  CHECK(find(json_lines(log), "id", "SLOB_LOG_REOPENED").is_object());
  CHECK(find(json_lines(dir / "logs/slob-host.log.1"), "id", "SLOB_LOG_REOPENED").is_null());
  CHECK(find(json_lines(dir / "logs/slob-host.log.1"), "id", "SLOB_LIFECYCLE").is_object());

  CHECK(d.stop() == 0);
  CHECK(json_lines(errors).size() == 1);
}

TEST_CASE("a log file that cannot be written is a config error: exit 78 naming the file", "[process][logging]") {
  TempDir dir;
  std::ofstream(dir / "not-a-dir") << "x";
  std::ofstream(dir / "slob.toml")
      << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_ONLY_PLUGIN_DIR
      << "\"]\ncontrol_socket = \"slob.sock\"\n[logging]\nerror_file = \"not-a-dir/errors.log\"\n"
      << "[broker]\nplugin = \"testbroker\"\n[store]\nplugin = \"teststore\"\n[strategy]\nplugin = \"teststrategy\"\n";
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--check"}}) {
    std::vector<std::string> argv = {SLOB_HOST_BIN, "--config", (dir / "slob.toml").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = slob::test::run(argv, dir.path(), 30s);
    CHECK(r.code == 78);
    CHECK(r.err.find((dir / "slob.toml").string() + ":6:14: [logging] error_file: " + (dir / "not-a-dir").string() +
                        " is not a directory") != std::string::npos);
  }
}
