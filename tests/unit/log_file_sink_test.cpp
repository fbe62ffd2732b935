// The log files on simulated time: daily rotation at midnight UTC and retention pruning, size
// rotation of the error file, reopening after logrotate, and the JSON-lines format. Lines go in
// through log_line(), the daemon's one way of writing them.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "process.hpp"
#include "runtime/log_file_sink.hpp"
#include "runtime/log_format.hpp"
#include "runtime/logging.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono;
using namespace std::chrono_literals;
using slob::core::FileRotation;
using slob::core::LogFileSink;
using slob::sdk::LogLevel;
using slob::test::read_file;

constexpr sys_days kDec6 = 2026y / 12 / 6;

// A sink and a logger on it, on a clock the test moves.
struct Rig {
  slob::test::TempDir dir;
  fs::path path = dir / "slob-host.log";
  system_clock::time_point now = kDec6 + 23h + 59min;
  std::shared_ptr<LogFileSink> sink;
  std::unique_ptr<spdlog::logger> logger;

  void open(FileRotation rotation, std::unique_ptr<spdlog::formatter> format = slob::core::utc_text_formatter()) {
    auto opened = LogFileSink::open(path, rotation, std::move(format), [this] { return now; });
    REQUIRE(opened.is_ok());
    sink = *opened;
    logger = std::make_unique<spdlog::logger>("host", sink);
    logger->set_level(spdlog::level::trace);
  }
  void log(std::string_view id, std::string_view text, LogLevel level = LogLevel::kInfo) {
    slob::core::log_line(*logger, level, id, text);
  }
  fs::path dated(sys_days day) const { return LogFileSink::dated_name(path, day); }
  void touch(const fs::path& p, const std::string& text = "old\n") const { std::ofstream(p) << text; }
};

