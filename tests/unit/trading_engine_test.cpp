// TradingEngine (core/src/trading/trading_engine*.cpp) on simulated time with the real LMDB store:
// the order path's edge cases that otherwise only whole processes reach — an exit reported before
// its entry, an execution delivered twice, partial fills, and a restart between the durable
// intent and the send — and how finished setups are counted. The strategies and the broker are
// written here as a third party would write them: one strategy emits one bracket intent, another
// finishes setups as a script says; the broker keeps what it was asked to place.

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lmdb_store_open.hpp"
#include "lmdb_test_support.hpp"
#include "runtime/simulated_clock.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/strategy.hpp"
#include "test_host_services.hpp"
#include "trading/trading_engine.hpp"

namespace sdk = slob::sdk;
namespace core = slob::core;
using namespace std::chrono_literals;

namespace {

const sdk::Time kT0 = *sdk::parse_rfc3339("2026-01-06T14:30:00Z");

// The worked example's short: entry 25572, stop 25593, target 25530 → 21 points × 20 = 420 a
// contract; 1 % of 100000 = 1000 → 2 contracts.
class OneIntentStrategy final : public sdk::Strategy {
 public:
  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle& candle) override {
    sdk::StrategyOutput out;
    if (++candles_ == 2) {
      out.intents.push_back({"S1", sdk::Direction::kShort, 25572, 25593, 25530, candle.start});
    }
    return out;
  }
  sdk::Result<sdk::StrategyOutput> on_hole(sdk::Time) override { return sdk::StrategyOutput{}; }
  sdk::Result<std::string> export_state() const override { return std::to_string(candles_); }
  sdk::Status import_state(std::string_view s) override {
    candles_ = std::stoi(std::string(s));
    return sdk::Status::ok();
  }

 private:
  int candles_ = 0;
};

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

class RecordingBroker final : public sdk::Broker {
 public:
  void set_listener(sdk::BrokerListener&) override {}
  sdk::Status connect() override { return sdk::Status::ok(); }
  void disconnect() override {}
  sdk::Status subscribe(const sdk::MarketDataRequest&) override { return sdk::Status::ok(); }
  sdk::Status place_bracket(const sdk::BracketOrder& order) override {
    placed.push_back(order);
    return sdk::Status::ok();
  }
  sdk::Status cancel_order(const std::string&) override { return sdk::Status::ok(); }
  sdk::Status flatten(const std::string&, const std::string&, std::int64_t) override {
    return sdk::Status::ok();
  }
  sdk::Status request_snapshot(sdk::Time) override { return sdk::Status::ok(); }

  std::vector<sdk::BracketOrder> placed;
};

// One daemon's engine over a store directory that outlives it (a restart opens it again).
struct Daemon {
  Daemon(const std::string& dir, sdk::Time now) : Daemon(dir, now, one_intent, "one-intent") {}
  Daemon(const std::string& dir, sdk::Time now, sdk::Strategy& strategy, const std::string& name)
      : market(now), wall(now),
        store(slob::test::lmdb::open_ok(
            host, slob::test::lmdb::config_for(dir, false, slob::plugins::lmdb::SyncMode::kNone))),
        engine(*store, market, wall, log, risk, {},
               core::TradingEngine::Hooks{
                   [] {
                     return core::GateConditions{core::LifecycleState::kRunning, sdk::Health::kUp,
                                                 false, std::nullopt};
                   },
                   [this](const std::string& why) { failures.push_back(why); }}) {
    REQUIRE(engine.recover(strategy, name).is_ok());
    engine.set_broker(&broker);
  }

  // Reconciles with a broker that knows nothing of ours and reports `equity`.
  void connect(double equity = 100000, std::int64_t next_valid_id = 1) {
    sdk::BrokerSnapshot snapshot;
    snapshot.taken = market.now();
    snapshot.equity = equity;
    snapshot.next_valid_order_id = next_valid_id;
    engine.act_on(engine.compare_with_broker(snapshot, {}, core::ReconcilePolicy{}));
  }

  // Minute bars from `from` on, the clock at each bar's end.
  void bars(sdk::Time from, int n) {
    for (int i = 0; i < n; ++i) {
      const sdk::Time minute = from + i * 1min;
      market.advance_to(minute + 1min);
      wall.advance_to(minute + 1min);
      engine.on_bar(sdk::Bar{minute, 1min, 25580, 25581, 25570, 25575, 10, false});
    }
  }

  std::vector<sdk::TradeRecord> trades() {
    std::vector<sdk::TradeRecord> out;
    REQUIRE(store->scan_trades([&](const sdk::TradeRecord& t) {
      out.push_back(t);
      return true;
    }).is_ok());
    return out;
  }
  std::size_t fills() {
    std::size_t n = 0;
    REQUIRE(store->scan_fills([&](const sdk::FillRecord&) {
      ++n;
      return true;
    }).is_ok());
    return n;
  }

