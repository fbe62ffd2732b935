// The host config reader: every error as FILE:LINE:COL: message, all of them, in file order.

#include <catch2/catch.hpp>

#include <fstream>

#include "runtime/config.hpp"
#include "process.hpp"

namespace {

using slob::core::load_config;

const char* kValid = R"([host]
state_dir = "state"
plugin_dirs = ["plugins"]
control_socket = "run/slob.sock"

[broker]
plugin = "testbroker"

[store]
plugin = "teststore"

[strategy]
plugin = "teststrategy"
)";

struct ConfigFile {
  slob::test::TempDir dir;
  std::filesystem::path path;
  explicit ConfigFile(const std::string& text) : path(dir / "slob.toml") {
    std::ofstream(path) << text;
  }
  // The error text with the temp directory replaced by "DIR" so expectations are readable.
  std::string errors() const {
    auto r = load_config(path, "/usr/lib/slob/plugins");
    REQUIRE_FALSE(r.is_ok());
    std::string m = r.status().message();
    const std::string prefix = path.string();
    for (std::size_t p; (p = m.find(prefix)) != std::string::npos;) m.replace(p, prefix.size(), "F");
    return m;
  }
};

std::string with(const std::string& extra) { return std::string(kValid) + extra; }

}  // namespace

TEST_CASE("a valid config loads with defaults and resolves relative paths", "[config]") {
  ConfigFile f(kValid);
  auto r = load_config(f.path, "/usr/lib/slob/plugins");
  REQUIRE(r.is_ok());
  CHECK(r->host.state_dir == f.dir.path() / "state");
  CHECK(r->host.plugin_dirs == std::vector<std::filesystem::path>{f.dir.path() / "plugins"});
  CHECK(r->host.control_socket == f.dir.path() / "run/slob.sock");
  CHECK(r->host.shutdown_timeout == std::chrono::seconds(30));
  CHECK(r->connection.heartbeat_interval == std::chrono::seconds(30));
  CHECK(r->connection.startup_attempts == 10);
  CHECK(r->connection.runtime_attempts == 5);
  CHECK(r->risk.max_contracts == 5);
  CHECK(r->risk.risk_per_trade == Approx(0.01));
  CHECK(r->maintenance.timezone == "America/New_York");
  CHECK(r->maintenance.windows ==
        std::vector<std::string>{"daily 00:15-01:45", "fri 23:00-03:00"});
  CHECK(r->broker.plugin == "testbroker");
  CHECK(r->broker.position.line == 7);
  CHECK(r->broker.position.column == 10);
}

TEST_CASE("plugin config tables keep values and positions", "[config]") {
  ConfigFile f(with("[strategy.config]\ntimezone = \"Europe/Stockholm\"\nratio = 0.2\nn = 5\n"
                    "flag = true\nlist = [\"a\", \"b\"]\n"));
  auto r = load_config(f.path, "/x");
  REQUIRE(r.is_ok());
  const auto& v = r->strategy.config.values;
  REQUIRE(v.size() == 5);
  CHECK(std::get<std::string>(v.at("timezone").value) == "Europe/Stockholm");
  CHECK(v.at("timezone").position.line == 15);
  CHECK(std::get<double>(v.at("ratio").value) == Approx(0.2));
  CHECK(std::get<std::int64_t>(v.at("n").value) == 5);
  CHECK(std::get<bool>(v.at("flag").value));
  CHECK(std::get<slob::sdk::ConfigArray>(v.at("list").value).size() == 2);
  CHECK(r->strategy.config.section == "strategy.config");
}

