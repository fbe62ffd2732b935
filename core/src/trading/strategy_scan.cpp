#include "trading/strategy_scan.hpp"

#include <chrono>
#include <optional>

#include "runtime/simulated_clock.hpp"
#include "slob/sdk/candle_csv.hpp"

namespace slob::core {
namespace {

// The reader guarantees whole, strictly increasing minutes, so the builder never drops a row
// and has nothing to warn about; its warnings would only be noise on the scan's output.
class DiscardLogger final : public sdk::Logger {
 public:
  void log(sdk::LogLevel, std::string_view, std::string_view) override {}
};

}  // namespace

sdk::Status run_strategy_scan(sdk::Strategy& strategy, std::istream& csv,
                              const std::string& csv_name, std::ostream& out,
                              const CandleBuilder::Options& options) {
  sdk::CandleCsvReader reader(csv, csv_name);
  SimulatedClock clock;
  DiscardLogger logger;
  sdk::Status failure;

  auto emit = [&](const sdk::Result<sdk::StrategyOutput>& result) {
    if (!failure) return;
    if (!result) {
      failure = sdk::Status(result.status().code(), csv_name + ":" + std::to_string(reader.line()) +
                                                        ": strategy: " + result.status().message());
      return;
    }
    for (const sdk::SetupUpdate& u : result->updates)
      if (u.finished()) out << u.record.report << '\n';
  };
  CandleBuilder builder(
      clock, logger, options, [&](const sdk::Candle& c) { emit(strategy.on_candle(c)); },
      [&](sdk::Time minute) { emit(strategy.on_hole(minute)); });

  sdk::Candle row;
  while (failure) {
    auto more = reader.next(row);
    if (!more) return more.status();
    if (!*more) break;
    const sdk::Bar bar{row.start, std::chrono::minutes(1), row.open, row.high, row.low,
                       row.close, row.volume, false};
    clock.advance_to(bar.start + bar.span);
    builder.on_bar(bar);
  }
  out.flush();
  return failure;
}

}  // namespace slob::core
