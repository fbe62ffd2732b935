// The ib broker plugin inside a real slob-host process (with the lmdb store and the slob
// strategy) against tools/ib-gateway-sim as a real child process on ephemeral loopback ports.
// Everything is asserted the way an operator sees it: slob-ctl, the daemon's log, `slob-host
// export`, and what the gateway received (the simulator's inbound log).
//
// The market is the scripted morning of ib_host_scenario.hpp, paused where a test acts, so the
// outcome does not depend on timing; every wait is on a log line with a generous deadline.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "daemon_harness.hpp"
#include "gateway_sim.hpp"
#include "ib_host_scenario.hpp"
#include "metrics_text.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using slob::test::Daemon;
using slob::test::GatewaySim;
using slob::test::TempDir;
namespace scenario = slob::test::ib_host;

namespace {

// The trading day's zone ([risk] timezone, also the strategy's calendar): a fixed offset where
// the day is at least six hours old now. The host backfills a fresh store from the start of the
// trading day, and that covers the scripted London minutes whatever time of day the test runs.
// It must put the scripted morning (07:55-09:20 UTC) on Monday 5 January: no earlier than UTC-7.
int midday_offset() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  return std::max(12 - utc.tm_hour, -7);  // local = UTC + offset: noon, or 12:00-16:00
}

std::string zone_of(int offset) {
  if (offset == 0) return "Etc/GMT";
  // POSIX sign convention: Etc/GMT-3 is three hours ahead of UTC.
  return offset > 0 ? "Etc/GMT-" + std::to_string(offset) : "Etc/GMT+" + std::to_string(-offset);
}

// The scripted setup's id: its day and New York open (08:05 UTC) in the trading day's zone.
std::string setup_id_of(int offset) {
  char id[32];
  std::snprintf(id, sizeof id, "20990105-S-%02d05", 8 + offset);
  return id;
}

struct Options {
  int startup_attempts = 10;
  int runtime_attempts = 10;
  std::string heartbeat_interval = "1s";
  std::string heartbeat_timeout = "5s";
  std::string position_recheck = "500ms";
  std::string on_shutdown = "leave";
  std::vector<std::string> sim_args;
};

// The gateway simulator playing the scripted morning, and a daemon configured for it.
struct Rig {
  explicit Rig(Options o = {})
      : options(std::move(o)), offset(midday_offset()), zone(zone_of(offset)), setup_id(setup_id_of(offset)) {
    const auto script = dir / "morning.csv";
    std::ofstream(script) << scenario::script_csv(scenario::morning());
    std::vector<std::string> args = {"--script", script.string(), "--bar-interval-ms", "10", "--price", "20000",
                                     "--next-valid-id", "100"};
    args.insert(args.end(), options.sim_args.begin(), options.sim_args.end());
    sim = std::make_unique<GatewaySim>(SLOB_IB_GATEWAY_SIM, args);
    REQUIRE(sim->started());
    daemon = std::make_unique<Daemon>(SLOB_HOST_BIN, SLOB_CTL_BIN, dir.path(), config());
  }

  std::string config() const {
    return "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" SLOB_TEST_PLUGIN_DIR "\"]\n"
           "control_socket = \"slob.sock\"\nshutdown_timeout = \"20s\"\non_shutdown = \"" +
           options.on_shutdown +
           "\"\n"
           "[connection]\nbackoff_initial = \"100ms\"\nbackoff_max = \"1s\"\nposition_recheck = \"" +
           options.position_recheck + "\"\nheartbeat_interval = \"" + options.heartbeat_interval +
           "\"\nheartbeat_timeout = \"" + options.heartbeat_timeout + "\"\nstartup_attempts = " +
           std::to_string(options.startup_attempts) + "\nruntime_attempts = " + std::to_string(options.runtime_attempts) +
           // No maintenance windows: the test must not depend on the time of day it runs.
           "\n[maintenance]\nwindows = []\n[risk]\ntimezone = \"" + zone +
           "\"\n"
           "[broker]\nplugin = \"ib\"\n[broker.config]\nport = " +
           std::to_string(sim->api_port()) +
           "\nclient_id = 7\nconnect_timeout = \"3s\"\nrequest_timeout = \"20s\"\nbar_watchdog = \"1h\"\n"
           "commission_wait = \"200ms\"\n"
           "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\n"
           "[strategy]\nplugin = \"slob\"\n[strategy.config]\n" +
           scenario::kStrategyConfig;
  }

