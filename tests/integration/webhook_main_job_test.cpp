// The main job with the packaged alerts example (packaging/examples/alerts.toml): a real slob-host
// replaying the bundled data (sim + lmdb + slob) with its webhook observer pointed at a real
// HTTPS receiver on 127.0.0.1 (tests/support/https_receiver.py, a CA made per test). The receiver
// gets one event per trade entry and exit, and the safe-mode and daily-limit events of scenarios
// that cause them, each POST with the generic JSON body and its Idempotency-Key.

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>

#include "https_receiver.hpp"
#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::TempDir;

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The example, with the installed paths replaced by the build tree's and the receiver's URL and
// CA; `extra` is appended (a [risk] table, manual actions).
struct AlertsExample {
  TempDir dir;
  std::filesystem::path config = dir / "alerts.toml";

  AlertsExample(const slob::test::Receiver& receiver, const slob::test::Certs& certs,
                const std::string& data, const std::string& broker_extra = "",
                const std::string& extra = "") {
    std::string text = slob::test::read_file(std::string(SLOB_SOURCE_DIR) + "/packaging/examples/alerts.toml");
    REQUIRE(text.find("url = \"https://hooks.example.com/slob\"") != std::string::npos);
    text = replace_all(text, "/usr/lib/slob/plugins", SLOB_TEST_PLUGIN_DIR);
    text = replace_all(text, "/usr/share/slob/data/nq-sample.csv", data);
    text = replace_all(text, "/var/lib/slob/alerts", (dir / "state").string());
    text = replace_all(text, "/run/slob/alerts/slob.sock", (dir / "slob.sock").string());
    text = replace_all(text, "url = \"https://hooks.example.com/slob\"",
                       "url = \"" + receiver.url("https") + "\"\nca_file = \"" + certs.ca + "\"");
    text = replace_all(text, "sync = \"none\"\n", "sync = \"none\"\n" + broker_extra);
    std::ofstream(config) << text << extra;
  }
  int run() {
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", config.string()}, dir.path(), 180s);
    log = r.err;
    return r.code;
  }
  std::string log;
};

// Every event the receiver got, in the order of the POSTs; every POST's key checked against its
// events.
std::vector<nlohmann::json> events_of(const std::vector<nlohmann::json>& posts) {
  std::vector<nlohmann::json> out;
  for (const auto& p : posts) {
    const auto body = nlohmann::json::parse(p["body"].get<std::string>());
    CHECK(body["schema"] == 1);
    CHECK(body["observer"] == "ops-webhook");
    const auto& evs = body["events"];
    REQUIRE_FALSE(evs.empty());
    const std::string first = std::to_string(evs.front()["sequence"].get<std::uint64_t>());
    const std::string last = std::to_string(evs.back()["sequence"].get<std::uint64_t>());
    const std::string key = evs.size() == 1 ? "slob-" + first : "slob-" + first + "-" + last;
    CHECK(body["idempotency_key"] == key);
    CHECK(p["headers"]["Idempotency-Key"] == key);
    for (const auto& e : evs) out.push_back(e);
  }
  return out;
}

std::size_t count_type(const std::vector<nlohmann::json>& events, const std::string& type) {
  std::size_t n = 0;
  for (const auto& e : events) n += e["type"] == type;
  return n;
}

}  // namespace

TEST_CASE("the main job with the alerts example: the webhook receiver gets one event per trade "
          "entry and exit, in order",
          "[webhook][main]") {
  slob::test::Certs certs;
  slob::test::Receiver receiver(certs.dir, certs.serve("good"));
  AlertsExample job(receiver, certs, std::string(SLOB_TEST_FIXTURES_DIR) + "/main/nq-3days.csv");
  REQUIRE(job.run() == 0);
  INFO(job.log);
  const auto events = events_of(receiver.received());
  REQUIRE_FALSE(events.empty());
  std::uint64_t previous = 0;
  for (const auto& e : events) {
    CHECK(e["sequence"].get<std::uint64_t>() > previous);  // in order, none twice
    previous = e["sequence"].get<std::uint64_t>();
    CHECK(e["severity"] != "info");  // min_severity = "notice"
  }
  // nq-3days: 20260106-S-1536 (short 2, take-profit) and 20260107-L-1532 (long 3, take-profit).
  std::set<std::string> entered, exited;
  for (const auto& e : events) {
    if (e["type"] == "trade.entry_filled") entered.insert(e["fields"]["setup_id"].get<std::string>());
    if (e["type"] == "trade.take_profit") exited.insert(e["fields"]["setup_id"].get<std::string>());
  }
  CHECK(entered == std::set<std::string>{"20260106-S-1536", "20260107-L-1532"});
  CHECK(exited == entered);
  CHECK(count_type(events, "trade.take_profit") == 2);
  CHECK(count_type(events, "trade.stop_loss") == 0);
  CHECK(count_type(events, "daemon.started") == 1);
  CHECK(events.back()["type"] == "daemon.stopped");
}

