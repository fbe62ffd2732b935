// "teststrategy": a strategy for tests of the host itself. It counts candles; its exported state
// is the count, so restarts can be checked. By default it never finds a setup. With
// `bracket_every = N` it asks for a bracket on every Nth candle — alternately long and short,
// entry at the candle's close, stop and target `bracket_distance` points away — with the setup
// id "t<count>", so the order path (journal, broker, fills, crash recovery) can be driven against
// any market, e.g. the IB gateway simulator's random walk. The same candles give the same ids.
// Built twice, as version 0.1.0-test and (tests/plugins-v2/) 0.2.0-test, so a reload can prove it
// picked up a rebuilt library at the same path. `factory_throws = true` makes its factory throw
// (a plugin bug).

#include <cstdint>
#include <stdexcept>
#include <string>

#include "slob/sdk/host_services.hpp"
#include "slob/sdk/strategy.hpp"
#include "test_plugin_support.hpp"

namespace slob::test_plugins {
namespace {

class TestStrategy final : public sdk::Strategy {
 public:
  TestStrategy(StopMode stop_mode, std::int64_t bracket_every, double bracket_distance)
      : stop_mode_(stop_mode), bracket_every_(bracket_every), bracket_distance_(bracket_distance) {}

  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle& candle) override {
    ++candles_;
    sdk::StrategyOutput out;
    const auto every = static_cast<std::uint64_t>(bracket_every_);
    if (every == 0 || candles_ % every != 0) return out;
    sdk::BracketIntent intent;
    intent.setup_id = "t" + std::to_string(candles_);
    intent.direction = (candles_ / every) % 2 ? sdk::Direction::kLong : sdk::Direction::kShort;
    const double sign = intent.direction == sdk::Direction::kLong ? 1.0 : -1.0;
    intent.entry = candle.close;
    intent.stop = candle.close - sign * bracket_distance_;
    intent.target = candle.close + sign * bracket_distance_;
    intent.time = candle.start;
    out.intents.push_back(intent);
    return out;
  }
  sdk::Result<sdk::StrategyOutput> on_hole(sdk::Time) override { return sdk::StrategyOutput{}; }
  sdk::Result<std::string> export_state() const override { return std::to_string(candles_); }
  sdk::Status import_state(std::string_view state) override {
    try {
      candles_ = std::stoull(std::string(state));
    } catch (const std::exception&) {
      return sdk::Status::corruption("teststrategy: state is not a count");
    }
    return sdk::Status::ok();
  }
  void stop(std::function<void()> done) override { stop_as(stop_mode_, std::move(done)); }

 private:
  StopMode stop_mode_;
  std::int64_t bracket_every_;
  double bracket_distance_;
  std::uint64_t candles_ = 0;
};

sdk::Result<std::unique_ptr<sdk::Strategy>> make(sdk::HostServices&, const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  const StopMode mode = read_stop_mode(reader);
  const std::int64_t every = reader.get_int("bracket_every", 0, 0, 1000000);
  const double distance = reader.get_double("bracket_distance", 1.0, 0.25, 10000.0);
  const bool factory_throws = reader.get_bool("factory_throws", false);
  if (auto s = reader.finish(); !s) return s;
  if (factory_throws) throw std::runtime_error("teststrategy: factory_throws is set");
  return std::unique_ptr<sdk::Strategy>(std::make_unique<TestStrategy>(mode, every, distance));
}

}  // namespace
}  // namespace slob::test_plugins

#ifndef SLOB_TEST_PLUGIN_VERSION
#define SLOB_TEST_PLUGIN_VERSION "0.1.0-test"
#endif
SLOB_STRATEGY_PLUGIN("teststrategy", SLOB_TEST_PLUGIN_VERSION, 0, &slob::test_plugins::make)