  // Waits for a daemon log line containing `needle` (after byte `from`); a failure shows the
  // daemon's log and what the gateway received. Returns the offset past the line.
  std::size_t expect_log(const std::string& needle, std::size_t from = 0) {
    const auto at = daemon->wait_log(needle, from);
    if (!at) {
      std::string sim_log;
      for (const auto& line : sim->log_lines()) sim_log += line.substr(0, 200) + "\n";
      FAIL("no log line \"" << needle << "\"\n--- daemon log ---\n"
                              << daemon->log() << "--- daemon stdout ---\n" << daemon->process().out()
                              << "--- gateway inbound ---\n" << sim_log);
    }
    return *at;
  }

  // SIGTERM: the daemon must run its bounded shutdown and exit 0.
  void expect_clean_stop() {
    const auto code = daemon->stop();
    if (code != 0) {
      FAIL("exit code " << (code ? std::to_string(*code) : std::string("none (killed)")) << "\n--- daemon log ---\n"
                        << daemon->log());
    }
  }

  // The simulator reached its n-th scripted pause (1-based).
  bool wait_pause(int n, std::chrono::milliseconds timeout = 60s) {
    return slob::test::wait_until([&] { return count_notes("script pause") >= n; }, timeout);
  }
  int count_notes(const std::string& text) const {
    int n = 0;
    for (const auto& line : sim->log_lines()) n += line.rfind("# ", 0) == 0 && line.find(text) != std::string::npos;
    return n;
  }
  // Inbound messages with id `id` logged after the first note containing `note` (all when empty).
  std::size_t count_inbound_after(const std::string& id, const std::string& note = "") const {
    bool after = note.empty();
    std::size_t n = 0;
    for (const auto& line : sim->log_lines()) {
      if (!after) {
        after = line.rfind("# ", 0) == 0 && line.find(note) != std::string::npos;
        continue;
      }
      if (!line.empty() && line[0] != '#' && GatewaySim::split(line)[0] == id) ++n;
    }
    return n;
  }

  // London is streamed before the daemon starts; the daemon then connects, backfills it and
  // reaches Running at the first pause. Returns the number of backfilled bars.
  int start_at_london_close() {
    REQUIRE(wait_pause(1));
    daemon->start();
    expect_log("-> Running");
    expect_log("SLOB_IB_BACKFILL_DONE");
    const auto lines = daemon->log_lines("SLOB_IB_BACKFILL_DONE");
    REQUIRE(lines.size() == 1);
    int bars = -1;
    const auto at = lines[0].find("backfill NQ: ");
    REQUIRE(at != std::string::npos);
    bars = std::stoi(lines[0].substr(at + 13));
    return bars;
  }
  // Streams to the next pause.
  void resume(int next_pause) {
    REQUIRE(sim->control("bars on") == "ok");
    REQUIRE(wait_pause(next_pause));
  }

  TempDir dir;
  Options options;
  int offset;
  std::string zone;
  std::string setup_id;  // scenario.hpp's setup, named in `zone`
  std::unique_ptr<GatewaySim> sim;
  std::unique_ptr<Daemon> daemon;
};

// `slob-ctl metrics`, parsed (metrics_text.hpp).
std::map<std::string, double> metrics_of(Rig& rig) {
  const auto r = rig.daemon->ctl({"metrics"});
  REQUIRE(r.code == 0);
  return slob::test::metric_samples(r.out);
}

json status_of(Rig& rig) {
  json s = rig.daemon->status();
  REQUIRE(s.is_object());
  return s;
}

// The placeOrder messages (ib-api.md §5.1: 1 orderId, 16 action, 17 quantity, 18 orderType,
// 19 lmtPrice, 20 auxPrice, 22 ocaGroup, 26 orderRef, 27 transmit, 28 parentId, 47 ocaType).
std::vector<std::vector<std::string>> placed(const Rig& rig) { return rig.sim->inbound("3"); }

}  // namespace

