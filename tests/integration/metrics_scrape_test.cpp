// `slob-ctl metrics` of a real slob-host that replayed the bundled data (config/slob.toml: the sim
// broker over tools/data/nq-sample.csv up to the evening of its last trade, lmdb, the slob
// strategy) and stays up after it
// (exit_at_end = false): `promtool check metrics` (Debian's prometheus package) accepts the scrape
// without a lint problem, and the values are those of the replay, checked against what the
// store exports (`slob-host export`), the data file and the known figures (7 trades).

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <map>

#include "daemon_harness.hpp"
#include "metrics_text.hpp"
#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::Daemon;
using slob::test::metric_sum;
using slob::test::TempDir;

namespace {

const std::string kSample = std::string(SLOB_SOURCE_DIR) + "/tools/data/nq-sample.csv";

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The replay ends on the evening of its last trade (Wednesday 11 March 2026, 23:00 in [risk]
// timezone Europe/Stockholm, UTC+1 then), so "today" has a trade and its P&L.
const std::string kEnd = "2026-03-11T22:00:00Z";

// config/slob.toml with this test's directories, the data up to kEnd, the daemon kept up after
// it, and no fsync (the figures do not depend on it; the machine is shared).
std::string replay_config() {
  std::string text = slob::test::read_file(std::string(SLOB_SOURCE_DIR) + "/config/slob.toml");
  text = replace_once(text, "state_dir = \"../state\"", "state_dir = \"state\"");
  text = replace_once(text, "plugin_dirs = [\"../build/default/plugins\"]",
                      "plugin_dirs = [\"" SLOB_TEST_PLUGIN_DIR "\"]");
  text = replace_once(text, "control_socket = \"../state/slob.sock\"", "control_socket = \"slob.sock\"");
  text = replace_once(text, "data = \"../tools/data/nq-sample.csv\"", "data = \"" + kSample + "\"");
  text = replace_once(text, "exit_at_end = true", "exit_at_end = false\nend = \"" + kEnd + "\"");
  text = replace_once(text, "path = \"../state/lmdb\"", "path = \"state/lmdb\"");
  text = replace_once(text, "sync = \"full\"", "sync = \"none\"");
  return text;
}

// The data rows the replay delivers (those before kEnd), and the time of the last one.
struct Replayed {
  std::size_t rows = 0;
  std::string last;  // "2026-03-11T21:59:00Z"
};
Replayed replayed(const std::string& csv) {
  std::ifstream in(csv);
  Replayed r;
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    const std::string time = line.substr(0, line.find(','));
    if (line.empty() || time >= kEnd) continue;  // RFC 3339 UTC sorts as text
    ++r.rows;
    r.last = time;
  }
  return r;
}

double epoch_seconds(const std::string& rfc3339) {
  int y, mo, d, h, mi, s;
  REQUIRE(std::sscanf(rfc3339.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) == 6);
  using namespace std::chrono;
  const sys_days date{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}};
  return static_cast<double>(duration_cast<seconds>(date.time_since_epoch()).count() + (h * 60 + mi) * 60 + s);
}

}  // namespace