  slob::test::TestHostServices host;
  core::SimulatedClock market;
  core::SimulatedClock wall;
  slob::test::RecordingLogger log;
  const core::RiskSection risk;
  std::unique_ptr<slob::plugins::lmdb::LmdbStore> store;
  OneIntentStrategy one_intent;
  RecordingBroker broker;
  std::vector<std::string> failures;
  core::TradingEngine engine;
};

sdk::Execution execution(const std::string& id, const sdk::BracketOrder& o, sdk::Leg leg,
                         std::int64_t qty, double price, sdk::Time time) {
  sdk::Execution e;
  e.exec_id = id;
  const sdk::OrderLeg& l = leg == sdk::Leg::kEntry        ? o.entry
                           : leg == sdk::Leg::kTakeProfit ? o.take_profit
                                                          : o.stop_loss;
  e.client_ref = l.client_ref;
  e.broker_order_id = l.broker_order_id;
  e.symbol = o.symbol;
  e.side = l.side;
  e.quantity = qty;
  e.price = price;
  e.time = time;
  e.commission = 2.25 * static_cast<double>(qty);
  return e;
}

}  // namespace

TEST_CASE("engine: an intent is journalled, sized and sent with ids above the high-water mark",
          "[engine]") {
  slob::test::lmdb::TempDir dir;
  Daemon d(dir.sub("lmdb"), kT0);
  d.connect(100000, 40);
  d.bars(kT0, 3);
  REQUIRE(d.broker.placed.size() == 1);
  const sdk::BracketOrder& o = d.broker.placed[0];
  CHECK(o.quantity == 2);
  CHECK(o.entry.broker_order_id == 40);
  CHECK(o.stop_loss.broker_order_id == 42);
  CHECK(d.engine.host_state().order_id_high_water == 42);
  CHECK(d.engine.host_state().trades_today == 1);
  CHECK((*d.store->host_state()).order_id_high_water == 42);
  CHECK(d.failures.empty());
}

TEST_CASE("engine: an exit reported before its entry still closes the trade it belongs to",
          "[engine]") {
  slob::test::lmdb::TempDir dir;
  Daemon d(dir.sub("lmdb"), kT0);
  d.connect();
  d.bars(kT0, 3);
  REQUIRE(d.broker.placed.size() == 1);
  const sdk::BracketOrder o = d.broker.placed[0];
  // After a reconnect the stop's execution arrives live, the entry's with the snapshot; IB
  // stamps to the second, so the stop may even carry the earlier time.
  const sdk::Time t = kT0 + 5min;
  d.engine.apply_executions({execution("x-stop", o, sdk::Leg::kStopLoss, 2, 25593, t),
                             execution("x-entry", o, sdk::Leg::kEntry, 2, 25572, t + 1s)});
  CHECK(d.engine.open_trade_count() == 0);
  CHECK(d.engine.expected_position("NQ") == 0);
  auto trades = d.trades();
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].exit_reason == "stop_loss");
  CHECK(trades[0].pnl == Approx(-21 * 2 * 20 - 4 * 2.25));
  CHECK(d.engine.host_state().realised_pnl_today == Approx(trades[0].pnl));
  CHECK(*d.engine.equity() == Approx(100000 + trades[0].pnl));
  CHECK_FALSE(d.log.contains_id("SLOB_FILL_NO_TRADE"));
}

TEST_CASE("engine: an execution delivered twice is recorded once", "[engine]") {
  slob::test::lmdb::TempDir dir;
  Daemon d(dir.sub("lmdb"), kT0);
  d.connect();
  d.bars(kT0, 3);
  const sdk::BracketOrder o = d.broker.placed.at(0);
  const auto entry = execution("x-1", o, sdk::Leg::kEntry, 2, 25572, kT0 + 3min);
  d.engine.on_execution(entry);
  d.engine.on_execution(entry);        // live again
  d.engine.apply_executions({entry});  // and in a snapshot
  CHECK(d.fills() == 1);
  CHECK(d.engine.expected_position("NQ") == -2);
  auto trades = d.trades();
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].quantity == 2);
  CHECK(trades[0].commission == Approx(4.50));
}

