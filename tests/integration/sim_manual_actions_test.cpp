// The sim's operator hook (plugins/sim/manual_actions.hpp) drives live reconciliation in a real
// slob-host process on the main job's data (sim + lmdb + slob), without IB: what a trader does by
// hand in the account while the bot runs — a market order of their own, the bot's position closed
// by hand, the bot's stop-loss cancelled — and what the daemon makes of it.
//
// On the fixture an uninterrupted run trades 20260106-S-1536 (short 2, entry filled in the
// 2026-01-06 15:09 bar, take-profit in the 15:54 bar) and 20260107-L-1532 (long 3).

#include <catch2/catch.hpp>

#include <fstream>

#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::TempDir;

namespace {

const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;

struct ManualReplay {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";

  explicit ManualReplay(const std::string& actions) {
    std::ofstream(dir / "manual.txt") << actions;
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"state/slob.sock\"\n"
                          << "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" << kFixtures
                          << "/main/nq-3days.csv\"\nmanual_actions = \"manual.txt\"\n"
                          << "[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\nsync = \"none\"\n"
                          << "[strategy]\nplugin = \"slob\"\n";
  }
  slob::test::RunResult run() {
    return slob::test::run({SLOB_HOST_BIN, "--config", config.string()}, dir.path(), 120s);
  }
  std::string export_kind(const std::string& kind) {
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", config.string(), "export", kind}, dir.path());
    REQUIRE(r.code == 0);
    return r.out;
  }
};

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("sim manual actions: a position bought by hand with no setup active means safe mode, and no order after it",
          "[main][live-reconcile]") {
  ManualReplay r("# the trader buys 1 NQ in TWS before the London session\n"
                 "2026-01-06T06:00:00Z buy 1\n");
  const auto result = r.run();
  INFO(result.err);
  CHECK(has(result.err, "SLOB_SIM_MANUAL_ACTION: " + (r.dir / "manual.txt").string() +
                            ":2: another client's market order: BUY 1 NQ"));
  CHECK(has(result.err, "SLOB_SAFE_MODE_ENTERED"));
  CHECK(has(result.err, "position NQ 1 at the broker has no trade in the store"));
  // The replay ended in safe mode: loud, never exit 0.
  CHECK(result.code == 1);
  CHECK(has(result.err, "SLOB_REPLAY_ENDED_IN_SAFE_MODE"));
  // Not one order of the bot reached the broker after the manual buy.
  CHECK(r.export_kind("orders").empty());
}

TEST_CASE("sim manual actions: the bot's position closed by hand closes the trade at the broker's price, "
          "no safe mode, and the next setup trades", "[main][live-reconcile]") {
  ManualReplay r("2026-01-06T15:30:00Z close\n");
  const auto result = r.run();
  INFO(result.err);
  CHECK(result.code == 0);
  CHECK(has(result.err, "closed by hand: 2 orders cancelled, position -2 closed at market"));
  CHECK_FALSE(has(result.err, "SLOB_SAFE_MODE_ENTERED"));
  const std::string trades = r.export_kind("trades");
  INFO(trades);
  // Closed at the open of the 15:30 bar (25363.25), not at the take-profit of 15:54.
  CHECK(has(trades, "\"exit_price\":25363.25,\"exit_reason\":\"closed_externally\",\"exit_time\":"
                    "\"2026-01-06T15:30:00Z\",\"id\":\"20260106-S-1536\""));
  // The day after, the bot trades as it would have.
  CHECK(has(trades, "\"exit_reason\":\"take_profit\",\"exit_time\":\"2026-01-07T15:50:00Z\",\"id\":\"20260107-L-1532\""));
  // Nothing more was sent for the closed setup: its three legs, the two children cancelled by hand.
  const std::string orders = r.export_kind("orders");
  std::size_t legs = 0;
  for (std::size_t at = 0; (at = orders.find("slob:20260106-S-1536:", at)) != std::string::npos; ++at) ++legs;
  CHECK(legs == 3);
  CHECK(has(orders, "\"client_ref\":\"slob:20260106-S-1536:sl\",\"created\":\"2026-01-06T15:09:00Z\",\"filled\":0,"
                    "\"leg\":\"sl\",\"note\":\"cancelled by hand\""));
}

TEST_CASE("sim manual actions: the stop-loss cancelled by hand while the entry is filled means safe mode naming the setup",
          "[main][live-reconcile]") {
  ManualReplay r("2026-01-06T15:30:00Z cancel slob:20260106-S-1536:sl\n");
  const auto result = r.run();
  INFO(result.err);
  CHECK(has(result.err, "order slob:20260106-S-1536:sl cancelled by hand"));
  CHECK(has(result.err, "SLOB_SAFE_MODE_ENTERED"));
  CHECK(has(result.err, "20260106-S-1536"));
  CHECK(result.code == 1);
}

TEST_CASE("sim manual actions: a bad line is refused with FILE:LINE", "[main][live-reconcile]") {
  ManualReplay r("2026-01-06T15:30:00Z close\n2026-01-06T15:31:00Z buy many\n");
  const auto result = r.run();
  CHECK(result.code == 78);
  CHECK(has(result.err, (r.dir / "manual.txt").string() + ":2: buy needs a quantity from 1 to 1000, got \"many\""));
}