TEST_CASE("slob-ctl metrics after the replay of the bundled data: promtool accepts it and the "
          "values are the replay's",
          "[metrics][main]") {
  TempDir dir;
  Daemon daemon(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), replay_config());
  daemon.start();
  REQUIRE(daemon.wait_log("SLOB_SIM_END_OF_DATA", 0, 300s));
  // The last fills of the data may still be on their way through the loop.
  REQUIRE(slob::test::wait_until(
      [&] {
        const auto s = daemon.status();
        return s.is_object() && s["progress"]["trades_closed"] == 7 && s["state"] == "Running";
      },
      30s));
  const nlohmann::json status = daemon.status();

  const auto scrape = daemon.ctl({"metrics"});
  REQUIRE(scrape.code == 0);
  const std::string text = scrape.out;
  INFO(text);
  slob::test::check_with_promtool(SLOB_PROMTOOL, text, dir.path());

  const auto m = slob::test::metric_samples(text);

  // Bars in: every row of the data replayed, once.
  const Replayed data = replayed(kSample);
  REQUIRE(data.rows > 10000);
  CHECK(metric_sum(m, "slob_bars_total") == data.rows);
  CHECK(metric_sum(m, "slob_candles_total") == status["progress"]["candles"].get<double>());
  CHECK(metric_sum(m, "slob_candle_inputs_dropped_total") == 0);
  CHECK(m.count("slob_candle_inputs_dropped_total{reason=\"late\"}") == 1);

  // Trades by exit reason: the 7 of the replay, as the store has them.
  const auto trades = daemon.exported("trades");
  REQUIRE(trades.size() == 7);
  std::map<std::string, double> by_reason;
  for (const auto& t : trades) by_reason[t["exit_reason"].get<std::string>()] += 1;
  CHECK(metric_sum(m, "slob_trades_total") == 7);
  for (const auto& [reason, n] : by_reason) {
    INFO(reason);
    CHECK(m.at("slob_trades_total{exit_reason=\"" + reason + "\"}") == n);
  }
  CHECK(by_reason.at("take_profit") == 5);  // the replay's known split
  CHECK(by_reason.at("stop_loss") == 2);

  // Realised P&L today: the last day's trade (20260311-L-1441, take-profit, +9,646.50); 57,550.50
  // over all 7 (docs/packaging.md).
  double total = 0, last_day = 0, last_day_trades = 0;
  for (const auto& t : trades) {
    total += t["pnl"].get<double>();
    if (t["id"].get<std::string>().rfind("20260311-", 0) == 0) {
      last_day += t["pnl"].get<double>();
      ++last_day_trades;
    }
  }
  CHECK(total == Approx(57550.50));
  CHECK(last_day == Approx(9646.50));
  CHECK(status["risk"]["day"] == "2026-03-11");
  CHECK(m.at("slob_realised_pnl_today") == Approx(last_day));
  CHECK(m.at("slob_daily_loss_headroom") == Approx(1000.0 + last_day));  // [risk] max_daily_loss 1000
  CHECK(m.at("slob_trades_left_today") == 2 - last_day_trades);          // max_trades_per_day 2
  CHECK(m.at("slob_position_contracts{symbol=\"NQ\"}") == 0);

  // Setups by outcome, as the store has them.
  double complete = 0, invalidated = 0;
  for (const auto& s : daemon.exported("setups")) {
    complete += s["state"] == "SETUP_COMPLETE";
    invalidated += s["state"] == "INVALIDATED";
  }
  CHECK(complete >= 7);
  CHECK(metric_sum(m, "slob_setups_finished_total", {"outcome=\"complete\""}) == complete);
  CHECK(metric_sum(m, "slob_setups_finished_total", {"outcome=\"invalidated\""}) == invalidated);

  // Fills and orders, as the store has them: every leg final, by leg and state.
  CHECK(metric_sum(m, "slob_fills_total") == daemon.exported("fills").size());
  std::map<std::string, double> legs;
  double entries = 0;
  for (const auto& o : daemon.exported("orders")) {
    legs["slob_orders_total{leg=\"" + o["leg"].get<std::string>() + "\",state=\"" +
         o["state"].get<std::string>() + "\"}"] += 1;
    entries += o["leg"] == "entry";
  }
  for (const auto& [series, n] : legs) {
    INFO(series);
    CHECK(m.at(series) == n);
  }
  CHECK(metric_sum(m, "slob_orders_total") == daemon.exported("orders").size());
  CHECK(metric_sum(m, "slob_orders_total", {"leg=\"entry\"", "state=\"filled\""}) == 7);
  CHECK(metric_sum(m, "slob_orders_unresolved") == 0);
  CHECK(metric_sum(m, "slob_brackets_sent_total") == entries);
  CHECK(m.at("slob_trigger_to_order_seconds_count") == entries);  // one per bracket sent
  CHECK(m.at("slob_store_commit_seconds_count") > 0);
  CHECK(m.at("slob_store_commit_seconds_bucket{le=\"+Inf\"}") == m.at("slob_store_commit_seconds_count"));

  // State and health.
  CHECK(m.at("slob_lifecycle_state{state=\"Running\"}") == 1);
  CHECK(metric_sum(m, "slob_lifecycle_state") == 1);
  CHECK(m.at("slob_safe_mode") == 0);
  CHECK(m.count("slob_safe_mode_info") == 0);
  CHECK(m.at("slob_halted") == (status["halt"]["active"].get<bool>() ? 1 : 0));
  CHECK(m.at("slob_broker_health{channel=\"orders\",state=\"up\"}") == 1);
  CHECK(m.at("slob_broker_health{channel=\"market_data\",state=\"up\"}") == 1);
  CHECK(metric_sum(m, "slob_broker_health") == 2);
  CHECK(m.at("slob_broker_reconnects_total") == 0);
  CHECK(m.at("slob_broker_heartbeat_rtt_seconds_count") == 0);  // the sim has no connection

  // The last bar: its market time is the data's last row; it arrived moments ago (wall time).
  CHECK(m.at("slob_last_bar_timestamp_seconds") == epoch_seconds(data.last));
  CHECK(m.at("slob_last_bar_age_seconds") >= 0);
  CHECK(m.at("slob_last_bar_age_seconds") < 300);
  CHECK(text.find("slob_build_info{compiler=\"") != std::string::npos);
  CHECK(text.find(",sdk=\"2.2.0\",version=\"" SLOB_VERSION "\"} 1\n") != std::string::npos);

  // --json: the same text in an object, for scripts.
  const auto json = daemon.ctl({"metrics", "--json"});
  REQUIRE(json.code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["metrics"].get<std::string>().rfind("# HELP slob_build_info ", 0) == 0);
  CHECK(daemon.stop() == 0);
}