TEST_CASE("engine: partial entry fills grow one trade, and the entry leg stays live until filled",
          "[engine]") {
  slob::test::lmdb::TempDir dir;
  Daemon d(dir.sub("lmdb"), kT0);
  d.connect();
  d.bars(kT0, 3);
  const sdk::BracketOrder o = d.broker.placed.at(0);
  d.engine.on_execution(execution("x-1", o, sdk::Leg::kEntry, 1, 25572, kT0 + 3min));
  const sdk::JournalEntry* entry = d.engine.live_order(o.entry.client_ref);
  REQUIRE(entry);
  CHECK(entry->filled == 1);
  CHECK(d.engine.expected_position("NQ") == -1);
  CHECK(d.engine.working_orders(true).empty());  // partly filled: not cancelled as "unfilled"
  d.engine.on_execution(execution("x-2", o, sdk::Leg::kEntry, 1, 25571, kT0 + 4min));
  CHECK_FALSE(d.engine.live_order(o.entry.client_ref));
  CHECK(d.engine.expected_position("NQ") == -2);
  auto trades = d.trades();
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].entry_price == Approx(25571.5));
  // The take-profit fills whole: closed at 25530.
  d.engine.on_execution(execution("x-3", o, sdk::Leg::kTakeProfit, 2, 25530, kT0 + 9min));
  trades = d.trades();
  REQUIRE(trades.size() == 1);
  CHECK(trades[0].exit_reason == "take_profit");
  CHECK(trades[0].pnl == Approx(41.5 * 2 * 20 - 4 * 2.25));
}

TEST_CASE("engine: a restart between the durable intent and the send sends the same bracket once",
          "[engine]") {
  slob::test::lmdb::TempDir dir;
  sdk::BracketOrder first;
  {
    Daemon d(dir.sub("lmdb"), kT0);
    d.connect(100000, 7);
    d.bars(kT0, 3);
    REQUIRE(d.broker.placed.size() == 1);
    first = d.broker.placed[0];
    // The process dies here: the intent is durable, the bytes never reached the broker.
  }
  // Back 40 s after the candle that made the intent closed (14:32 and its grace): still fresh.
  Daemon again(dir.sub("lmdb"), kT0 + 2min + 40s);
  CHECK(again.engine.live_order(first.entry.client_ref)->state == sdk::OrderState::kIntent);
  again.connect(100000, 1);  // a broker that knows none of it, and an older next id
  // The journal keeps the bracket for the gate; the host asks once market data is up.
  CHECK(again.broker.placed.empty());
  again.engine.send_resends();
  REQUIRE(again.broker.placed.size() == 1);
  const sdk::BracketOrder& resent = again.broker.placed[0];
  CHECK(resent.setup_id == "S1");
  CHECK(resent.quantity == first.quantity);
  CHECK(resent.entry.client_ref == first.entry.client_ref);
  CHECK(resent.entry.broker_order_id == 7);
  CHECK(resent.stop_loss.broker_order_id == 9);
  CHECK(resent.take_profit.price == first.take_profit.price);
  CHECK(again.log.contains_id("SLOB_ORDER_RESENT"));
  // The strategy's candles after the checkpoint make no second intent, and the trade count of
  // the day is the first one's.
  again.bars(kT0 + 3min, 2);
  CHECK(again.broker.placed.size() == 1);
  CHECK(again.engine.host_state().trades_today == 1);
  CHECK(again.engine.host_state().order_id_high_water == 9);
}

TEST_CASE("engine: a restart long after the intent cancels it instead of sending it", "[engine]") {
  slob::test::lmdb::TempDir dir;
  {
    Daemon d(dir.sub("lmdb"), kT0);
    d.connect();
    d.bars(kT0, 3);
    REQUIRE(d.broker.placed.size() == 1);
  }
  Daemon again(dir.sub("lmdb"), kT0 + 30min);
  again.connect();
  again.engine.send_resends();
  CHECK(again.broker.placed.empty());
  CHECK_FALSE(again.engine.has_unknown_orders());
  CHECK_FALSE(again.engine.live_order(sdk::make_client_ref("S1", sdk::Leg::kEntry)));
}

TEST_CASE("engine: a finished setup counts by its outcome, whatever the strategy calls its state",
          "[engine]") {
  slob::test::lmdb::TempDir dir;
  ScriptedStrategy strategy({{"TRIGGERED", sdk::SetupOutcome::kComplete},
                             {"ABANDONED", sdk::SetupOutcome::kInvalidated},
                             {"SETUP_COMPLETE", sdk::SetupOutcome::kInvalidated},
                             {"FILLED_IN", sdk::SetupOutcome::kComplete},
                             {"WAITING", sdk::SetupOutcome::kActive}});
  Daemon d(dir.sub("lmdb"), kT0, strategy, "thirdparty");
  d.bars(kT0, 5);

  REQUIRE(d.engine.candle_builder().counters().candles == 5);
  CHECK(d.engine.stats().setups_complete == 2);
  CHECK(d.engine.stats().setups_invalidated == 2);
  // The operator still sees the strategy's own state name.
  int finished = 0;
  for (const auto& l : d.log.lines) {
    if (l.id != "SLOB_SETUP_FINISHED") continue;
    ++finished;
    if (l.text.rfind("third-0 ", 0) == 0) CHECK(l.text.find(" TRIGGERED ") != std::string::npos);
  }
  CHECK(finished == 4);
}