TEST_CASE("host: a daemon started mid-session backfills the day and then builds candles from 5-second bars",
          "[ib][host]") {
  Rig rig;
  const int backfilled = rig.start_at_london_close();
  // The whole morning so far came from reqHistoricalData before any live bar was asked for…
  CHECK(backfilled >= 10);
  CHECK(rig.count_inbound_after("20") == 1);
  const std::string log = rig.daemon->log();
  CHECK(log.find("SLOB_IB_BACKFILL_REQUESTED") < log.find("SLOB_IB_BACKFILL_DONE"));
  json s = status_of(rig);
  CHECK(s["state"] == "Running");
  CHECK(s["progress"]["candles"] == backfilled);

  // …then the live 5-second bars of 09:05–09:13 became exactly nine more 1-minute candles.
  rig.resume(2);
  rig.expect_log("SLOB_SETUP_FINISHED");
  s = status_of(rig);
  CHECK(s["progress"]["candles"] == backfilled + scenario::kSetupMinutes);
  CHECK(s["progress"]["holes"] == 0);
  CHECK(s["candle_builder"]["dropped"] == 0);

  // The strategy saw London from the backfill and the New York minutes from the live bars.
  json report;
  for (const auto& setup : rig.daemon->exported("setups"))
    if (setup["id"] == rig.setup_id) report = setup["report"];
  REQUIRE(report.is_object());
  CHECK(report["id"] == rig.setup_id);
  CHECK(report["state"] == "SETUP_COMPLETE");
  CHECK(report["lse_high"] == 20010);
  CHECK(report["lse_low"] == 19990);
  CHECK(report["high"] == 20030);  // the highest of 09:06's twelve 5-second bars
  CHECK(report["liq1_time"] == "2099-01-05T08:05:00Z");
  CHECK(report["entry"] == 20014);
  rig.expect_clean_stop();
}