TEST_CASE("broken configs: each error with its exact line and column", "[config]") {
  struct Case {
    const char* name;
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"unknown key in [host]", with("[risk]\nmax_contract = 3\n"),
       "F:15:1: [risk] unknown key \"max_contract\""},
      {"unknown section", with("[brokr]\nplugin = \"ib\"\n"),
       "F:14:2: [top level] unknown key \"brokr\""},
      {"wrong type for an integer", with("[connection]\nstartup_attempts = \"ten\"\n"),
       "F:15:20: [connection] startup_attempts must be an integer"},
      {"duration without unit", with("[connection]\nheartbeat_interval = \"30\"\n"),
       "F:15:22: [connection] heartbeat_interval: bad duration \"30\" (use units h, m, s, ms, "
       "e.g. \"30s\")"},
      {"duration with unknown unit", with("[connection]\nbackoff_max = \"1 minute\"\n"),
       "F:15:15: [connection] backoff_max: bad duration \"1 minute\" (use units h, m, s, ms, "
       "e.g. \"30s\")"},
      {"duration as a number", with("[connection]\nheartbeat_timeout = 10\n"),
       "F:15:21: [connection] heartbeat_timeout must be a duration string such as \"30s\""},
      {"value out of range", with("[risk]\nrisk_per_trade = 1.5\n"),
       "F:15:18: [risk] risk_per_trade must be between 0 and 1, got 1.5"},
      {"bad shutdown policy", std::string(kValid).replace(0, 6, "[host]\non_shutdown = \"close\""),
       "F:2:15: [host] on_shutdown must be one of leave, cancel_entries, flatten, got \"close\""},
      {"missing plugin", std::string(kValid).replace(std::string(kValid).find("plugin = \"teststore\""), 20, "plugn = \"teststore\""),
       "F:9:1: [store] plugin is missing\nF:10:1: [store] unknown key \"plugn\""},
      {"invalid plugin name", std::string(kValid).replace(std::string(kValid).find("\"teststore\""), 11, "\"../etc\""),
       "F:10:10: [store] plugin name \"../etc\" is invalid (use 1 to 64 lowercase letters, "
       "digits, - and _)"},
      {"missing section", std::string(kValid).substr(0, std::string(kValid).find("[strategy]")),
       "F:1:1: [strategy] section is missing (it names the strategy plugin)"},
      {"integer below its minimum", with("[risk]\nmax_contracts = 0\n"),
       "F:15:17: [risk] max_contracts must be between 1 and 1000, got 0"},
      {"plugin_dirs is not an array", std::string(kValid).replace(std::string(kValid).find("[\"plugins\"]"), 11, "\"plugins\""),
       "F:3:15: [host] plugin_dirs must be an array of strings"},
      {"syntax error", with("[risk\n"), "F:14:6: "},
      {"unknown risk time zone", with("[risk]\ntimezone = \"Europe/Stockholmm\"\n"),
       "F:15:12: [risk] timezone: unknown time zone \"Europe/Stockholmm\" (use a tz database "
       "name such as \"America/New_York\")"},
      {"malformed maintenance window", with("[maintenance]\nwindows = [\"daily 00:15-01:45\", \"fri 23:00\"]\n"),
       "F:15:33: [maintenance] windows: maintenance window \"fri 23:00\": the time range needs a "
       "'-' (write \"<days> HH:MM-HH:MM\", e.g. \"daily 00:15-01:45\" or \"fri 23:00-03:00\")"},
      {"backoff_initial above backoff_max", with("[connection]\nbackoff_initial = \"2m\"\nbackoff_max = \"1m\"\n"),
       "F:15:19: [connection] backoff_initial must not exceed backoff_max"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      ConfigFile f(c.text);
      const std::string got = f.errors();
      if (std::string(c.name) == "syntax error") {
        CHECK(got.rfind(c.expected, 0) == 0);
        CHECK(got.find('\n') == std::string::npos);
      } else {
        CHECK(got == c.expected);
      }
    }
  }
}

TEST_CASE("every error is reported, sorted by position", "[config]") {
  ConfigFile f(with("[connection]\nheartbeat_interval = \"soon\"\nstartup_attempts = -1\n"
                    "typo = 1\n[risk]\nmax_daily_loss = \"a lot\"\n"));
  CHECK(f.errors() ==
        "F:15:22: [connection] heartbeat_interval: bad duration \"soon\" (use units h, m, s, ms, "
        "e.g. \"30s\")\n"
        "F:16:20: [connection] startup_attempts must be between 1 and 1000, got -1\n"
        "F:17:1: [connection] unknown key \"typo\"\n"
        "F:19:18: [risk] max_daily_loss must be a number");
}

TEST_CASE("a missing file is one clear line", "[config]") {
  auto r = load_config("/nonexistent/slob.toml", "/x");
  REQUIRE_FALSE(r.is_ok());
  CHECK(r.status().message() == "/nonexistent/slob.toml: cannot read config: no such file");
}

