// The main job end to end with the real plugins (sim + lmdb + slob) in a real slob-host process:
// the exported trades equal the committed expected list; running twice does not duplicate; and
// kill -9 at random points followed by restarts ends with exactly the orders and trades of an
// uninterrupted run, without any order reference reaching the broker twice.

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;

namespace {

const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;

struct Replay {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";
  int runs = 0;

  // `speed` 0 replays as fast as possible; the crash test paces the replay (N x real time) so
  // that random kills land all over it.
  explicit Replay(const std::string& sync, int speed = 0, const std::string& extra = "") {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"state/slob.sock\"\n"
                          << "[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" << kFixtures
                          << "/main/nq-3days.csv\"\nspeed = " << speed << "\n[store]\nplugin = \"lmdb\"\n[store.config]\n"
                          << "path = \"state/lmdb\"\nsync = \"" << sync << "\"\n"
                          << "[strategy]\nplugin = \"slob\"\n" << extra;
  }
  std::unique_ptr<Process> start() {
    ++runs;
    return std::make_unique<Process>(
        std::vector<std::string>{SLOB_HOST_BIN, "--config", config.string()},
        dir / ("out-" + std::to_string(runs) + ".log"), dir / ("err-" + std::to_string(runs) + ".log"));
  }
  std::string logs() const {
    std::string all;
    for (int i = 1; i <= runs; ++i) all += slob::test::read_file(dir / ("err-" + std::to_string(i) + ".log"));
    return all;
  }
  std::string export_kind(const std::string& kind) {
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", config.string(), "export", kind}, dir.path());
    REQUIRE(r.code == 0);
    return r.out;
  }
};

// Orders without the fields that legitimately differ between runs (wall-clock times, notes).
std::string stable_orders(const std::string& jsonl) {
  static const std::regex volatile_fields(R"rx("(created|updated|note)":("[^"]*"|null),?)rx");
  return std::regex_replace(jsonl, volatile_fields, "");
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("the main job: exported trades equal the expected list, and a rerun adds nothing", "[main]") {
  Replay replay("none");
  auto p = replay.start();
  auto code = p->wait_for_exit(120s);
  REQUIRE(code);
  REQUIRE(*code == 0);
  const std::string expected = slob::test::read_file(kFixtures + "/main/expected-trades.jsonl");
  const std::string trades = replay.export_kind("trades");
  CHECK(trades == expected);
  CHECK(p->out().find("2 trades, total P&L 17932.50") != std::string::npos);

  auto again = replay.start();
  code = again->wait_for_exit(120s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(replay.export_kind("trades") == expected);
  CHECK(again->err().find("SLOB_ORDER_SENT") == std::string::npos);
}

TEST_CASE("kill -9 at random points, then restart: the same orders and trades and fills and setups and no reference sent twice", "[main][crash]") {
  Replay reference("full");
  {
    auto p = reference.start();
    auto code = p->wait_for_exit(300s);
    REQUIRE(code);
    REQUIRE(*code == 0);
  }
  const std::string want_trades = reference.export_kind("trades");
  const std::string want_orders = stable_orders(reference.export_kind("orders"));
  const std::string want_fills = reference.export_kind("fills");
  const std::string want_setups = reference.export_kind("setups");
  REQUIRE(lines(want_trades).size() == 2);

  // 4,140 one-minute bars at 50,000 x real time: about 5 s of replay to kill into.
  Replay crashed("full", 50000);
  std::mt19937 rng(12345);
  int kills = 0;
  for (int round = 0; round < 60 && kills < 20; ++round) {
    auto p = crashed.start();
    // Let it run for a random while, then kill it without warning.
    const auto delay = std::chrono::milliseconds(20 + rng() % 300);
    if (p->wait_for_exit(delay)) break;  // finished the replay
    p->signal(SIGKILL);
    REQUIRE(p->wait_for_exit(10s));
    ++kills;
  }
  // Finish the replay.
  for (int i = 0; i < 5; ++i) {
    auto p = crashed.start();
    auto code = p->wait_for_exit(300s);
    REQUIRE(code);
    REQUIRE(*code == 0);
    if (p->err().find("SLOB_END_OF_DATA") != std::string::npos) break;
  }
  INFO("kills: " << kills);
  CHECK(kills >= 20);
  CHECK(crashed.export_kind("trades") == want_trades);
  CHECK(stable_orders(crashed.export_kind("orders")) == want_orders);
  CHECK(crashed.export_kind("fills") == want_fills);
  // A restart replays from the last checkpoint: the strategy sees every minute as the
  // uninterrupted run did (no hole closed before its bar arrived), so the setups are the same.
  CHECK(crashed.export_kind("setups") == want_setups);

  // The sim refuses a reference it has seen before; the host logs any refusal.
  const std::string logs = crashed.logs();
  CHECK(logs.find("SLOB_SIM_ORDER_REJECTED") == std::string::npos);
  CHECK(logs.find("SLOB_ORDER_REFUSED") == std::string::npos);
  CHECK(logs.find("SLOB_SAFE_MODE_ENTERED") == std::string::npos);
}

TEST_CASE("no new entry inside a maintenance window (market time)", "[main][maintenance]") {
  // Tuesday 2026-01-06 14:00-16:00 UTC covers the first setup's order (sent 15:09Z).
  Replay replay("none", 0, "[maintenance]\ntimezone = \"UTC\"\nwindows = [\"tue 14:00-16:00\"]\n");
  auto p = replay.start();
  auto code = p->wait_for_exit(120s);
  REQUIRE(code);
  REQUIRE(*code == 0);
  const std::string log = replay.logs();
  CHECK(log.find("setup 20260106-S-1536: no order: inside maintenance window \"tue 14:00-16:00\" "
                 "until 2026-01-06T16:00:00Z") != std::string::npos);
  const auto trades = lines(replay.export_kind("trades"));
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].find("\"id\":\"20260107-L-1532\"") != std::string::npos);
  // Without the first trade's profit the equity is 100,000: 1000 / (stop distance x 20) -> 2.
  CHECK(trades[0].find("\"quantity\":2") != std::string::npos);
}
