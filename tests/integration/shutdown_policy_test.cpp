// The shutdown position policies (ARCHITECTURE §8) in a real slob-host process with the real
// plugins (sim + lmdb + slob), on the main-job fixture. The replay stops at a chosen minute and
// the daemon stays up (exit_at_end = false), so SIGTERM finds a known book:
//   - end 15:09Z: the 20260106-S-1536 SHORT bracket has just been sent, its entry is unfilled;
//   - end 15:20Z: that entry filled at 15:09 (2 @ 25419.25), take-profit and stop are working,
//     and the last close (the 15:19 bar) is 25370.50.
// What the operator sees afterwards is read back with `slob-host export`.

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "process.hpp"

using namespace std::chrono_literals;
using slob::test::Process;
using slob::test::TempDir;

namespace {

const std::string kFixtures = SLOB_TEST_FIXTURES_DIR;
const std::string kSetup = "20260106-S-1536";

struct StoppedReplay {
  TempDir dir;
  std::filesystem::path config = dir / "slob.toml";
  std::unique_ptr<Process> process;

  StoppedReplay(const std::string& policy, const std::string& end) {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"state/slob.sock\"\non_shutdown = \"" << policy
                          << "\"\n[broker]\nplugin = \"sim\"\n[broker.config]\ndata = \"" << kFixtures
                          << "/main/nq-3days.csv\"\nexit_at_end = false\nend = \"" << end
                          << "\"\n[store]\nplugin = \"lmdb\"\n[store.config]\npath = \"state/lmdb\"\n"
                          << "sync = \"none\"\n[strategy]\nplugin = \"slob\"\n";
    process = std::make_unique<Process>(
        std::vector<std::string>{SLOB_HOST_BIN, "--config", config.string()}, dir / "out.log",
        dir / "err.log");
    REQUIRE(slob::test::wait_until(
        [&] { return log().find("SLOB_SIM_END_OF_DATA") != std::string::npos; }, 60s));
  }
  std::string log() const { return process->err(); }

  // SIGTERM, then the exit code.
  int stop() {
    process->signal(SIGTERM);
    auto code = process->wait_for_exit(30s);
    REQUIRE(code);
    return *code;
  }

  std::vector<nlohmann::json> exported(const std::string& kind) {
    auto r = slob::test::run({SLOB_HOST_BIN, "--config", config.string(), "export", kind}, dir.path());
    REQUIRE(r.code == 0);
    std::vector<nlohmann::json> rows;
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) rows.push_back(nlohmann::json::parse(l));
    return rows;
  }
  // Order state by client reference.
  std::map<std::string, std::string> order_states() {
    std::map<std::string, std::string> out;
    for (const auto& o : exported("orders")) out[o.at("client_ref")] = o.at("state");
    return out;
  }
  // The sim's persisted position (its book is the broker's truth here).
  std::int64_t broker_position() const {
    auto j = nlohmann::json::parse(slob::test::read_file(dir / "state/sim-broker.json"));
    return j.at("position").at("quantity").get<std::int64_t>();
  }
};

const std::string kEntry = "slob:" + kSetup + ":entry";
const std::string kTakeProfit = "slob:" + kSetup + ":tp";
const std::string kStop = "slob:" + kSetup + ":sl";

}  // namespace

TEST_CASE("on_shutdown = leave: the bracket keeps working at the broker", "[main][shutdown]") {
  StoppedReplay r("leave", "2026-01-06T15:20:00Z");
  CHECK(r.stop() == 0);
  CHECK(r.log().find("leave: brackets at the broker keep managing positions") != std::string::npos);
  const auto states = r.order_states();
  CHECK(states.at(kEntry) == "filled");
  CHECK(states.at(kTakeProfit) == "working");
  CHECK(states.at(kStop) == "working");
  CHECK(r.broker_position() == -2);
  const auto trades = r.exported("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0]["open"] == true);
}

TEST_CASE("on_shutdown = cancel_entries: an unfilled entry and its children are cancelled", "[main][shutdown]") {
  StoppedReplay r("cancel_entries", "2026-01-06T15:09:00Z");
  CHECK(r.stop() == 0);
  const std::string log = r.log();
  CHECK(log.find("cancel_entries: cancelling 1 unfilled entry orders") != std::string::npos);
  CHECK(log.find("cancel_entries: no unfilled entry is working") != std::string::npos);
  const auto states = r.order_states();
  CHECK(states.at(kEntry) == "cancelled");
  CHECK(states.at(kTakeProfit) == "cancelled");
  CHECK(states.at(kStop) == "cancelled");
  CHECK(r.exported("trades").empty());
  CHECK(r.broker_position() == 0);
}

TEST_CASE("on_shutdown = cancel_entries leaves the exits of a filled entry working", "[main][shutdown]") {
  StoppedReplay r("cancel_entries", "2026-01-06T15:20:00Z");
  CHECK(r.stop() == 0);
  CHECK(r.log().find("cancel_entries: cancelling 0 unfilled entry orders") != std::string::npos);
  const auto states = r.order_states();
  CHECK(states.at(kTakeProfit) == "working");
  CHECK(states.at(kStop) == "working");
  CHECK(r.broker_position() == -2);
}

TEST_CASE("on_shutdown = flatten: exits cancelled first, then the position closed at market", "[main][shutdown]") {
  StoppedReplay r("flatten", "2026-01-06T15:20:00Z");
  CHECK(r.stop() == 0);
  const std::string log = r.log();
  CHECK(log.find("flatten: cancelling 2 working orders before closing 1 open positions") != std::string::npos);
  CHECK(log.find("flatten: closing 1 open positions at market") != std::string::npos);
  CHECK(log.find("flatten: no open position is left") != std::string::npos);
  CHECK(log.find("SLOB_CANCEL_FAILED") == std::string::npos);
  const auto states = r.order_states();
  CHECK(states.at(kTakeProfit) == "cancelled");
  CHECK(states.at(kStop) == "cancelled");
  const auto trades = r.exported("trades");
  REQUIRE(trades.size() == 1);
  CHECK(trades[0]["open"] == false);
  CHECK(trades[0]["exit_reason"] == "flatten");
  CHECK(trades[0]["exit_price"] == 25370.5);
  // (25419.25 - 25370.50) x 2 x 20 - 4 x 2.25 commission
  CHECK(trades[0]["pnl"] == 1941.0);
  CHECK(r.broker_position() == 0);
}

TEST_CASE("on_shutdown = flatten with only an unfilled entry: cancelled, nothing to close", "[main][shutdown]") {
  StoppedReplay r("flatten", "2026-01-06T15:09:00Z");
  CHECK(r.stop() == 0);
  CHECK(r.log().find("flatten: cancelling 1 working orders before closing 0 open positions") != std::string::npos);
  const auto states = r.order_states();
  CHECK(states.at(kEntry) == "cancelled");
  CHECK(states.at(kStop) == "cancelled");
  CHECK(r.broker_position() == 0);
}