TEST_CASE("plugin ConfigReader rejects unknown keys and bad values with positions", "[config]") {
  ConfigFile f(with("[broker.config]\nport = \"4002\"\nhost = \"127.0.0.1\"\nspeling = 1\n"
                    "interval = \"5x\"\n"));
  auto r = load_config(f.path, "/x");
  REQUIRE(r.is_ok());
  slob::sdk::ConfigReader reader(r->broker.config);
  CHECK(reader.get_string("host", "") == "127.0.0.1");
  CHECK(reader.get_int("port", 4002, 1, 65535) == 4002);
  CHECK(reader.get_duration("interval", std::chrono::seconds(1)) == std::chrono::seconds(1));
  auto s = reader.finish();
  REQUIRE_FALSE(s.is_ok());
  std::string m = s.message();
  const std::string p = f.path.string();
  for (std::size_t i; (i = m.find(p)) != std::string::npos;) m.replace(i, p.size(), "F");
  CHECK(m == "F:15:8: [broker.config] port must be an integer\n"
             "F:18:12: [broker.config] interval: bad duration \"5x\" (use units: h, m, s, ms, "
             "e.g. \"30s\")\n"
             "F:17:11: [broker.config] unknown key \"speling\"");
}

TEST_CASE("[logging]: defaults, every key, and [host] log_level / log_file as deprecated aliases", "[config]") {
  SECTION("defaults: console only") {
    ConfigFile f(kValid);
    auto r = load_config(f.path, "/usr/lib/slob/plugins");
    REQUIRE(r.is_ok());
    CHECK(r->logging == slob::core::LogOptions{});
    CHECK_FALSE(r->logging.file);
    CHECK(r->logging.rotate == "daily");
    CHECK(r->logging.retention_days == 30);
    CHECK(r->logging.error_file_max_bytes == 10 * 1024 * 1024);
    CHECK(r->logging.error_file_max_files == 5);
    CHECK(r->deprecated.empty());
  }
  SECTION("every key") {
    ConfigFile f(with("[logging]\nlevel = \"debug\"\nfile = \"logs/slob-host.log\"\nrotate = \"none\"\n"
                      "retention_days = 7\nerror_file = \"/var/log/slob/errors.log\"\n"
                      "error_file_max_bytes = 1048576\nerror_file_max_files = 3\nformat = \"json\"\n"));
    auto r = load_config(f.path, "/usr/lib/slob/plugins");
    REQUIRE(r.is_ok());
    CHECK(r->logging.level == "debug");
    CHECK(r->logging.file == f.dir.path() / "logs/slob-host.log");
    CHECK(r->logging.rotate == "none");
    CHECK(r->logging.retention_days == 7);
    CHECK(r->logging.error_file == std::filesystem::path("/var/log/slob/errors.log"));
    CHECK(r->logging.error_file_max_bytes == 1048576);
    CHECK(r->logging.error_file_max_files == 3);
    CHECK(r->logging.format == "json");
  }
  SECTION("the old keys still work, each noted as deprecated") {
    ConfigFile f(std::string(kValid).replace(0, 6, "[host]\nlog_level = \"warn\"\nlog_file = \"slob.log\""));
    auto r = load_config(f.path, "/usr/lib/slob/plugins");
    REQUIRE(r.is_ok());
    CHECK(r->logging.level == "warn");
    CHECK(r->logging.file == f.dir.path() / "slob.log");
    CHECK(r->deprecated == std::vector<std::string>{"[host] log_level is deprecated: use [logging] level",
                                                    "[host] log_file is deprecated: use [logging] file"});
  }
  SECTION("errors") {
    CHECK(ConfigFile(std::string(kValid).replace(0, 6, "[host]\nlog_file = \"a.log\"") +
                     "[logging]\nfile = \"b.log\"\n")
              .errors() ==
          "F:16:8: [logging] file and [host] log_file are both set: keep file ([host] log_file is deprecated)");
    CHECK(ConfigFile(with("[logging]\nrotate = \"weekly\"\nformat = \"xml\"\nretention_days = 0\n")).errors() ==
          "F:15:10: [logging] rotate must be one of daily, none, got \"weekly\"\n"
          "F:16:10: [logging] format must be one of text, json, got \"xml\"\n"
          "F:17:18: [logging] retention_days must be between 1 and 3650, got 0");
    CHECK(ConfigFile(with("[logging]\nfile = \"x.log\"\nerror_file = \"x.log\"\nerror_file_max_files = 0\n")).errors() ==
          "F:16:14: [logging] error_file must not be the same file as file\n"
          "F:17:24: [logging] error_file_max_files must be between 1 and 100, got 0");
    ConfigFile dir_as_file(with("[logging]\nfile = \"logs\"\n"));
    std::filesystem::create_directories(dir_as_file.dir / "logs");
    CHECK(dir_as_file.errors() == "F:15:8: [logging] file: " + (dir_as_file.dir / "logs").string() + " is a directory");
  }
}