TEST_CASE("host: a complete setup sends one bracket as ib-api.md 5.2 and its fills reach the ledger and the trade",
          "[ib][host]") {
  Rig rig;
  rig.start_at_london_close();
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SENT");
  REQUIRE(slob::test::wait_until([&] { return placed(rig).size() == 3; }));
  const auto p = placed(rig);
  const std::string ref = std::string("slob:") + rig.setup_id;
  // Parent: SELL 2 LMT 20014, untransmitted, no parent.
  CHECK(p[0][1] == "100");
  CHECK(p[0][16] == "SELL");
  CHECK(p[0][17] == "2");
  CHECK(p[0][18] == "LMT");
  CHECK(p[0][19] == "20014");
  CHECK(p[0][26] == ref + ":entry");
  CHECK(p[0][27] == "0");
  CHECK(p[0][28] == "0");
  // Take-profit: BUY 2 LMT 19989 (LSE low - 1), child of 100, untransmitted.
  CHECK(p[1][1] == "101");
  CHECK(p[1][16] == "BUY");
  CHECK(p[1][18] == "LMT");
  CHECK(p[1][19] == "19989");
  CHECK(p[1][26] == ref + ":tp");
  CHECK(p[1][27] == "0");
  CHECK(p[1][28] == "100");
  // Stop-loss: BUY 2 STP 20035 (spike + 1), child of 100, and the last leg transmits.
  CHECK(p[2][1] == "102");
  CHECK(p[2][16] == "BUY");
  CHECK(p[2][18] == "STP");
  CHECK(p[2][20] == "20035");
  CHECK(p[2][26] == ref + ":sl");
  CHECK(p[2][27] == "1");
  CHECK(p[2][28] == "100");
  // The children are one OCA group (type 1); the parent is in none.
  CHECK_FALSE(p[1][22].empty());
  CHECK(p[1][22] == p[2][22]);
  CHECK(p[1][47] == "1");
  CHECK(p[0][22].empty());

  // The entry fills, then the take-profit; the stop-loss is cancelled by the OCA group.
  rig.resume(3);
  rig.expect_log("SLOB_FILL", 0);
  rig.resume(4);
  rig.expect_log("SLOB_TRADE_CLOSED");
  const auto fills = rig.daemon->exported("fills");
  REQUIRE(fills.size() == 2);
  std::set<std::string> refs;
  for (const auto& f : fills) refs.insert(f["client_ref"].get<std::string>());
  CHECK(refs == std::set<std::string>{ref + ":entry", ref + ":tp"});
  const auto trades = rig.daemon->exported("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0]["id"] == rig.setup_id);
  CHECK(trades[0]["direction"] == "SHORT");
  CHECK(trades[0]["quantity"] == 2);
  CHECK(trades[0]["entry_price"] == 20014);
  CHECK(trades[0]["exit_price"] == 19989);
  CHECK(trades[0]["exit_reason"] == "take_profit");
  // 25 points x 2 contracts x 20 USD, less 2.25 per contract on both fills.
  CHECK(trades[0]["pnl"].get<double>() == Approx(1000 - 9));
  CHECK(rig.daemon->log().find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);

  // The same, as `slob-ctl metrics` counts it; heartbeats every second answered by the gateway.
  REQUIRE(slob::test::wait_until(
      [&] { return metrics_of(rig).at("slob_broker_heartbeat_rtt_seconds_count") >= 1; }, 10s));
  const auto m = metrics_of(rig);
  CHECK(m.at("slob_trigger_to_order_seconds_count") == 1);
  CHECK(m.at("slob_brackets_sent_total") == 1);
  CHECK(m.at("slob_fills_total") == 2);
  CHECK(m.at("slob_trades_total{exit_reason=\"take_profit\"}") == 1);
  CHECK(m.at("slob_orders_total{leg=\"sl\",state=\"cancelled\"}") == 1);
  CHECK(m.at("slob_realised_pnl_today") == Approx(1000 - 9));
  CHECK(m.at("slob_broker_heartbeat_rtt_seconds_sum") > 0);
  CHECK(m.at("slob_broker_heartbeat_rtt_seconds_sum") < 5 * m.at("slob_broker_heartbeat_rtt_seconds_count"));
  CHECK(m.at("slob_broker_reconnects_total") == 0);
  rig.expect_clean_stop();
}

TEST_CASE("host: a dropped gateway is reconnected and resubscribed and reconciled and trading resumes",
          "[ib][host]") {
  Rig rig;
  const int backfilled = rig.start_at_london_close();
  const std::size_t before = rig.daemon->log_size();
  REQUIRE(rig.sim->control("drop") == "ok");
  const auto lost = rig.expect_log("Running -> Reconnecting: order channel lost", before);
  rig.expect_log("Reconnecting -> Reconciling: broker connected", lost);
  rig.expect_log("Reconciling -> Running", lost);
  // On the new socket: real-time bars asked for again and a fresh snapshot for reconciliation.
  REQUIRE(slob::test::wait_until([&] { return rig.count_inbound_after("50", "control drop") >= 1; }));
  CHECK(rig.count_inbound_after("61", "control drop") >= 1);  // reqPositions
  CHECK(rig.count_inbound_after("7", "control drop") >= 1);   // reqExecutions

  // Trading resumes: the setup completes on the new subscription and its bracket goes out.
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SENT");
  REQUIRE(slob::test::wait_until([&] { return placed(rig).size() == 3; }));
  json s = status_of(rig);
  CHECK(s["state"] == "Running");
  CHECK(s["progress"]["candles"] == backfilled + scenario::kSetupMinutes);  // none lost, none twice
  CHECK(s["candle_builder"]["dropped"] == 0);
  // Asked once on the new socket: the host's own subscribe after reconciling repeated nothing.
  CHECK(rig.count_inbound_after("50", "control drop") == 1);
  CHECK(rig.count_inbound_after("51", "control drop") == 0);
  const auto m = metrics_of(rig);
  CHECK(m.at("slob_broker_reconnects_total") == 1);
  CHECK(m.at("slob_broker_health{channel=\"orders\",state=\"up\"}") == 1);
  CHECK(m.at("slob_lifecycle_state{state=\"Running\"}") == 1);
  rig.expect_clean_stop();
}

TEST_CASE("host: a gateway that never returns means safe mode after the attempts that survives a restart "
          "and only clear-safe-mode ends",
          "[ib][host]") {
  Options o;
  o.runtime_attempts = 3;
  Rig rig(o);
  rig.start_at_london_close();
  const std::size_t before = rig.daemon->log_size();
  // Refused long enough for three attempts (100 ms, then up to 200 ms apart), then back.
  REQUIRE(rig.sim->control("refuse 4") == "ok");
  rig.expect_log("Reconnecting -> SafeMode: broker unreachable after 3 connection attempts", before);
  json s = status_of(rig);
  CHECK(s["state"] == "SafeMode");
  CHECK(s["safe_mode"]["active"] == true);
  CHECK(s["safe_mode"]["reason"].get<std::string>().find("broker unreachable after 3 connection attempts") == 0);
  CHECK(rig.daemon->log().find("SLOB_SAFE_MODE_ENTERED") != std::string::npos);
  rig.expect_clean_stop();

  // A restart does not forget it, even once the gateway is back and reconciliation is clean.
  rig.daemon->start();
  rig.expect_log("SLOB_SAFE_MODE_PERSISTED");
  rig.expect_log("SLOB_IB_READY");
  rig.expect_log("SLOB_IB_SNAPSHOT_DONE");
  s = status_of(rig);
  CHECK(s["state"] == "SafeMode");
  CHECK(s["safe_mode"]["reason"].get<std::string>().find("broker unreachable after 3 connection attempts") == 0);
  const auto no_reason = rig.daemon->ctl({"clear-safe-mode"});
  CHECK(no_reason.code == 1);
  CHECK(no_reason.err.find("needs --reason") != std::string::npos);
  CHECK(status_of(rig)["state"] == "SafeMode");

  const std::size_t mark = rig.daemon->log_size();
  const auto cleared = rig.daemon->ctl({"clear-safe-mode", "--reason", "gateway checked"});
  CHECK(cleared.code == 0);
  rig.expect_log("SLOB_SAFE_MODE_CLEARED: safe mode cleared by operator: gateway checked", mark);
  rig.expect_log("Reconciling -> Running", mark);
  // Trading again: the setup's bracket goes out.
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SENT", mark);
  REQUIRE(slob::test::wait_until([&] { return placed(rig).size() == 3; }));
  bool audited = false;
  for (const auto& e : rig.daemon->exported("events"))
    audited |= e.dump().find("gateway checked") != std::string::npos;
  CHECK(audited);
  rig.expect_clean_stop();
}

TEST_CASE("host: [connection] heartbeat: a silent gateway is closed within interval + timeout and reconnected",
          "[ib][host]") {
  // The keys of [connection] reach the broker (HostSettings); the ib plugin has none of its own.
  Options o;
  o.heartbeat_interval = "1s";
  o.heartbeat_timeout = "1s";
  Rig rig(o);
  rig.start_at_london_close();
  const std::size_t before = rig.daemon->log_size();
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(rig.sim->control("silent on") == "ok");
  const auto detected = rig.expect_log("SLOB_IB_HEARTBEAT_TIMEOUT", before);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  // A heartbeat leaves at most an interval after the gateway went silent and times out one
  // timeout later: closed within 2 s (3 s with the log poll and a loaded machine).
  CHECK(elapsed >= 900ms);
  CHECK(elapsed <= 3000ms);
  rig.expect_log("Running -> Reconnecting: order channel lost: heartbeat", before);
  REQUIRE(rig.sim->control("silent off") == "ok");
  rig.expect_log("Reconciling -> Running", detected);
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SENT");
  rig.expect_clean_stop();
}

TEST_CASE("host: 1101 resubscribes and bars flow on the new subscription", "[ib][host]") {
  Rig rig;
  rig.start_at_london_close();
  const std::size_t before = rig.daemon->log_size();
  REQUIRE(rig.sim->control("error 1101") == "ok");
  rig.expect_log("SLOB_IB_RESTORED_DATA_LOST", before);
  REQUIRE(slob::test::wait_until([&] { return rig.count_inbound_after("50", "control error 1101") >= 1; }));
  CHECK(rig.count_inbound_after("51", "control error 1101") >= 1);  // the old one cancelled
  json s = status_of(rig);
  CHECK(s["state"] == "Running");
  CHECK(s["broker"]["orders"] == "up");
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SENT");
  CHECK(status_of(rig)["candle_builder"]["dropped"] == 0);
  // One cancel and one new request: the host's subscribe after 1101 repeated nothing.
  CHECK(rig.count_inbound_after("50", "control error 1101") == 1);
  CHECK(rig.count_inbound_after("51", "control error 1101") == 1);
  rig.expect_clean_stop();
}

TEST_CASE("host: 1100 and 2110 take the order channel offline so a complete setup gets no order", "[ib][host]") {
  Rig rig;
  rig.start_at_london_close();
  std::size_t mark = rig.daemon->log_size();
  REQUIRE(rig.sim->control("error 1100") == "ok");
  rig.expect_log("SLOB_IB_ORDERS_OFFLINE", mark);
  json s = status_of(rig);
  CHECK(s["state"] == "Running");  // the socket is kept; nothing reconnects
  CHECK(s["broker"]["orders"] == "degraded");
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SKIPPED: setup " + rig.setup_id +
                               ": no order: order channel is not up");
  CHECK(placed(rig).empty());

  mark = rig.daemon->log_size();
  REQUIRE(rig.sim->control("error 1102") == "ok");
  rig.expect_log("SLOB_IB_RESTORED", mark);
  CHECK(status_of(rig)["broker"]["orders"] == "up");
  mark = rig.daemon->log_size();
  REQUIRE(rig.sim->control("error 2110") == "ok");
  rig.expect_log("SLOB_IB_ORDERS_OFFLINE", mark);
  CHECK(status_of(rig)["broker"]["orders"] == "degraded");
  rig.expect_clean_stop();
}

