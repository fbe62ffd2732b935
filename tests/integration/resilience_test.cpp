// kill -9 at each persistence point of the order path (core/src/runtime/crash_points.hpp), with real
// processes: a slob-host run armed with SLOB_CRASH_AT=<point>:<n> must die by SIGKILL at that
// point; it is restarted with n + 1, and so on, until a run no longer reaches the point. Each
// restart recovers from what the crash left. At the end:
//
// - no client reference reached the broker twice (the sim refuses and logs a reused reference;
//   the IB gateway simulator logs every inbound placeOrder);
// - every execution the broker reports is in the fill ledger, exactly once;
// - positions equal the broker's;
// - with the deterministic sim broker: trades and orders equal the uninterrupted run's.
//
// The sim runs the main job (sim + lmdb + slob on tests/fixtures/main/nq-3days.csv, two
// trades). The IB side runs the `ib` plugin against tools/ib-gateway-sim with the test strategy
// asking for a bracket every few candles, so the order path is busy on a random-walk market.

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "ib_test_support.hpp"
#include "process.hpp"
#include "resilience_support.hpp"

using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;
using namespace slob::test::resilience;

namespace {

// What the crash loop saw.
struct CrashRuns {
  int crashes = 0;
  int runs = 0;
};

// Signed contracts: open trades in the store.
std::int64_t open_position(const std::vector<nlohmann::json>& trades) {
  std::int64_t q = 0;
  for (const auto& t : trades) {
    if (!t.at("open").get<bool>()) continue;
    const std::int64_t n = t.at("quantity").get<std::int64_t>();
    q += t.at("direction") == "LONG" ? n : -n;
  }
  return q;
}

// Signed contracts: the fill ledger.
std::int64_t ledger_position(const std::vector<nlohmann::json>& fills) {
  std::int64_t q = 0;
  for (const auto& f : fills) {
    const std::int64_t n = f.at("quantity").get<std::int64_t>();
    q += f.at("side") == "BUY" ? n : -n;
  }
  return q;
}

std::set<std::string> exec_ids(const std::vector<nlohmann::json>& fills) {
  std::set<std::string> ids;
  for (const auto& f : fills) ids.insert(f.at("exec_id").get<std::string>());
  return ids;
}

// ---------------------------------------------------------------------------------------------
// The sim broker: the main job, replayed as fast as it goes.

std::string sim_config() {
  return "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" + kFixtures +
         "/main/nq-3days.csv\"\n[strategy]\nplugin = \"slob\"\n";
}

// The uninterrupted run's results, committed: trades (also checked by main_job_test.cpp) and the
// order journal without its volatile fields (checked by the first test case below).
const std::string kExpectedTrades = kFixtures + "/main/expected-trades.jsonl";
const std::string kExpectedOrders = kFixtures + "/main/expected-orders.jsonl";

void crash_test_sim(const std::string& point) {
  Daemon d(sim_config());
  CrashRuns seen;
  bool finished = false;
  for (int n = 1; n <= 10 && !finished; ++n) {
    auto p = d.start(point + ":" + std::to_string(n));
    ++seen.runs;
    const auto code = p->wait_for_exit(300s);
    REQUIRE(code);
    INFO("run " << n << " with " << point << ":" << n << "\n" << p->err());
    if (*code == kKilled) {
      REQUIRE(p->err().find("SLOB_CRASH_POINT: " + point + " reached (" + std::to_string(n) + ")") !=
              std::string::npos);
      ++seen.crashes;
      continue;
    }
    REQUIRE(*code == 0);
    REQUIRE(p->err().find("SLOB_END_OF_DATA") != std::string::npos);
    finished = true;
  }
  INFO("point " << point << ": " << seen.crashes << " crashes in " << seen.runs << " runs");
  REQUIRE(finished);
  CHECK(seen.crashes >= 1);

  // Same result as the uninterrupted run.
  CHECK(d.export_kind("trades") == slob::test::read_file(kExpectedTrades));
  CHECK(stable_orders(d.export_kind("orders")) == slob::test::read_file(kExpectedOrders));

  // Nothing sent twice (the sim refuses a reference it has seen, ever), nothing refused, no
  // unresolved order or position mismatch.
  const std::string logs = d.logs();
  CHECK(count(logs, "SLOB_SIM_ORDER_REJECTED") == 0);
  CHECK(count(logs, "SLOB_ORDER_REFUSED") == 0);
  CHECK(count(logs, "SLOB_RECONCILE_MISMATCH") == 0);
  CHECK(count(logs, "SLOB_SAFE_MODE_ENTERED") == 0);

  // The ledger holds exactly the broker's executions; the position is the broker's (flat).
  const auto book = nlohmann::json::parse(slob::test::read_file(d.state("sim-broker.json")));
  std::set<std::string> broker_execs;
  for (const auto& e : book.at("executions")) broker_execs.insert(e.at("exec_id").get<std::string>());
  const auto fills = d.export_json("fills");
  CHECK(fills.size() == broker_execs.size());
  CHECK(exec_ids(fills) == broker_execs);
  const std::int64_t broker_position = book.at("position").at("quantity").get<std::int64_t>();
  CHECK(open_position(d.export_json("trades")) == broker_position);
  CHECK(ledger_position(fills) == broker_position);

  // How each intent was resolved says what the crash interrupted.
  if (point == "after-journal") {
    CHECK(count(logs, "SLOB_ORDER_RESENT") >= 1);  // durable, never sent: sent after the restart
  } else {
    CHECK(count(logs, "SLOB_ORDER_RESENT") == 0);  // the broker had it (or it never was durable)
  }
}

// ---------------------------------------------------------------------------------------------
// The ib plugin against the IB gateway simulator.

using slob::test::ib::SimProcess;

std::string ib_config(int port) {
  return "[broker]\nplugin = \"ib\"\n[broker.config]\nport = " + std::to_string(port) +
         "\nclient_id = 7\ncommission_wait = \"200ms\"\n"
         "[strategy]\nplugin = \"teststrategy\"\n[strategy.config]\nbracket_every = 2\n"
         "bracket_distance = 1.0\n"
         "[connection]\nbackoff_initial = \"100ms\"\nbackoff_max = \"1s\"\nposition_recheck = \"500ms\"\n"
         "heartbeat_interval = \"1s\"\nheartbeat_timeout = \"5s\"\n"
         "[risk]\nmax_trades_per_day = 1000\nmax_daily_loss = 100000000.0\n"
         // Trading on wall time: the nightly-reset window must not close the entry gate in CI.
         "[maintenance]\nwindows = []\n";
}

std::map<std::string, std::string> status_fields(const std::string& status) {
  std::map<std::string, std::string> out;
  std::istringstream in(status);
  for (std::string kv; in >> kv;) {
    const auto eq = kv.find('=');
    if (eq != std::string::npos) out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

// Execution ids the daemon logged as recorded (SLOB_FILL <exec_id> ...), across every run.
std::set<std::string> logged_exec_ids(const std::string& logs) {
  static const std::regex fill(R"(SLOB_FILL: (\S+) )");
  std::set<std::string> ids;
  for (std::sregex_iterator it(logs.begin(), logs.end(), fill), end; it != end; ++it) ids.insert((*it)[1]);
  return ids;
}

void crash_test_ib(const std::string& point) {
  SimProcess gateway({"--bar-interval-ms", "10"});
  REQUIRE(gateway.started());
  Daemon d(ib_config(gateway.api_port()));

  for (int n = 1; n <= 3; ++n) {
    auto p = d.start(point + ":" + std::to_string(n));
    const auto code = p->wait_for_exit(120s);
    INFO("run " << n << " with " << point << ":" << n << "\n" << p->err());
    REQUIRE(code);
    REQUIRE(*code == kKilled);
    REQUIRE(p->err().find("SLOB_CRASH_POINT: " + point + " reached (" + std::to_string(n) + ")") !=
            std::string::npos);
  }

  // Recover unarmed, trade on for a while, then stop the market and let every report arrive.
  auto p = d.start();
  {
    const bool trading =
        slob::test::wait_until([&] { return count(p->err(), "SLOB_ORDER_SENT") >= 2; }, 120s);
    INFO("every run\n" << d.logs() << "\ngateway status: " << gateway.control("status"));
    REQUIRE(trading);
  }
  REQUIRE(gateway.control("bars off").rfind("ok", 0) == 0);
  std::size_t broker_execs = 0;
  const bool settled = slob::test::wait_until(
      [&] {
        broker_execs = std::stoul(status_fields(gateway.control("status"))["executions"]);
        return logged_exec_ids(d.logs()).size() == broker_execs;
      },
      60s);
  INFO("final run\n" << p->err());
  REQUIRE(settled);
  p->signal(SIGTERM);
  const auto code = p->wait_for_exit(60s);
  REQUIRE(code);
  CHECK(*code == 0);

  const std::string logs = d.logs();
  CHECK(count(logs, "SLOB_ORDER_REFUSED") == 0);
  CHECK(count(logs, "SLOB_RECONCILE_MISMATCH") == 0);
  CHECK(count(logs, "SLOB_SAFE_MODE_ENTERED") == 0);

  // No reference reached the gateway twice: each one has a single order id, and no bracket was
  // transmitted twice (the stop-loss is the leg that transmits; a resent leg IB still held
  // untransmitted, under the same id, would only modify it).
  std::map<std::string, std::set<std::string>> ids_by_ref;
  std::map<std::string, int> transmitted;
  std::set<std::string> order_ids;
  const auto placed = gateway.inbound("3");
  REQUIRE_FALSE(placed.empty());
  for (const auto& f : placed) {
    REQUIRE(f.size() == 115);
    ids_by_ref[f[26]].insert(f[1]);
    if (f[27] != "0") ++transmitted[f[26]];
  }
  for (const auto& [ref, ids] : ids_by_ref) {
    INFO(ref);
    CHECK(ids.size() == 1);
    CHECK(transmitted[ref] <= 1);
    CHECK(order_ids.insert(*ids.begin()).second);  // no id shared by two references
  }

  // The ledger holds every execution the gateway made, once; positions agree.
  const auto fills = d.export_json("fills");
  CHECK(fills.size() == broker_execs);
  CHECK(exec_ids(fills).size() == fills.size());
  CHECK(exec_ids(fills) == logged_exec_ids(logs));
  CHECK(open_position(d.export_json("trades")) == ledger_position(fills));
  const auto positions = std::stoul(status_fields(gateway.control("status"))["positions"]);
  CHECK((ledger_position(fills) != 0) == (positions != 0));

  // And the daemon's own comparison with the gateway's positions and orders, on a quiet market.
  // Its backfill still brings the minutes streamed since the last handled candle (the gateway's
  // history is what it streamed), and brackets journalled but still queued in the plugin's pacer
  // at the SIGTERM never reached the socket: both may send orders now, but never a reference the
  // gateway already has (checked on its inbound log below) and never a refused one.
  auto check = d.start();
  REQUIRE(slob::test::wait_until([&] { return check->err().find("-> Running") != std::string::npos; }, 60s));
  check->signal(SIGTERM);
  REQUIRE(check->wait_for_exit(60s));
  INFO("reconcile run\n" << check->err());
  CHECK(count(check->err(), "SLOB_RECONCILE_MISMATCH") == 0);
  CHECK(count(check->err(), "SLOB_SAFE_MODE_ENTERED") == 0);
  CHECK(count(check->err(), "SLOB_ORDER_REFUSED") == 0);
  std::map<std::string, std::set<std::string>> ids_after;
  for (const auto& f : gateway.inbound("3")) ids_after[f[26]].insert(f[1]);
  for (const auto& [ref, ids] : ids_after) {
    INFO(ref);
    CHECK(ids.size() == 1);
  }
}

}  // namespace

TEST_CASE("the uninterrupted main job journals the expected orders", "[resilience][sim]") {
  Daemon d(sim_config());
  auto p = d.start();
  const auto code = p->wait_for_exit(300s);
  REQUIRE(code);
  REQUIRE(*code == 0);
  CHECK(d.export_kind("trades") == slob::test::read_file(kExpectedTrades));
  CHECK(stable_orders(d.export_kind("orders")) == slob::test::read_file(kExpectedOrders));
}

TEST_CASE("kill -9 after journalling, gate closed past the resend window: cancelled, never sent (sim)",
          "[resilience][sim]") {
  Daemon d(sim_config());
  auto crashed = d.start("after-journal:1");
  const auto killed = crashed->wait_for_exit(300s);
  REQUIRE(killed);
  REQUIRE(*killed == kKilled);
  REQUIRE(crashed->err().find("bracket 20260106-S-1536") == std::string::npos);  // nothing sent
  // The restart finds the entry gate closed: a maintenance window opens at the moment of the
  // intent (2026-01-06 15:09Z is 10:09 in New York) and lasts far past the 60 s resend window.
  d.append_config("[maintenance]\nwindows = [\"tue 10:09-10:30\"]\n");
  auto p = d.start();
  const auto code = p->wait_for_exit(300s);
  REQUIRE(code);
  REQUIRE(*code == 0);
  INFO(p->err());
  CHECK(count(p->err(), "SLOB_ORDER_RESEND_STALE: bracket 20260106-S-1536") == 1);
  CHECK(count(p->err(), "SLOB_ORDER_RESENT") == 0);
  CHECK(count(p->err(), "SLOB_ORDER_SENT: bracket 20260106-S-1536") == 0);
  CHECK(slob::test::read_file(d.state("sim-broker.json")).find("20260106-S-1536") == std::string::npos);
  for (const auto& o : d.export_json("orders")) {
    if (o.at("setup_id") != "20260106-S-1536") continue;
    CHECK(o.at("state") == "cancelled");
    CHECK(o.at("note") == "never reached the broker; too old to send, not re-sent");
  }
  // The other setup still trades (sized on the equity without the first trade's profit).
  const auto trades = d.export_json("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].at("id") == "20260107-L-1532");
  CHECK(trades[0].at("exit_reason") == "take_profit");
}

TEST_CASE("an unknown crash point is refused before anything runs", "[resilience]") {
  Daemon d(sim_config());
  auto p = d.start("after-sned:2");
  const auto code = p->wait_for_exit(30s);
  REQUIRE(code);
  CHECK(*code == 2);
  CHECK(p->err().find("SLOB_CRASH_AT=after-sned:2: unknown crash point \"after-sned\" (known: "
                      "before-journal, after-journal, after-send, before-ack-record, after-ack, "
                      "before-fill-record, after-fill-record, after-alert)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d.state("lmdb")));
}

#define SLOB_CRASH_CASES(point)                                                                  \
  TEST_CASE("kill -9 at " point " (sim): restarts give the uninterrupted run's trades, nothing " \
            "sent twice",                                                                        \
            "[resilience][sim]") {                                                               \
    crash_test_sim(point);                                                                       \
  }                                                                                              \
  TEST_CASE("kill -9 at " point " (ib gateway): nothing sent twice, every execution in the "    \
            "ledger, positions agree",                                                           \
            "[resilience][ib]") {                                                                \
    crash_test_ib(point);                                                                        \
  }

SLOB_CRASH_CASES("before-journal")
SLOB_CRASH_CASES("after-journal")
SLOB_CRASH_CASES("after-send")
SLOB_CRASH_CASES("before-ack-record")
SLOB_CRASH_CASES("after-ack")
SLOB_CRASH_CASES("before-fill-record")
SLOB_CRASH_CASES("after-fill-record")
