// The dashboard page in a real browser (Debian's chromium, headless): the static report of the
// main job's replay (tools/data/nq-sample.csv, 7 trades) written by `slob-host report`, the live
// page polling the "dashboard" view of a running daemon, the page when polling fails, and data
// that holds markup. Each case asserts on the DOM Chromium dumps after the page's script ran;
// the report's screenshot is written into the build tree (tests/artifacts/) for people to look
// at, and its path printed.
//
// The live page is read twice: from the http observer plugin of a daemon in safe mode (token
// login, banner, warnings), and served under a path prefix by a loopback python3 http.server
// from files (the page from live_page(), "api/dashboard" from `slob-ctl --json dashboard`), which
// can then take the view away to show the page's "connection lost".

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon_harness.hpp"
#include "dashboard/dashboard_page.hpp"
#include "http_client.hpp"
#include "http_daemon.hpp"
#include "process.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using slob::test::Daemon;
using slob::test::Process;
using slob::test::TempDir;

namespace {

const std::string kSample = std::string(SLOB_SOURCE_DIR) + "/tools/data/nq-sample.csv";
const std::string kPython = "/usr/bin/python3";

std::string main_job_config(bool exit_at_end) {
  return std::string("[host]\nstate_dir = \"state\"\nplugin_dirs = [\"") + SLOB_TEST_PLUGIN_DIR +
         "\"]\ncontrol_socket = \"slob.sock\"\n"
         "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" + kSample + "\"\nexit_at_end = " +
         (exit_at_end ? "true" : "false") +
         "\n[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\nsync = \"none\"\n"
         "[strategy]\nplugin = \"slob\"\n";
}

// Headless Chromium with its own profile in `scratch`. As root it runs only without its sandbox.
std::vector<std::string> chromium(const TempDir& scratch, std::vector<std::string> args) {
  std::vector<std::string> argv = {SLOB_CHROMIUM, "--headless", "--disable-gpu", "--no-first-run",
                                   "--disable-dev-shm-usage", "--hide-scrollbars",
                                   "--user-data-dir=" + scratch.sub("chromium-profile")};
  if (::geteuid() == 0) argv.push_back("--no-sandbox");
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// The DOM after the page's scripts ran for up to `budget_ms` of virtual time.
std::string dump_dom(const TempDir& scratch, const std::string& url, int budget_ms = 5000) {
  auto r = slob::test::run(
      chromium(scratch, {"--dump-dom", "--virtual-time-budget=" + std::to_string(budget_ms), url}),
      scratch.path(), 90s);
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(r.out.find("</html>") != std::string::npos);
  return r.out;
}

// The element with `id`, from its start tag up to the first closing tag of its kind (enough for
// elements that hold no element of their own kind).
std::string element(const std::string& dom, const std::string& tag, const std::string& id) {
  const auto named = dom.find(" id=\"" + id + "\"");
  if (named == std::string::npos) return {};
  const auto at = dom.rfind("<" + tag, named);
  if (at == std::string::npos || dom.find('>', at) < named) return {};
  const auto end = dom.find("</" + tag + ">", named);
  return dom.substr(at, end == std::string::npos ? std::string::npos : end + tag.size() + 3 - at);
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// Money as the page writes it: sign (U+2212 for minus), thousands separators, two decimals.
std::string money(double v) {
  char digits[64];
  std::snprintf(digits, sizeof digits, "%.2f", v < 0 ? -v : v);
  const std::string plain = digits;
  const std::size_t whole = plain.find('.');
  std::string s = v > 0 ? "+" : v < 0 ? "\u2212" : "";
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i < whole && (whole - i) % 3 == 0) s += ',';
    s += plain[i];
  }
  return s;
}

// The replay's closed trades as `slob-host export trades` has them: id -> P&L.
std::map<std::string, double> exported_pnl(Daemon& d) {
  std::map<std::string, double> out;
  for (const auto& t : d.exported("trades"))
    if (!t.at("open").get<bool>()) out[t.at("id").get<std::string>()] = t.at("pnl").get<double>();
  return out;
}

// The trade rows of the trade table: data-id -> the row's markup.
std::map<std::string, std::string> trade_rows(const std::string& dom) {
  const std::string table = element(dom, "table", "trades");
  std::map<std::string, std::string> rows;
  static const std::regex row(R"re(<tr data-id="([^"]*)" data-pnl="([^"]*)"[^>]*>(.*?)</tr>)re");
  for (std::sregex_iterator it(table.begin(), table.end(), row), end; it != end; ++it)
    rows[(*it)[1]] = (*it)[0];
  return rows;
}

}  // namespace

