// TradingEngine (core/src/trading/trading_engine.cpp) counts finished setups by the outcome the strategy
// gives them (sdk::SetupOutcome), never by its state name: a strategy other than slob names its
// states as it likes. Driven with minute bars on simulated time, the real LMDB store in a
// temporary directory, and a strategy written here as a third party would write one.

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "lmdb_store_open.hpp"
#include "lmdb_test_support.hpp"
#include "runtime/simulated_clock.hpp"
#include "slob/sdk/strategy.hpp"
#include "test_host_services.hpp"
#include "trading/trading_engine.hpp"

namespace sdk = slob::sdk;
using namespace std::chrono_literals;

namespace {

const sdk::Time kT0 = *sdk::parse_rfc3339("2026-01-06T14:30:00Z");

// Finishes one setup per candle, as `script` says: {state name, outcome}. No bracket intents:
// the count does not depend on them.
class ScriptedStrategy final : public sdk::Strategy {
 public:
  explicit ScriptedStrategy(std::vector<std::pair<std::string, sdk::SetupOutcome>> script)
      : script_(std::move(script)) {}

  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle& candle) override {
    sdk::StrategyOutput out;
    if (next_ == script_.size()) return out;
    const auto& [state, outcome] = script_[next_];
    sdk::SetupUpdate u;
    u.record.id = "third-" + std::to_string(next_++);
    u.record.state = state;
    u.record.live = false;
    u.record.report = "{}";
    u.record.updated = candle.start;
    u.outcome = outcome;
    out.updates.push_back(std::move(u));
    return out;
  }
  sdk::Result<sdk::StrategyOutput> on_hole(sdk::Time) override { return sdk::StrategyOutput{}; }
  sdk::Result<std::string> export_state() const override { return std::to_string(next_); }
  sdk::Status import_state(std::string_view) override { return sdk::Status::ok(); }

 private:
  std::vector<std::pair<std::string, sdk::SetupOutcome>> script_;
  std::size_t next_ = 0;
};

}  // namespace

TEST_CASE("engine: a finished setup counts by its outcome, whatever the strategy calls its state",
          "[engine]") {
  slob::test::lmdb::TempDir dir;
  slob::test::TestHostServices host;
  auto store = slob::test::lmdb::open_ok(
      host, slob::test::lmdb::config_for(dir.sub("lmdb"), false, slob::plugins::lmdb::SyncMode::kNone));
  slob::core::SimulatedClock market{kT0};
  slob::core::SimulatedClock wall{kT0};
  slob::test::RecordingLogger log;
  const slob::core::RiskSection risk;
  slob::core::TradingEngine engine(*store, market, wall, log, risk, {}, {});

  ScriptedStrategy strategy({{"TRIGGERED", sdk::SetupOutcome::kComplete},
                             {"ABANDONED", sdk::SetupOutcome::kInvalidated},
                             {"SETUP_COMPLETE", sdk::SetupOutcome::kInvalidated},
                             {"FILLED_IN", sdk::SetupOutcome::kComplete},
                             {"WAITING", sdk::SetupOutcome::kActive}});
  REQUIRE(engine.recover(strategy, "thirdparty").is_ok());
  for (int i = 0; i < 5; ++i) {
    const sdk::Time minute = kT0 + i * 1min;
    market.advance_to(minute + 1min);
    engine.on_bar(sdk::Bar{minute, 1min, 100, 101, 99, 100.5, 10, false});
  }

  REQUIRE(engine.candle_builder().counters().candles == 5);
  CHECK(engine.stats().setups_complete == 2);
  CHECK(engine.stats().setups_invalidated == 2);
  // The operator still sees the strategy's own state name.
  int finished = 0;
  for (const auto& l : log.lines) {
    if (l.id != "SLOB_SETUP_FINISHED") continue;
    ++finished;
    if (l.text.rfind("third-0 ", 0) == 0) CHECK(l.text.find(" TRIGGERED ") != std::string::npos);
  }
  CHECK(finished == 4);
}
