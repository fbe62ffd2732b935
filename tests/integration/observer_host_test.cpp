// Observers ([[observer]]) in a real slob-host process on the main job's data (sim + lmdb + slob):
// the operator event stream reaches an observer plugin in order, completely, across a receiver
// outage, a hanging receiver, kill -9 and restarts; slob-ctl observers / alert-test; hot reload.
//
// The observer is tests/plugins/test_observer.cpp (loaded from its file like any plugin): it
// appends what it confirms to a file and answers as a mode file says at that moment (deliver,
// retry, refuse, hang), so a test can take its "receiver" down and bring it back. The bundled
// webhook, e-mail and Telegram observers have their own end-to-end tests against real servers.

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon_harness.hpp"
#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;

namespace {

const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;

// One observer "ops" of the test plugin, recording to ops.jsonl, answering as ops.mode says.
std::string observer_table(const std::string& name, const std::string& extra = "") {
  return "[[observer]]\nname = \"" + name + "\"\nplugin = \"testobserver\"\nmin_severity = \"info\"\n" +
         extra + "[observer.config]\nrecord = \"" + name + ".jsonl\"\nmode_file = \"" + name +
         ".mode\"\n";
}

struct Replay {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";
  int runs = 0;

  // The main job (sim replaying nq-3days as fast as it can, or paced at `speed` x real time),
  // with `rest` appended (observers, [risk], a strategy table).
  explicit Replay(const std::string& rest, int speed = 0, const std::string& strategy = "slob",
                  const std::string& broker_extra = "") {
    write(rest, speed, strategy, broker_extra);
  }
  void write(const std::string& rest, int speed = 0, const std::string& strategy = "slob",
             const std::string& broker_extra = "") {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                          << "\", \"" << SLOB_TEST_ONLY_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"state/slob.sock\"\n"
                          << "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" << kFixtures
                          << "/main/nq-3days.csv\"\nspeed = " << speed << "\n" << broker_extra
                          << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\n"
                          << "sync = \"full\"\n[strategy]\nplugin = \"" << strategy << "\"\n" << rest;
  }
  void mode(const std::string& observer, const std::string& m) {
    std::ofstream(dir / (observer + ".mode")) << m << "\n";
  }
  std::unique_ptr<Process> start(const std::string& crash_at = "") {
    ++runs;
    std::vector<std::string> argv = {"/usr/bin/env", "SLOB_CRASH_AT=" + crash_at, SLOB_HOST_BIN,
                                     "--config", config.string()};
    return std::make_unique<Process>(argv, dir / ("out-" + std::to_string(runs) + ".log"),
                                     dir / ("err-" + std::to_string(runs) + ".log"),
                                     slob::test::Spawn{.die_with_parent = true});
  }
  // Runs to the end of the data; the exit code.
  int run(const std::string& crash_at = "") {
    auto p = start(crash_at);
    auto code = p->wait_for_exit(180s);
    REQUIRE(code);
    return *code;
  }
  std::string log(int run) const {
    return slob::test::read_file(dir / ("err-" + std::to_string(run) + ".log"));
  }
  std::vector<nlohmann::json> exported(const std::string& kind) {
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", config.string(), "export", kind}, dir.path());
    REQUIRE(r.code == 0);
    std::vector<nlohmann::json> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  // What the observer confirmed, one delivery per element.
  std::vector<nlohmann::json> deliveries(const std::string& observer) const {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir / (observer + ".jsonl"));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  }
};

// Every event the observer was told, in the order it was told, duplicates kept.
std::vector<nlohmann::json> told(const std::vector<nlohmann::json>& deliveries) {
  std::vector<nlohmann::json> out;
  for (const auto& d : deliveries)
    for (const auto& e : d["events"]) out.push_back(e);
  return out;
}

std::vector<std::uint64_t> sequences(const std::vector<nlohmann::json>& events) {
  std::vector<std::uint64_t> out;
  for (const auto& e : events) out.push_back(e["sequence"].get<std::uint64_t>());
  return out;
}

std::size_t count_type(const std::vector<nlohmann::json>& events, const std::string& type) {
  std::size_t n = 0;
  for (const auto& e : events) n += e["type"] == type;
  return n;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("observers: the main job tells an observer every event once, in order: one per trade "
          "entry and exit, started first, stopped last",
          "[observers][main]") {
  Replay r(observer_table("ops"));
  REQUIRE(r.run() == 0);
  const auto events = told(r.deliveries("ops"));
  const auto stored = r.exported("events");
  REQUIRE_FALSE(stored.empty());
  // Exactly the stored stream from the observer's first event on: nothing lost, nothing twice.
  std::vector<std::uint64_t> expected;
  for (const auto& e : stored) expected.push_back(e["sequence"].get<std::uint64_t>());
  const auto got = sequences(events);
  REQUIRE_FALSE(got.empty());
  expected.erase(expected.begin(), std::find(expected.begin(), expected.end(), got.front()));
  CHECK(got == expected);
  CHECK(events.front()["type"] == "daemon.started");
  CHECK(events.back()["type"] == "daemon.stopped");
  CHECK(events.back()["fields"]["exit_code"] == "0");

  const auto trades = r.exported("trades");
  REQUIRE(trades.size() == 2);
  CHECK(count_type(events, "trade.entry_filled") >= trades.size());  // one per entry fill
  std::set<std::string> entered;
  for (const auto& e : events)
    if (e["type"] == "trade.entry_filled") entered.insert(e["fields"]["setup_id"].get<std::string>());
  CHECK(entered.size() == trades.size());
  CHECK(count_type(events, "trade.take_profit") + count_type(events, "trade.stop_loss") +
            count_type(events, "trade.closed") + count_type(events, "trade.closed_externally") ==
        trades.size());
  for (const auto& t : trades) {
    INFO(t.dump());
    bool seen = false;
    for (const auto& e : events) {
      if (e["type"] != "trade." + t["exit_reason"].get<std::string>()) continue;
      if (e["fields"]["setup_id"] != t["id"]) continue;
      char pnl[64];
      std::snprintf(pnl, sizeof pnl, "%.2f", t["pnl"].get<double>());
      CHECK(e["fields"]["pnl"] == pnl);
      seen = true;
    }
    CHECK(seen);
  }
  CHECK(count_type(events, "order.sent") == trades.size());
  CHECK(count_type(events, "setup.complete") >= trades.size());
  // The observer read the status view through HostServices::read_view while it ran.
  for (const auto& d : r.deliveries("ops")) CHECK_FALSE(d["status_state"].get<std::string>().empty());

  // A second run (nothing left to replay) tells only what is new: the cursor was kept.
  const std::size_t first_run = r.deliveries("ops").size();
  REQUIRE(r.run() == 0);
  const auto again = r.deliveries("ops");
  REQUIRE(again.size() > first_run);
  for (std::size_t i = first_run; i < again.size(); ++i)
    for (const auto& e : again[i]["events"]) CHECK(e["sequence"].get<std::uint64_t>() > got.back());
  CHECK(again[first_run]["events"][0]["type"] == "daemon.started");
}

TEST_CASE("observers: a position bought by hand means safe mode, told as a critical event, and a "
          "critical daemon.stopped",
          "[observers][main]") {
  Replay r("[[observer]]\nname = \"ops\"\nplugin = \"testobserver\"\nmin_severity = \"warning\"\n"
           "[observer.config]\nrecord = \"ops.jsonl\"\n",
           0, "slob", "manual_actions = \"manual.txt\"\n");
  std::ofstream(r.dir / "manual.txt") << "2026-01-06T06:00:00Z buy 1\n";
  CHECK(r.run() == 1);  // a replay that ends in safe mode is a failure
  const auto events = told(r.deliveries("ops"));
  REQUIRE(count_type(events, "safe_mode.entered") == 1);
  for (const auto& e : events) {
    INFO(e.dump());
    CHECK(e["severity"] != "info");  // the filter
    CHECK(e["severity"] != "notice");
    if (e["type"] == "safe_mode.entered") {
      CHECK(e["severity"] == "critical");
      CHECK_FALSE(e["fields"]["reason"].get<std::string>().empty());
    }
  }
  CHECK(count_type(events, "reconcile.finding") >= 1);
  REQUIRE(events.back()["type"] == "daemon.stopped");
  CHECK(events.back()["severity"] == "critical");
}

TEST_CASE("observers: the daily trade limit is told once, with the day's counters", "[observers][main]") {
  Replay r(observer_table("ops") +
               "[strategy.config]\nbracket_every = 60\nbracket_distance = 1.0\n"
               "[risk]\nmax_trades_per_day = 2\nmax_daily_loss = 100000000.0\n",
           0, "teststrategy");
  REQUIRE(r.run() == 0);
  const auto events = told(r.deliveries("ops"));
  REQUIRE(count_type(events, "risk.daily_limit") >= 1);
  std::set<std::string> days;
  for (const auto& e : events) {
    if (e["type"] != "risk.daily_limit") continue;
    CHECK(e["severity"] == "critical");
    CHECK(e["fields"]["trades_today"] == "2");
    days.insert(e["fields"]["trading_day"].get<std::string>());
  }
  CHECK(days.size() == count_type(events, "risk.daily_limit"));  // once per day
}

TEST_CASE("observers: a receiver down for the whole run loses nothing and holds up no trade, "
          "and after a restart the backlog arrives in order as summaries",
          "[observers][main]") {
  Replay uninterrupted(observer_table("ops"));
  REQUIRE(uninterrupted.run() == 0);

  Replay r(observer_table("ops", "backoff_initial = \"50ms\"\nbackoff_max = \"200ms\"\n") +
           "[alerts]\nshutdown_grace = \"300ms\"\n");
  r.mode("ops", "retry");
  REQUIRE(r.run() == 0);
  CHECK(r.deliveries("ops").empty());
  const std::string log = r.log(1);
  CHECK(count(log, "SLOB_OBSERVER_RETRY: ops: slob-") >= 2);
  CHECK(count(log, "SLOB_OBSERVER_UNDELIVERED: ops:") == 1);
  // Trading did not wait for it: the same trades as with a working receiver.
  auto strip = [](std::vector<nlohmann::json> v) {
    for (auto& t : v) t.erase("commission");
    return v;
  };
  CHECK(strip(r.exported("trades")) == strip(uninterrupted.exported("trades")));

  // Back up: a second run (nothing left to replay) delivers everything the first one stored.
  const auto stored_before = r.exported("events");
  r.mode("ops", "deliver");
  REQUIRE(r.run() == 0);
  const auto deliveries = r.deliveries("ops");
  REQUIRE_FALSE(deliveries.empty());
  // The trades' events are days old in market time: they come as summaries, not one by one.
  std::size_t summaries = 0;
  for (const auto& d : deliveries) summaries += d["shape"] == "summary";
  CHECK(summaries >= 1);
  CHECK(deliveries.size() < told(deliveries).size());
  const auto got = sequences(told(deliveries));
  const auto stored = r.exported("events");
  std::vector<std::uint64_t> expected;
  for (const auto& e : stored) expected.push_back(e["sequence"].get<std::uint64_t>());
  expected.erase(expected.begin(), std::find(expected.begin(), expected.end(), got.front()));
  CHECK(got == expected);
  CHECK(got.front() <= stored_before.front()["sequence"].get<std::uint64_t>() + 1);
}

TEST_CASE("observers: a hanging receiver is timed out and retried, and trading goes on",
          "[observers][main]") {
  Replay r(observer_table("ops", "timeout = \"100ms\"\nbackoff_initial = \"50ms\"\nbackoff_max = \"100ms\"\n") +
           "[alerts]\nshutdown_grace = \"200ms\"\n");
  r.mode("ops", "hang");
  REQUIRE(r.run() == 0);
  CHECK(r.deliveries("ops").empty());
  CHECK(count(r.log(1), "no answer within 100ms (timeout)") >= 1);
  CHECK(r.exported("trades").size() == 2);
}

TEST_CASE("observers: kill -9 after a delivery was confirmed and before its cursor was stored: "
          "sent again after the restart, every event at least once and, by its sequence, at most once",
          "[observers][main][resilience]") {
  Replay r(observer_table("ops"));
  // The 3rd confirmed delivery kills the daemon before its cursor is stored.
  CHECK(r.run("after-alert:3") != 0);
  const auto first = r.deliveries("ops");
  REQUIRE(first.size() == 3);
  REQUIRE(r.run() == 0);
  const auto all = r.deliveries("ops");
  REQUIRE(all.size() > first.size());
  // The events of the delivery the crash interrupted come again after the restart (maybe
  // coalesced with newer ones: each event's own key is its sequence).
  std::set<std::uint64_t> after_restart;
  for (std::size_t i = first.size(); i < all.size(); ++i)
    for (const auto& e : all[i]["events"]) after_restart.insert(e["sequence"].get<std::uint64_t>());
  for (const auto& e : first[2]["events"]) CHECK(after_restart.count(e["sequence"].get<std::uint64_t>()) == 1);
  // De-duplicated by sequence: every stored event exactly once, in order.
  std::set<std::uint64_t> seen;
  std::vector<std::uint64_t> got;
  for (const auto s : sequences(told(all)))
    if (seen.insert(s).second) got.push_back(s);
  std::vector<std::uint64_t> expected;
  for (const auto& e : r.exported("events")) expected.push_back(e["sequence"].get<std::uint64_t>());
  expected.erase(expected.begin(), std::find(expected.begin(), expected.end(), got.front()));
  CHECK(got == expected);
  CHECK(sequences(told(all)).size() > got.size());  // at least once: some came twice
}

TEST_CASE("observers: slob-ctl observers shows cursor and last error, alert-test reaches only the "
          "observer named, a reload adds and removes observers live",
          "[observers][ctl][reload]") {
  TempDir dir;
  auto config = [&](const std::string& observers) {
    return "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" + std::string(SLOB_TEST_PLUGIN_DIR) +
           "\", \"" + SLOB_TEST_ONLY_PLUGIN_DIR +
           "\"]\ncontrol_socket = \"slob.sock\"\n"
           "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" + kFixtures +
           "/main/nq-3days.csv\"\nspeed = 1\n"
           "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\nsync = \"none\"\n"
           "[strategy]\nplugin = \"slob\"\n" + observers;
  };
  auto table = [](const std::string& name, const std::string& extra = "") {
    return "[[observer]]\nname = \"" + name + "\"\nplugin = \"testobserver\"\n" + extra +
           "[observer.config]\nrecord = \"" + name + ".jsonl\"\nmode_file = \"" + name + ".mode\"\n";
  };
  slob::test::Daemon d(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(),
                       config(table("a") + table("b", "backoff_initial = \"10s\"\nbackoff_max = \"20s\"\n")));
  std::ofstream(dir / "b.mode") << "refuse\n";
  d.start();
  REQUIRE(d.wait_log("SLOB_OBSERVER_STARTED: b"));
  auto records = [&](const std::string& name) {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir / (name + ".jsonl"));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  };
  auto tests_for = [&](const std::string& name) {
    std::size_t n = 0;
    for (const auto& e : told(records(name))) n += e["type"] == "alert.test";
    return n;
  };

  const auto sent = d.ctl({"alert-test", "a", "--reason", "checking the pager"});
  INFO(sent.err);
  REQUIRE(sent.code == 0);
  CHECK(sent.out.find("test event recorded for a") != std::string::npos);
  REQUIRE(slob::test::wait_until([&] { return tests_for("a") == 1; }, 30s));
  const auto test_event = [&] {
    for (const auto& e : told(records("a")))
      if (e["type"] == "alert.test") return e;
    return nlohmann::json();
  }();
  CHECK(test_event["reason"].get<std::string>().find("checking the pager") != std::string::npos);
  // b refuses everything: nothing recorded, and slob-ctl observers says why.
  REQUIRE(d.wait_log("SLOB_OBSERVER_REFUSED: b:"));
  const auto shown = d.ctl({"observers"});
  REQUIRE(shown.code == 0);
  INFO(shown.out);
  CHECK(shown.out.find("a (testobserver -> file ") != std::string::npos);
  CHECK(shown.out.find("last error: slob-") != std::string::npos);
  CHECK(shown.out.find(": 401") != std::string::npos);
  const auto json = nlohmann::json::parse(d.ctl({"observers", "--json"}).out);
  REQUIRE(json["observers"].size() == 2);
  CHECK(json["observers"][0]["name"] == "a");
  CHECK(json["observers"][1]["failures"].get<int>() >= 1);
  CHECK(records("b").empty());
  CHECK(d.ctl({"alert-test", "nobody"}).code != 0);

  // Reload: b removed, c added; c starts at the newest event (no history), a keeps its cursor.
  std::ofstream(d.config_path()) << config(table("a") + table("c"));
  const auto reloaded = d.ctl({"reload"});
  INFO(reloaded.out << reloaded.err);
  REQUIRE(reloaded.code == 0);
  CHECK(reloaded.out.find("swapped: observer b removed") != std::string::npos);
  CHECK(reloaded.out.find("swapped: observer c added (testobserver)") != std::string::npos);
  REQUIRE(d.ctl({"alert-test"}).code == 0);  // every observer
  REQUIRE(slob::test::wait_until([&] { return tests_for("a") == 2 && tests_for("c") == 1; }, 30s));
  CHECK(count_type(told(records("c")), "daemon.started") == 0);
  // A reload with a broken observer table is refused and changes nothing.
  std::ofstream(d.config_path()) << config(table("a") + "[[observer]]\nname = \"x\"\nplugin = \"nosuchobserver\"\n");
  const auto refused = d.ctl({"reload"});
  CHECK(refused.code != 0);
  CHECK(refused.err.find("nosuchobserver") != std::string::npos);
  CHECK(nlohmann::json::parse(d.ctl({"observers", "--json"}).out)["observers"].size() == 2);
  CHECK(d.stop() == 0);
}

TEST_CASE("observers: config errors name the file and line, and the daemon does not start",
          "[observers][config]") {
  TempDir dir;
  const std::string head = "[host]\nstate_dir = \"state\"\ncontrol_socket = \"slob.sock\"\nplugin_dirs = [\"" +
                           std::string(SLOB_TEST_PLUGIN_DIR) + "\", \"" + SLOB_TEST_ONLY_PLUGIN_DIR +
                           "\"]\n[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" + kFixtures +
                           "/main/nq-3days.csv\"\n[store]\nplugin = \"lmdb\"\n[strategy]\nplugin = \"slob\"\n";
  struct Case {
    std::string tables;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"[[observer]]\nname = \"a\"\nplugin = \"testobserver\"\ntypes = [\"safe_mode.entred\"]\n"
       "[observer.config]\nrecord = \"a.jsonl\"\n",
       "slob.toml:16:10: [observer] types: \"safe_mode.entred\" names no event type"},
      {"[[observer]]\nname = \"a\"\nplugin = \"testobserver\"\n[observer.config]\nrecord = \"a\"\n"
       "[[observer]]\nname = \"a\"\nplugin = \"testobserver\"\n[observer.config]\nrecord = \"b\"\n",
       "slob.toml:19:8: [observer] observer name \"a\" is used twice"},
      {"[[observer]]\nname = \"a\"\nmin_severity = \"loud\"\nplugin = \"testobserver\"\n"
       "[observer.config]\nrecord = \"a\"\n",
       "slob.toml:15:16: [observer] min_severity must be one of info, notice, warning, critical, got \"loud\""},
      {"[[observer]]\nname = \"a\"\nplugin = \"testobserver\"\n[observer.config]\n",
       "record (a file path) is required"},
  };
  for (const auto& c : cases) {
    INFO(c.tables);
    std::ofstream(dir / "slob.toml") << head << c.tables;
    const auto r = slob::test::run({SLOB_HOST_BIN, "--config", (dir / "slob.toml").string(), "--check"},
                                   dir.path());
    INFO(r.err);
    CHECK(r.code == 78);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}