TEST_CASE("the static report of the replay in Chromium: the banner, the 7 trades with their P&L, the P&L chart, the risk panel, and a screenshot",
          "[dashboard][browser]") {
  TempDir dir;
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), main_job_config(true));
  d.start();
  auto code = d.process().wait_for_exit(300s);
  INFO(d.log());
  REQUIRE(code);
  REQUIRE(*code == 0);

  const fs::path report = dir / "report.html";
  auto r = slob::test::run({SLOB_HOST_BIN, "--config", d.config_path().string(), "report", report.string()},
                           dir.path());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out == report.string() + "\n");
  const std::string html = slob::test::read_file(report);

  // Nowhere to write it: one line naming the file, exit 1, nothing left behind.
  const fs::path nowhere = dir / "missing" / "report.html";
  auto bad = slob::test::run({SLOB_HOST_BIN, "--config", d.config_path().string(), "report", nowhere.string()},
                             dir.path());
  CHECK(bad.code == 1);
  CHECK(bad.out.empty());
  CHECK(std::regex_search(bad.err, std::regex("(^|\n)slob-host: report: cannot write " + nowhere.string() +
                                              ": No such file or directory\n$")));
  CHECK_FALSE(fs::exists(nowhere));
  // One self-contained file: nothing it would fetch (no element with a source or a link, no
  // stylesheet import or url() other than the chart's own gradient).
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK_FALSE(std::regex_search(html, std::regex(R"(url\((?!#))")));

  const auto expected = exported_pnl(d);
  REQUIRE(expected.size() == 7);
  double total = 0;
  for (const auto& [id, pnl] : expected) total += pnl;
  CHECK(money(total) == "+57,550.50");

  const std::string dom = dump_dom(dir, "file://" + report.string());
  CHECK(std::regex_search(dom, std::regex(R"(<header id="banner" data-state="Report")")));
  CHECK(dom.find("<body data-mode=\"report\"") != std::string::npos);

  const auto rows = trade_rows(dom);
  CHECK(rows.size() == 7);
  for (const auto& [id, pnl] : expected) {
    INFO(id);
    REQUIRE(rows.count(id) == 1);
    const std::string& row = rows.at(id);
    std::smatch attr;
    REQUIRE(std::regex_search(row, attr, std::regex(R"re(data-pnl="([^"]+)")re")));
    CHECK(std::stod(attr[1]) == pnl);
    CHECK(row.find(">" + money(pnl) + "</td>") != std::string::npos);
    CHECK(row.find(pnl > 0 ? "num pnl pos" : "num pnl neg") != std::string::npos);
  }
  CHECK(element(dom, "td", "trades-total").find(">" + money(total) + "<") != std::string::npos);

  const std::string chart = element(dom, "div", "pnl-chart");
  CHECK(chart.find("<svg") != std::string::npos);
  CHECK(std::regex_search(chart, std::regex(R"re(<path d="M[^"]+" class="curve" id="pnl-line")re")));
  CHECK(count(chart, "<circle") == 7);
  CHECK(count(element(dom, "div", "period-chart"), "<rect") >= 1);

  const std::string risk = element(dom, "section", "risk");
  CHECK(std::regex_search(risk, std::regex(R"re(<span id="risk-trades">[0-2] of 2</span>)re")));
  CHECK(risk.find(" of 1,000.00</span>") != std::string::npos);
  CHECK(risk.find("<span id=\"risk-position\" class=\"zero\">Flat</span>") != std::string::npos);

  // For people to look at: the first screen of the report, then the whole page.
  const fs::path artifacts = fs::path(SLOB_BINARY_DIR) / "tests" / "artifacts";
  fs::create_directories(artifacts);
  for (const auto& [name, size] : {std::pair<std::string, std::string>{"dashboard-report.png", "1440,1000"},
                                   {"dashboard-report-full.png", "1440,1560"}}) {
    const fs::path shot = artifacts / name;
    fs::remove(shot);
    auto s = slob::test::run(chromium(dir, {"--screenshot=" + shot.string(), "--window-size=" + size,
                                            "--virtual-time-budget=5000", "file://" + report.string()}),
                             dir.path(), 90s);
    INFO(s.err);
    REQUIRE(s.code == 0);
    REQUIRE(fs::exists(shot));
    CHECK(fs::file_size(shot) > 20000);
    CHECK(slob::test::read_file(shot).substr(0, 8) == "\x89PNG\r\n\x1a\n");
    std::cout << "dashboard screenshot: " << shot.string() << "\n";
  }
}

TEST_CASE("the live page in Chromium polls api/dashboard relative to itself and draws the running daemon's view",
          "[dashboard][browser]") {
  TempDir dir;
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), main_job_config(false));
  d.start();
  REQUIRE(d.wait_log("SLOB_SIM_END_OF_DATA", 0, 300s));
  // The replay's last exits are handled after the last bar is sent.
  nlohmann::json view;
  REQUIRE(slob::test::wait_until(
      [&] {
        auto r = d.ctl({"dashboard", "--json"});
        if (r.code != 0) return false;
        view = nlohmann::json::parse(r.out, nullptr, false);
        return !view.is_discarded() && view["trades"].size() == 7;
      },
      60s));
  CHECK(view["mode"] == "live");
  CHECK(view["banner"]["state"] == "Running");
  CHECK(view["status"]["state"] == "Running");
  CHECK(view["pnl"]["summary"]["pnl"] == 57550.5);
  const auto expected = exported_pnl(d);
  REQUIRE(expected.size() == 7);
  // The report reads the store while the daemon runs.
  auto report = slob::test::run({SLOB_HOST_BIN, "--config", d.config_path().string(), "report",
                                 (dir / "report.html").string()},
                                dir.path());
  INFO(report.err);
  CHECK(report.code == 0);
  CHECK(slob::test::read_file(dir / "report.html").find("\"trades_total\":7") != std::string::npos);

  // Served under a prefix: the page must ask for desk/api/dashboard, not /api/dashboard.
  const fs::path www = dir / "www";
  fs::create_directories(www / "desk" / "api");
  std::ofstream(www / "desk" / "index.html") << slob::dashboard::live_page(300);
  std::ofstream(www / "desk" / "api" / "dashboard") << view.dump();
  Process server({kPython, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", www.string()},
                 dir / "server.out", dir / "server.err", slob::test::Spawn{.die_with_parent = true});
  std::smatch port;
  static const std::regex serving(R"(port (\d+))");
  std::string out;
  REQUIRE(slob::test::wait_until([&] {
    out = server.out();
    return std::regex_search(out, port, serving);
  }));
  const std::string url = "http://127.0.0.1:" + port[1].str() + "/desk/";

  const std::string dom = dump_dom(dir, url);
  CHECK(std::regex_search(dom, std::regex(R"(<header id="banner" data-state="Running")")));
  CHECK(dom.find("<span id=\"connection\" data-state=\"ok\">") != std::string::npos);
  CHECK(dom.find("data-channel=\"orders\" data-health=\"up\"") != std::string::npos);
  CHECK(dom.find("data-channel=\"market_data\" data-health=\"up\"") != std::string::npos);
  const auto rows = trade_rows(dom);
  CHECK(rows.size() == 7);
  for (const auto& [id, pnl] : expected) {
    INFO(id);
    REQUIRE(rows.count(id) == 1);
    CHECK(rows.at(id).find(">" + money(pnl) + "</td>") != std::string::npos);
  }
  CHECK(element(dom, "div", "pnl-chart").find("id=\"pnl-line\"") != std::string::npos);
  CHECK(slob::test::read_file(dir / "server.err").find("GET /desk/api/dashboard") != std::string::npos);
  const fs::path shot = fs::path(SLOB_BINARY_DIR) / "tests" / "artifacts" / "dashboard-live.png";
  fs::create_directories(shot.parent_path());
  fs::remove(shot);
  auto s = slob::test::run(chromium(dir, {"--screenshot=" + shot.string(), "--window-size=1440,1000",
                                          "--virtual-time-budget=5000", url}),
                           dir.path(), 90s);
  INFO(s.err);
  REQUIRE(s.code == 0);
  CHECK(fs::file_size(shot) > 20000);
  std::cout << "dashboard screenshot: " << shot.string() << "\n";

  // The view gone (the daemon unreachable behind it): the page says so instead of going stale.
  fs::remove(www / "desk" / "api" / "dashboard");
  const std::string lost = dump_dom(dir, url);
  CHECK(lost.find("<span id=\"connection\" data-state=\"lost\">") != std::string::npos);
  CHECK(lost.find("Connection lost") != std::string::npos);
  CHECK(lost.find("<body data-mode=\"live\" data-connection=\"lost\"") != std::string::npos);

  server.kill();
  CHECK(d.stop() == 0);
}

TEST_CASE("the live page from the http plugin in Chromium: token login, a daemon in safe mode shows "
          "Safe mode with its reason and the critical event, and nothing without the token",
          "[dashboard][browser][http]") {
  TempDir dir;
  // The trader buys 1 NQ by hand before the London session: safe mode (sim_manual_actions_test).
  std::ofstream(dir / "manual.txt") << "2026-01-06T06:00:00Z buy 1\n";
  std::string config = slob::test::http_main_job(
      slob::test::http_observer("port = 0\nbearer_token_file = \"token\"\nrefresh = \"300ms\"\n"));
  config.replace(config.find("exit_at_end"), 0, "manual_actions = \"manual.txt\"\n");
  const std::string token = "c0ffee-dashboard-token";
  std::ofstream(dir / "token") << token << "\n";
  fs::permissions(dir / "token", fs::perms::owner_read | fs::perms::owner_write);
  Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), config);
  d.start();
  const auto port = slob::test::listening_port(d);
  REQUIRE(port);
  REQUIRE(d.wait_log("SLOB_SAFE_MODE_ENTERED"));
  REQUIRE(d.wait_log("SLOB_SIM_END_OF_DATA", 0, 300s));
  const std::string base = "http://127.0.0.1:" + std::to_string(*port) + "/";

  // Without the token a browser gets the refusal, not the page.
  const std::string refused = dump_dom(dir, base, 1000);
  CHECK(refused.find("id=\"banner\"") == std::string::npos);
  CHECK(slob::test::http_get(*port, "/api/dashboard")->status == 401);

  // ?token= logs the browser in (a cookie) and lands on the page, whose polls carry the cookie.
  const std::string dom = dump_dom(dir, base + "?token=" + token);
  CHECK(std::regex_search(dom, std::regex(R"(<header id="banner" data-state="SafeMode")")));
  const std::string reason = element(dom, "span", "banner-reason");
  INFO(reason);
  CHECK(reason.find("position NQ 1 at the broker has no trade in the store") != std::string::npos);
  CHECK(dom.find("<span id=\"connection\" data-state=\"ok\">") != std::string::npos);
  const std::string alerts = element(dom, "ol", "alerts");
  INFO(alerts);
  CHECK(alerts.find("has no trade in the store") != std::string::npos);
  // The risk panel does not say "Allowed" while the gate refuses every entry.
  CHECK(dom.find(">Blocked</") != std::string::npos);
  CHECK(dom.find(">Allowed</") == std::string::npos);
  // Not one order after the manual buy: no trade in the table.
  CHECK(trade_rows(dom).empty());
  const fs::path shot = fs::path(SLOB_BINARY_DIR) / "tests" / "artifacts" / "dashboard-safe-mode.png";
  fs::create_directories(shot.parent_path());
  fs::remove(shot);
  auto s = slob::test::run(chromium(dir, {"--screenshot=" + shot.string(), "--window-size=1440,1000",
                                          "--virtual-time-budget=5000", base + "?token=" + token}),
                           dir.path(), 90s);
  INFO(s.err);
  REQUIRE(s.code == 0);
  CHECK(fs::file_size(shot) > 20000);
  std::cout << "dashboard screenshot: " << shot.string() << "\n";
  // The replay ended in safe mode: the daemon says so when it stops (never a quiet 0).
  CHECK(d.stop() != 0);
}

TEST_CASE("text in the data stays text: markup in a trade, a setup or an event neither runs nor becomes an element",
          "[dashboard][browser]") {
  TempDir dir;
  const std::string attack = "</script><img id=\"injected-img\" src=x onerror=\"document.title='pwned'\">";
  nlohmann::json data = {
      {"schema", 1},
      {"mode", "report"},
      {"generated_at", "2026-01-06T12:00:00Z"},
      {"banner", {{"state", "Report"}, {"reason", attack}}},
      {"status", nullptr},
      {"risk", {{"day", "<b id=\"injected-day\">d</b>"}, {"timezone", "UTC"}, {"trades_used", 0},
                {"max_trades_per_day", 2}, {"realised_pnl", 0}, {"max_daily_loss", 1000},
                {"loss_used", 0}, {"halted", true}, {"halt_reason", attack},
                {"position", {{"symbol", attack}, {"contracts", 1}, {"open_trades", 1}}}}},
      {"trades", {{{"id", attack}, {"direction", "<i id=\"injected-dir\">"}, {"quantity", 1},
                   {"entry_price", 1.0}, {"entry_time", "2026-01-06T10:00:00Z"}, {"exit_price", 2.0},
                   {"exit_time", "2026-01-06T11:00:00Z"}, {"pnl", 20.0}, {"exit_reason", attack},
                   {"stop", nullptr}, {"target", nullptr}, {"setup", nullptr}}}},
      {"trades_total", 1},
      {"open_positions", nlohmann::json::array()},
      {"setups", {{{"id", attack}, {"direction", "LONG"}, {"state", attack}, {"report", {{"entry", attack}}},
                   {"updated", "2026-01-06T10:00:00Z"}}}},
      {"alerts", {{{"sequence", 1}, {"time", "2026-01-06T10:00:00Z"}, {"type", attack},
                   {"severity", "warning\" onclick=\"x"}, {"subject", attack}, {"reason", attack}}}},
      {"pnl", {{"start", 0}, {"curve", {{{"time", "2026-01-06T11:00:00Z"}, {"id", attack}, {"pnl", 20.0}, {"cumulative", 20.0}}}},
               {"daily", {{{"period", attack}, {"pnl", 20.0}, {"trades", 1}, {"wins", 1}, {"losses", 0}}}},
               {"weekly", nlohmann::json::array()}, {"monthly", nlohmann::json::array()},
               {"summary", {{"pnl", 20.0}, {"trades", 1}, {"wins", 1}, {"losses", 0}, {"best", 20.0},
                            {"worst", 20.0}, {"max_drawdown", 0.0}}}}}};
  const fs::path page = dir / "hostile.html";
  std::ofstream(page) << slob::dashboard::static_report(data.dump());
  const std::string dom = dump_dom(dir, "file://" + page.string());
  CHECK(dom.find("<title>slob-host dashboard</title>") != std::string::npos);  // onerror never ran
  // No element came from the data (the page itself has no img, b or i), and no attribute: in a
  // start tag the attributes are name="value" with the value's quotes escaped.
  for (const char* tag : {"img", "b", "i"}) {
    INFO(tag);
    CHECK_FALSE(std::regex_search(dom, std::regex(std::string("<") + tag + "[\\s>]")));
  }
  CHECK_FALSE(std::regex_search(dom, std::regex(R"re(<[a-z]+(?:\s+[a-z-]+="[^"]*")*\s+onclick=)re")));
  // The page still drew all of it, as text.
  CHECK(count(dom, "&lt;/script&gt;&lt;img id=\"injected-img\"") >= 5);
  CHECK(trade_rows(dom).size() == 1);
  CHECK(std::regex_search(dom, std::regex(R"(<header id="banner" data-state="Report")")));
}