TEST_CASE("the alerts example in a scenario with a position bought by hand: the receiver gets the "
          "critical safe-mode event",
          "[webhook][main]") {
  slob::test::Certs certs;
  slob::test::Receiver receiver(certs.dir, certs.serve("good"));
  AlertsExample job(receiver, certs, std::string(SLOB_TEST_FIXTURES_DIR) + "/main/nq-3days.csv",
                    "manual_actions = \"manual.txt\"\n");
  std::ofstream(job.dir / "manual.txt") << "2026-01-06T06:00:00Z buy 1\n";
  CHECK(job.run() == 1);
  const auto events = events_of(receiver.received());
  REQUIRE(count_type(events, "safe_mode.entered") == 1);
  for (const auto& e : events)
    if (e["type"] == "safe_mode.entered") CHECK(e["severity"] == "critical");
  CHECK(events.back()["type"] == "daemon.stopped");
  CHECK(events.back()["severity"] == "critical");
}

TEST_CASE("the alerts example with one trade a day allowed: the receiver gets the daily-limit event",
          "[webhook][main]") {
  slob::test::Certs certs;
  slob::test::Receiver receiver(certs.dir, certs.serve("good"));
  // The test strategy asks for a bracket every 60 candles: more than one a day.
  AlertsExample job(receiver, certs, std::string(SLOB_TEST_FIXTURES_DIR) + "/main/nq-3days.csv", "",
                    "[risk]\nmax_trades_per_day = 1\nmax_daily_loss = 100000000.0\n");
  std::string text = slob::test::read_file(job.config);
  text = replace_all(text, "[strategy]\nplugin = \"slob\"\n",
                     "[strategy]\nplugin = \"teststrategy\"\n[strategy.config]\nbracket_every = 60\n");
  text = replace_all(text, "plugin_dirs = [\"" + std::string(SLOB_TEST_PLUGIN_DIR) + "\"]",
                     "plugin_dirs = [\"" + std::string(SLOB_TEST_PLUGIN_DIR) + "\", \"" +
                         SLOB_TEST_ONLY_PLUGIN_DIR + "\"]");
  std::ofstream(job.config) << text;
  REQUIRE(job.run() == 0);
  INFO(job.log);
  const auto events = events_of(receiver.received());
  REQUIRE(count_type(events, "risk.daily_limit") >= 1);
  for (const auto& e : events) {
    if (e["type"] != "risk.daily_limit") continue;
    CHECK(e["severity"] == "critical");
    CHECK(e["fields"]["trades_today"] == "1");
  }
}

TEST_CASE("the alerts example against a receiver whose certificate names another host: nothing "
          "delivered, every attempt logged and retried, the trades the same",
          "[webhook][main][tls]") {
  slob::test::Certs certs;
  slob::test::Receiver receiver(certs.dir, certs.serve("wrong-name"));
  AlertsExample job(receiver, certs, std::string(SLOB_TEST_FIXTURES_DIR) + "/main/nq-3days.csv", "",
                    "");
  // Retry quickly, so a replay of a few seconds sees several attempts.
  std::string text = slob::test::read_file(job.config);
  text = replace_all(text, "min_severity = \"notice\"\n",
                     "min_severity = \"notice\"\nbackoff_initial = \"100ms\"\nbackoff_max = \"200ms\"\n");
  std::ofstream(job.config) << text;
  REQUIRE(job.run() == 0);  // trading went on; the shutdown did not wait past its grace
  CHECK(receiver.received().empty());
  std::size_t retries = 0;
  for (auto at = job.log.find("SLOB_OBSERVER_RETRY: ops-webhook: slob-"); at != std::string::npos;
       at = job.log.find("SLOB_OBSERVER_RETRY: ops-webhook: slob-", at + 1))
    ++retries;
  CHECK(retries >= 2);
  INFO(job.log);
  CHECK(job.log.find(receiver.peer("https")) != std::string::npos);  // the reason names the peer
  CHECK(job.log.find("SLOB_OBSERVER_UNDELIVERED: ops-webhook:") != std::string::npos);
  const auto trades = slob::test::run({SLOB_HOST_BIN, "--config", job.config.string(), "export", "trades"},
                                      job.dir.path());
  CHECK(std::count(trades.out.begin(), trades.out.end(), '\n') == 2);
}
