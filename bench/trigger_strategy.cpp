// "benchtrigger": a strategy for the trigger-to-order benchmark only (never installed). Every
// candle starting at or after `fire_from` completes a setup: one short bracket intent whose entry
// lies `entry_offset` points above the close (a sell limit the market does not reach, so no fill
// traffic disturbs the next trial), stop 10 points above the entry, target 20 below.
//
// It stands in for the slob strategy so that each candle the gateway simulator sends is a trial;
// the slob strategy's own cost per candle is measured by slob_strategy_bench (well under 1 µs).
// Candles before `fire_from` (the IB backfill) only count.

#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/strategy.hpp"
#include "slob/sdk/time.hpp"

namespace slob::bench {
namespace {

class TriggerStrategy final : public sdk::Strategy {
 public:
  TriggerStrategy(sdk::Time fire_from, double entry_offset)
      : fire_from_(fire_from), entry_offset_(entry_offset) {}

  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle& candle) override {
    ++candles_;
    sdk::StrategyOutput out;
    if (candle.start < fire_from_) return out;
    sdk::BracketIntent intent;
    intent.setup_id = "bench-" + std::to_string(candle.start.time_since_epoch().count() / 1'000'000);
    intent.direction = sdk::Direction::kShort;
    intent.entry = candle.close + entry_offset_;
    intent.stop = intent.entry + 10;
    intent.target = intent.entry - 20;
    intent.time = candle.start;
    out.intents.push_back(std::move(intent));
    return out;
  }
  sdk::Result<sdk::StrategyOutput> on_hole(sdk::Time) override { return sdk::StrategyOutput{}; }
  sdk::Result<std::string> export_state() const override { return std::to_string(candles_); }
  sdk::Status import_state(std::string_view state) override {
    try {
      candles_ = std::stoull(std::string(state));
    } catch (const std::exception&) {
      return sdk::Status::corruption("benchtrigger: state is not a count");
    }
    return sdk::Status::ok();
  }
  void stop(std::function<void()> done) override { done(); }

 private:
  sdk::Time fire_from_;
  double entry_offset_;
  std::uint64_t candles_ = 0;
};

sdk::Result<std::unique_ptr<sdk::Strategy>> make(sdk::HostServices&, const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  const std::string from = reader.get_string("fire_from", "");
  const double offset = reader.get_double("entry_offset", 400.0, 0.0, 10'000.0);
  const auto fire_from = sdk::parse_rfc3339(from);
  if (!fire_from) reader.add_error("fire_from", "fire_from must be an RFC 3339 UTC time");
  if (auto s = reader.finish(); !s) return s;
  return std::unique_ptr<sdk::Strategy>(std::make_unique<TriggerStrategy>(*fire_from, offset));
}

}  // namespace
}  // namespace slob::bench

SLOB_STRATEGY_PLUGIN("benchtrigger", "0.1.0-bench", 0, &slob::bench::make)