int count_lines(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("names: slob-host.log rotates to slob-host.2026-12-06.log and slob-host.1.log", "[logging]") {
  CHECK(LogFileSink::dated_name("/var/log/slob/slob-host.log", kDec6) == "/var/log/slob/slob-host.2026-12-06.log");
  CHECK(LogFileSink::dated_name("/var/log/slob/slob", kDec6) == "/var/log/slob/slob.2026-12-06");
  CHECK(LogFileSink::numbered_name("/var/log/slob/errors.log", 3) == "/var/log/slob/errors.3.log");
}

TEST_CASE("daily rotation at midnight UTC on simulated time — retention prunes old days", "[logging]") {
  Rig r;
  const sys_days dec6 = kDec6;
  // Rotated files of earlier runs: with 30 days, on Dec 6 the oldest kept is Nov 6.
  r.touch(r.dated(dec6 - days(31)));
  r.touch(r.dated(dec6 - days(30)));
  r.touch(r.dated(dec6 - days(29)));
  r.touch(r.dir / "slob-host.2026-10-01.log.gz");  // not a file of this sink's
  r.touch(r.dir / "other.2026-10-01.log");
  r.touch(r.dir / "slob-host.2026-13-01.log");     // no such day
  r.open({.by = FileRotation::By::kDay, .retention_days = 30});
  CHECK_FALSE(fs::exists(r.dated(dec6 - days(31))));
  CHECK(fs::exists(r.dated(dec6 - days(30))));
  CHECK(fs::exists(r.dir / "slob-host.2026-10-01.log.gz"));
  CHECK(fs::exists(r.dir / "other.2026-10-01.log"));
  CHECK(fs::exists(r.dir / "slob-host.2026-13-01.log"));

  r.log("SLOB_BEFORE", "the last minute of Dec 6");
  r.now = dec6 + 23h + 59min + 59s + 999ms;
  r.log("SLOB_BEFORE", "still Dec 6");
  CHECK_FALSE(fs::exists(r.dated(dec6)));

  r.now = dec6 + 24h;  // midnight UTC
  r.log("SLOB_AFTER", "the first line of Dec 7");
  const std::string rotated = read_file(r.dated(dec6));
  CHECK(count_lines(rotated) == 2);
  CHECK(rotated.find("info host SLOB_BEFORE: the last minute of Dec 6\n") != std::string::npos);
  CHECK(rotated.find("SLOB_AFTER") == std::string::npos);
  CHECK(read_file(r.path).find("info host SLOB_AFTER: the first line of Dec 7\n") != std::string::npos);
  CHECK(count_lines(read_file(r.path)) == 1);
  // Pruned at the rotation too: Nov 6 is now 31 days old.
  CHECK_FALSE(fs::exists(r.dated(dec6 - days(30))));
  CHECK(fs::exists(r.dated(dec6 - days(29))));

  // Days without a line: the file is named for the day its lines are from.
  r.now = dec6 + days(4) + 12h;
  r.log("SLOB_LATER", "Dec 10");
  CHECK(read_file(r.dated(dec6 + days(1))).find("SLOB_AFTER") != std::string::npos);
  CHECK_FALSE(fs::exists(r.dated(dec6 + days(2))));
  // A wall clock stepped back does not rotate.
  r.now = dec6 + days(3);
  r.log("SLOB_BACK", "clock stepped back");
  CHECK(count_lines(read_file(r.path)) == 2);
  CHECK_FALSE(fs::exists(r.dated(dec6 + days(4))));
}

TEST_CASE("a file an earlier run last wrote on an earlier day is rotated when the sink opens", "[logging]") {
  Rig r;
  r.touch(r.path, "a line of Dec 4\n");
  fs::last_write_time(r.path, file_clock::from_sys(system_clock::time_point(kDec6 - days(2) + 10h)));
  r.touch(r.dated(kDec6 - days(2)), "an earlier line of Dec 4\n");  // already there: appended to
  r.now = kDec6 + 8h;
  r.open({.by = FileRotation::By::kDay, .retention_days = 30});
  CHECK(read_file(r.dated(kDec6 - days(2))) == "an earlier line of Dec 4\na line of Dec 4\n");
  CHECK(read_file(r.path).empty());
  r.log("SLOB_TODAY", "Dec 6");
  CHECK(count_lines(read_file(r.path)) == 1);

  SECTION("a file written today is continued") {
    r.logger.reset();
    r.sink.reset();
    r.open({.by = FileRotation::By::kDay, .retention_days = 30});
    r.log("SLOB_TODAY", "Dec 6 again");
    CHECK(count_lines(read_file(r.path)) == 2);
  }
}

TEST_CASE("size rotation keeps max_files older files: .1 the newest", "[logging]") {
  Rig r;
  r.open({.by = FileRotation::By::kSize, .max_bytes = 150, .max_files = 2});
  // Each line is about 80 bytes: two do not fit in 150.
  for (int i = 1; i <= 4; ++i) r.log("SLOB_LINE", "line " + std::to_string(i) + std::string(30, '.'), LogLevel::kError);
  CHECK(read_file(r.path).find("line 4") != std::string::npos);
  CHECK(read_file(LogFileSink::numbered_name(r.path, 1)).find("line 3") != std::string::npos);
  CHECK(read_file(LogFileSink::numbered_name(r.path, 2)).find("line 2") != std::string::npos);
  CHECK_FALSE(fs::exists(LogFileSink::numbered_name(r.path, 3)));
  for (const auto& f : {r.path, LogFileSink::numbered_name(r.path, 1), LogFileSink::numbered_name(r.path, 2)})
    CHECK(count_lines(read_file(f)) == 1);
}

TEST_CASE("reopen: after logrotate moved the file, lines go to a new file at the path", "[logging]") {
  Rig r;
  r.path = r.dir / "logs/slob-host.log";
  r.open({.by = FileRotation::By::kNone});
  r.log("SLOB_ONE", "before");
  fs::rename(r.path, r.dir / "logs/slob-host.log.1");
  r.log("SLOB_TWO", "moved, not reopened yet");
  REQUIRE(r.sink->reopen().is_ok());
  r.log("SLOB_THREE", "after reopen");
  const std::string moved = read_file(r.dir / "logs/slob-host.log.1");
  CHECK(moved.find("SLOB_ONE") != std::string::npos);
  CHECK(moved.find("SLOB_TWO") != std::string::npos);
  CHECK(read_file(r.path).find("SLOB_THREE") != std::string::npos);
  CHECK(read_file(r.path).find("SLOB_TWO") == std::string::npos);

  SECTION("a path that cannot be opened: the Status says why, the old file goes on") {
    fs::rename(r.dir / "logs", r.dir / "gone");
    const auto s = r.sink->reopen();
    REQUIRE_FALSE(s.is_ok());
    CHECK(s.message() == (r.dir / "logs/slob-host.log").string() +
                             ": cannot open the log file: No such file or directory");
    r.log("SLOB_FOUR", "still written");
    CHECK(read_file(r.dir / "gone/slob-host.log").find("SLOB_FOUR") != std::string::npos);
  }
}

TEST_CASE("a log file that cannot be opened is refused with its path and the reason", "[logging]") {
  slob::test::TempDir dir;
  std::ofstream(dir / "a-file") << "x";
  auto opened = LogFileSink::open(dir / "a-file/slob.log", {}, slob::core::utc_text_formatter());
  REQUIRE_FALSE(opened.is_ok());
  CHECK(opened.status().message() == (dir / "a-file/slob.log").string() + ": cannot open the log file: Not a directory");
}

TEST_CASE("text lines carry a UTC time — JSON lines one escaped object each", "[logging]") {
  Rig r;
  SECTION("text") {
    r.open({}, slob::core::utc_text_formatter());
    r.log("SLOB_SAFE_MODE_ENTERED", "broker failed", LogLevel::kCritical);
    const std::string line = read_file(r.path);
    REQUIRE(line.size() > 24);
    CHECK(line[10] == 'T');
    CHECK(line[23] == 'Z');
    CHECK(line.substr(24) == " critical host SLOB_SAFE_MODE_ENTERED: broker failed\n");
  }
  SECTION("json") {
    r.open({}, slob::core::json_formatter());
    r.log("SLOB_QUOTE", "a \"quoted\" path C:\\x\nsecond line \xff end", LogLevel::kWarn);
    r.logger->info("no id at all");
    std::istringstream in(read_file(r.path));
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["level"] == "warning");
    CHECK(lines[0]["logger"] == "host");
    CHECK(lines[0]["id"] == "SLOB_QUOTE");
    CHECK(lines[0]["message"] == "a \"quoted\" path C:\\x\nsecond line \xEF\xBF\xBD end");
    const std::string time = lines[0]["time"];
    CHECK(time.size() == 24);
    CHECK(time.back() == 'Z');
    CHECK(lines[1]["id"] == "");
    CHECK(lines[1]["message"] == "no id at all");
  }
}

TEST_CASE("split_message separates the stable id from the text", "[logging]") {
  using slob::core::split_message;
  CHECK(split_message("SLOB_X: text: with colons").id == "SLOB_X");
  CHECK(split_message("SLOB_X: text: with colons").text == "text: with colons");
  CHECK(split_message("no id here: text").id.empty());
  CHECK(split_message("no id here: text").text == "no id here: text");
  CHECK(split_message(": empty").id.empty());
}
