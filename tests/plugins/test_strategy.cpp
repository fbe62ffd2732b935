// "teststrategy": a strategy for tests of the host itself. It counts candles and never finds a
// setup; its exported state is the count, so restarts can be checked. Built twice, as version
// 0.1.0-test and (tests/plugins-v2/) 0.2.0-test, so a reload can prove it picked up a rebuilt
// library at the same path. `factory_throws = true` makes its factory throw (a plugin bug).

#include <stdexcept>
#include <string>

#include "slob/sdk/host_services.hpp"
#include "slob/sdk/strategy.hpp"
#include "test_plugin_support.hpp"

namespace slob::test_plugins {
namespace {

class TestStrategy final : public sdk::Strategy {
 public:
  explicit TestStrategy(StopMode stop_mode) : stop_mode_(stop_mode) {}

  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle&) override {
    ++candles_;
    return sdk::StrategyOutput{};
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
  std::uint64_t candles_ = 0;
};

sdk::Result<std::unique_ptr<sdk::Strategy>> make(sdk::HostServices&, const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  const StopMode mode = read_stop_mode(reader);
  const bool factory_throws = reader.get_bool("factory_throws", false);
  if (auto s = reader.finish(); !s) return s;
  if (factory_throws) throw std::runtime_error("teststrategy: factory_throws is set");
  return std::unique_ptr<sdk::Strategy>(std::make_unique<TestStrategy>(mode));
}

}  // namespace
}  // namespace slob::test_plugins

#ifndef SLOB_TEST_PLUGIN_VERSION
#define SLOB_TEST_PLUGIN_VERSION "0.1.0-test"
#endif
SLOB_STRATEGY_PLUGIN("teststrategy", SLOB_TEST_PLUGIN_VERSION, 0, &slob::test_plugins::make)