TEST_CASE("host: clientId in use (326) backs off to backoff_max between attempts and then safe mode names it",
          "[ib][host]") {
  Options o;
  o.startup_attempts = 3;
  Rig rig(o);
  REQUIRE(rig.sim->control("clientid-in-use 7") == "ok");
  rig.daemon->start();
  rig.expect_log("SafeMode: broker unreachable after 3 connection attempts (last: clientId 7 "
                               "already in use (326))");
  const auto attempts = rig.daemon->log_lines("SLOB_CONNECT_ATTEMPT");
  REQUIRE(attempts.size() >= 3);
  for (std::size_t i = 1; i < 3; ++i) {
    const auto a = slob::test::log_line_millis(attempts[i - 1]);
    const auto b = slob::test::log_line_millis(attempts[i]);
    REQUIRE(a);
    REQUIRE(b);
    INFO(attempts[i - 1] << "\n" << attempts[i]);
    // backoff_max is 1 s, jittered to [0.5 s, 1 s]; the doubling step would be 100 ms.
    CHECK(*b - *a >= 450);
  }
  CHECK(rig.count_inbound_after("71") >= 3);  // each attempt did reach startApi
  rig.expect_clean_stop();
}

TEST_CASE("host: a position opened outside the bot means safe mode with a critical log naming symbol and quantity",
          "[ib][host]") {
  Rig rig;
  rig.start_at_london_close();
  REQUIRE(rig.sim->control("add-position NQ 3 20001") == "ok");
  const std::size_t before = rig.daemon->log_size();
  REQUIRE(rig.sim->control("drop") == "ok");  // reconciliation runs after the reconnect
  // Asked again before it is believed: the same answer twice is a real position.
  const std::size_t recheck = rig.expect_log(
      "warning host SLOB_RECONCILE_RECHECK: position NQ 3 at the broker has no trade in the store", before);
  rig.expect_log("critical host SLOB_RECONCILE_MISMATCH: position NQ 3 at the broker has no trade in the store",
                 recheck);
  rig.expect_log("SLOB_SAFE_MODE_ENTERED: reconciliation: position NQ 3", before);
  json s = status_of(rig);
  CHECK(s["state"] == "SafeMode");
  CHECK(s["safe_mode"]["reason"] == "reconciliation: position NQ 3 at the broker has no trade in the store "
                                    "(opened outside the bot?)");
  // No order while in safe mode.
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SKIPPED");
  CHECK(placed(rig).empty());
  rig.expect_clean_stop();
}

TEST_CASE("host: a position closed outside the bot closes the trade at the broker's execution price",
          "[ib][host]") {
  Rig rig;
  rig.start_at_london_close();
  rig.resume(2);
  rig.resume(3);  // the entry fills: short 2 at 20014
  rig.expect_log("SLOB_FILL");
  REQUIRE(rig.daemon->exported("trades").size() == 1);
  // Bought back in TWS at the last price (20015, the close of 09:14): no orderRef, no live report.
  REQUIRE(rig.sim->control("close-position NQ") == "ok");
  const std::size_t before = rig.daemon->log_size();
  REQUIRE(rig.sim->control("drop") == "ok");
  rig.expect_log("SLOB_TRADE_CLOSED", before);
  rig.expect_log("Reconciling -> Running", before);
  const auto trades = rig.daemon->exported("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0]["exit_reason"] == "closed_externally");
  CHECK(trades[0]["exit_price"] == 20015);
  // 1 point against 2 contracts x 20 USD, less the entry's 2 x 2.25.
  CHECK(trades[0]["pnl"].get<double>() == Approx(-40 - 4.5));
  CHECK(rig.daemon->log().find("trade " + rig.setup_id +
                               " is open in the store but NQ is flat at the broker; closing it as "
                               "closed_externally at 20015") != std::string::npos);
  CHECK(status_of(rig)["state"] == "Running");
  rig.expect_clean_stop();
}

TEST_CASE("host: after a gateway restart that rolls nextValidId back no order id is reused", "[ib][host]") {
  Options o;
  o.on_shutdown = "flatten";
  Rig rig(o);
  rig.start_at_london_close();
  rig.resume(2);
  REQUIRE(slob::test::wait_until([&] { return placed(rig).size() == 3; }));
  rig.resume(3);
  rig.expect_log("SLOB_FILL");
  const std::size_t before = rig.daemon->log_size();
  CHECK(rig.sim->control("restart 100") == "ok next_valid_id=100");
  const auto lost = rig.expect_log("Running -> Reconnecting", before);
  rig.expect_log("SLOB_IB_READY", lost);
  CHECK(rig.sim->control("status").find("next_valid_id=100") != std::string::npos);
  rig.expect_log("Reconciling -> Running", lost);
  // The next order after the rollback: the shutdown's flatten of the open short.
  rig.expect_clean_stop();
  const auto p = placed(rig);
  INFO(rig.daemon->log());
  REQUIRE(p.size() == 4);
  CHECK(p[3][18] == "MKT");
  CHECK(p[3][16] == "BUY");
  CHECK(p[3][26] == "slob:" + rig.setup_id + ":flatten");
  std::set<std::string> ids;
  for (const auto& f : p) CHECK(ids.insert(f[1]).second);
  CHECK(p[3][1] == "103");
  CHECK(rig.daemon->log().find("SLOB_IB_ORDER_ERROR") == std::string::npos);  // no 103 duplicate id
}

// ---------------------------------------------------------------------------------------------
// What happens in the account while the daemon runs (live reconciliation, live_reconcile.hpp):
// the gateway simulator plays the trader in TWS (another client: no orderRef, nothing reported
// to client 7 but the position, which stays subscribed, and what happens to client 7's orders).

TEST_CASE("host: a position bought by hand while Running means safe mode within position_recheck + 1 s, "
          "cleared once it is closed",
          "[ib][host][live]") {
  Rig rig;
  rig.start_at_london_close();
  const std::size_t before = rig.daemon->log_size();
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(rig.sim->control("manual-order BUY 1") == "ok");
  rig.expect_log("SLOB_RECONCILE_LIVE: position NQ 1 at the broker, 0 by the open trades", before);
  rig.expect_log("SLOB_RECONCILE_RECHECK: position NQ 1 at the broker has no trade in the store", before);
  rig.expect_log("SLOB_SAFE_MODE_ENTERED: reconciliation: position NQ 1 at the broker has no trade in the store",
                 before);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(elapsed <= 500ms + 1000ms);  // position_recheck + 1 s
  rig.expect_log("critical host SLOB_RECONCILE_MISMATCH: position NQ 1 at the broker has no trade", before);
  json s = status_of(rig);
  CHECK(s["state"] == "SafeMode");
  CHECK(s["live_reconcile"]["started"] == 1);

  // No order through a complete setup.
  rig.resume(2);
  rig.expect_log("SLOB_ORDER_SKIPPED: setup " + rig.setup_id + ": no order");
  CHECK(placed(rig).empty());

  // The trader closes it; the operator clears safe mode: reconciled clean, Running, the gate open.
  REQUIRE(rig.sim->control("close-position NQ") == "ok");
  const std::size_t mark = rig.daemon->log_size();
  const auto cleared = rig.daemon->ctl({"clear-safe-mode", "--reason", "manual NQ trade closed"});
  CHECK(cleared.code == 0);
  rig.expect_log("Reconciling -> Running", mark);
  s = status_of(rig);
  CHECK(s["state"] == "Running");
  CHECK(s["safe_mode"]["active"] == false);
  rig.expect_clean_stop();
}

TEST_CASE("host: the bot's position closed by hand (legs cancelled, bought back) closes the trade "
          "closed_externally at the broker's price, without safe mode",
          "[ib][host][live]") {
  Rig rig;
  rig.start_at_london_close();
  rig.resume(2);
  rig.resume(3);  // the entry fills: short 2 at 20014
  rig.expect_log("SLOB_FILL");
  const std::string ref = std::string("slob:") + rig.setup_id;
  const std::size_t before = rig.daemon->log_size();
  // In TWS: both legs cancelled, then bought back at market (the last price, 20015).
  REQUIRE(rig.sim->control("cancel-order " + ref + ":tp") == "ok");
  REQUIRE(rig.sim->control("cancel-order " + ref + ":sl") == "ok");
  REQUIRE(rig.sim->control("manual-order BUY 2") == "ok");
  rig.expect_log("SLOB_RECONCILE_LIVE: order " + ref + ":tp (setup " + rig.setup_id +
                     ") cancelled at the broker",
                 before);
  rig.expect_log("SLOB_TRADE_CLOSED", before);
  const auto trades = rig.daemon->exported("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0]["exit_reason"] == "closed_externally");
  CHECK(trades[0]["exit_price"] == 20015);
  CHECK(trades[0]["pnl"].get<double>() == Approx(-40 - 4.5));
  CHECK(rig.daemon->log().find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);
  CHECK(status_of(rig)["state"] == "Running");
  // Nothing more for that setup: the market goes through the old target and no order follows.
  rig.resume(4);
  CHECK(placed(rig).size() == 3);
  CHECK(rig.daemon->exported("trades").size() == 1);
  CHECK(status_of(rig)["state"] == "Running");
  rig.expect_clean_stop();
}

TEST_CASE("host: the stop-loss cancelled by hand while the entry is filled means safe mode naming the setup, "
          "never a re-placed leg",
          "[ib][host][live]") {
  Rig rig;
  rig.start_at_london_close();
  rig.resume(2);
  rig.resume(3);
  rig.expect_log("SLOB_FILL");
  const std::string sl = std::string("slob:") + rig.setup_id + ":sl";
  const std::size_t before = rig.daemon->log_size();
  REQUIRE(rig.sim->control("cancel-order " + sl) == "ok");
  const std::string finding = std::string("position NQ -2 (trade ") + rig.setup_id +
                              ") is open but its stop-loss " + sl + " is not working at the broker";
  rig.expect_log("critical host SLOB_RECONCILE_MISMATCH: " + finding, before);
  rig.expect_log("SLOB_SAFE_MODE_ENTERED: reconciliation: " + finding, before);
  json s = status_of(rig);
  CHECK(s["state"] == "SafeMode");
  CHECK(s["safe_mode"]["reason"] == "reconciliation: " + finding);
  CHECK(placed(rig).size() == 3);
  rig.expect_clean_stop();
}

TEST_CASE("host: a position report running ahead of the bot's own fill report is confirmed, not acted on",
          "[ib][host][live]") {
  Options o;
  o.position_recheck = "3s";  // room for the test to release the fill report in between
  Rig rig(o);
  rig.start_at_london_close();
  rig.resume(2);
  REQUIRE(slob::test::wait_until([&] { return placed(rig).size() == 3; }));
  // The entry fills; the gateway reports the position at once and the execution only later.
  REQUIRE(rig.sim->control("hold-executions on") == "ok");
  const std::size_t before = rig.daemon->log_size();
  rig.resume(3);
  const std::size_t recheck =
      rig.expect_log("SLOB_RECONCILE_RECHECK: position NQ -2 at the broker has no trade in the store", before);
  REQUIRE(rig.sim->control("hold-executions off") == "ok");
  rig.expect_log("SLOB_FILL", recheck);
  rig.expect_log("SLOB_RECONCILE_LIVE_DONE", recheck);
  const std::string log = rig.daemon->log();
  CHECK(log.find("SLOB_RECONCILE_MISMATCH") == std::string::npos);
  CHECK(log.find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);
  CHECK(status_of(rig)["state"] == "Running");
  const auto trades = rig.daemon->exported("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0]["open"] == true);
  CHECK(placed(rig).size() == 3);
  rig.expect_clean_stop();
}

TEST_CASE("slob-host --check: a fact the host's config owns is refused in a plugin's table, with its position",
          "[ib][host][config]") {
  TempDir dir;
  const auto config = dir.path() / "slob.toml";
  std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" SLOB_TEST_PLUGIN_DIR "\"]\n"  // 1-3
                           "[risk]\nsymbol = \"NQ\"\n"                                                 // 4-5
                           "[broker]\nplugin = \"ib\"\n[broker.config]\n"                               // 6-8
                           "symbol = \"ES\"\n"                                                          // 9
                           "heartbeat_interval = \"1s\"\n"                                              // 10
                           "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\n"       // 11-14
                           "[strategy]\nplugin = \"slob\"\n[strategy.config]\n"                         // 15-17
                           "timezone = \"America/New_York\"\n";                                         // 18
  const auto r = slob::test::run({SLOB_HOST_BIN, "--config", config.string(), "--check"}, dir.path());
  INFO(r.err);
  CHECK(r.code == 78);
  const std::string file = config.string();
  CHECK(r.err.find(file + ":9:10: [broker.config] symbol is set in [risk] symbol only") != std::string::npos);
  CHECK(r.err.find(file + ":10:22: [broker.config] heartbeat_interval is set in [connection] heartbeat_interval only") !=
        std::string::npos);
  CHECK(r.err.find(file + ":18:12: [strategy.config] timezone is set in [risk] timezone only") != std::string::npos);
}
