// Candles per second through the candle builder + slob strategy (the scan path) against a plain
// parse of the same CSV, in one run. The data is a deterministic random walk of 1-minute NQ
// bars around the clock on weekdays, so sessions, London levels and candidates all happen.
//
//   slob_strategy_bench [days]      (default 250 trading days, about 345,000 candles)
//
// Prints absolute rates and the ratio of the strategy's own cost (scan - parse) to the parse.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "slob/sdk/candle_csv.hpp"
#include "slob_config.hpp"
#include "slob_strategy.hpp"
#include "trading/candle_builder.hpp"
#include "runtime/simulated_clock.hpp"
#include "trading/strategy_scan.hpp"

namespace {

class CountingLogger final : public slob::sdk::Logger {
 public:
  void log(slob::sdk::LogLevel, std::string_view, std::string_view) override { ++lines; }
  long lines = 0;
};

std::string make_csv(int days, long& rows) {
  std::mt19937_64 rng(20260106);
  std::normal_distribution<double> step(0.0, 6.0);
  std::string out(slob::sdk::kCandleCsvHeader);
  out += '\n';
  auto t = *slob::sdk::parse_rfc3339("2026-01-05T00:00:00Z");  // a Monday
  double price = 25000;
  char buf[128];
  rows = 0;
  for (int d = 0; d < days;) {
    const auto day_start = t;
    const int weekday = (d % 5);
    for (int m = 0; m < 23 * 60; ++m) {  // one hour of maintenance break a day
      const double o = price;
      const double c = std::round((price + step(rng)) * 4) / 4;
      const double h = std::max(o, c) + std::round(std::abs(step(rng)) * 2) / 4;
      const double l = std::min(o, c) - std::round(std::abs(step(rng)) * 2) / 4;
      price = c;
      std::snprintf(buf, sizeof buf, "%s,%.2f,%.2f,%.2f,%.2f,%d\n",
                    slob::sdk::format_rfc3339(t + std::chrono::minutes(m)).c_str(), o, h, l, c,
                    100 + m % 300);
      out += buf;
      ++rows;
    }
    ++d;
    t = day_start + std::chrono::hours(weekday == 4 ? 24 * 3 : 24);  // Friday -> Monday
  }
  return out;
}

template <typename F>
double best_seconds(F&& f, int repeats = 3) {
  double best = 1e9;
  for (int i = 0; i < repeats; ++i) {
    const auto a = std::chrono::steady_clock::now();
    f();
    const auto b = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(b - a).count());
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int days = argc > 1 ? std::atoi(argv[1]) : 250;
  long rows = 0;
  const std::string csv = make_csv(days, rows);

  long parsed = 0;
  const double parse_s = best_seconds([&] {
    std::istringstream in(csv);
    slob::sdk::CandleCsvReader reader(in, "bench.csv");
    slob::sdk::Candle c;
    parsed = 0;
    while (true) {
      auto more = reader.next(c);
      if (!more || !*more) break;
      ++parsed;
    }
  });

  auto config = slob::plugins::slob::default_slob_config();
  if (!config) {
    std::fprintf(stderr, "%s\n", config.status().message().c_str());
    return 1;
  }
  long setups = 0;
  const double scan_s = best_seconds([&] {
    CountingLogger logger;
    slob::plugins::slob::SlobStrategy strategy(*config, logger);
    std::istringstream in(csv);
    std::ostringstream out;
    const auto st = slob::core::run_strategy_scan(strategy, in, "bench.csv", out);
    if (!st) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      std::exit(1);
    }
    const std::string text = out.str();
    setups = static_cast<long>(std::count(text.begin(), text.end(), '\n'));
  });

  // The two parts on their own, over candles parsed beforehand.
  std::vector<slob::sdk::Candle> candles;
  {
    std::istringstream in(csv);
    slob::sdk::CandleCsvReader reader(in, "bench.csv");
    slob::sdk::Candle c;
    while (true) {
      auto more = reader.next(c);
      if (!more || !*more) break;
      candles.push_back(c);
    }
  }
  long built = 0;
  const double builder_s = best_seconds([&] {
    slob::core::SimulatedClock clock;
    CountingLogger logger;
    built = 0;
    slob::core::CandleBuilder builder(
        clock, logger, {}, [&](const slob::sdk::Candle&) { ++built; }, [&](slob::sdk::Time) {});
    for (const auto& c : candles) {
      const slob::sdk::Bar bar{c.start, std::chrono::minutes(1), c.open, c.high, c.low,
                               c.close, c.volume, false};
      clock.advance_to(bar.start + bar.span);
      builder.on_bar(bar);
    }
  });
  long updates = 0;
  const double slob_s = best_seconds([&] {
    CountingLogger logger;
    slob::plugins::slob::SlobStrategy strategy(*config, logger);
    updates = 0;
    for (const auto& c : candles) {
      auto out = strategy.on_candle(c);
      if (out) updates += static_cast<long>(out->updates.size());
    }
  });

  const double strategy_s = scan_s - parse_s;
  std::printf("candles            %ld (parsed %ld)\n", rows, parsed);
  std::printf("finished setups    %ld\n", setups);
  std::printf("parse only         %.3f s  %.0f candles/s\n", parse_s, rows / parse_s);
  std::printf("parse+builder+slob %.3f s  %.0f candles/s\n", scan_s, rows / scan_s);
  std::printf("builder+slob alone %.3f s  %.0f candles/s\n", strategy_s, rows / strategy_s);
  std::printf("builder only        %.3f s  %.0f candles/s (%ld candles)\n", builder_s,
              rows / builder_s, built);
  std::printf("slob only           %.3f s  %.0f candles/s (%ld setup updates)\n", slob_s,
              rows / slob_s, updates);
  std::printf("ratio (builder+slob) / parse = %.2f\n", strategy_s / parse_s);
  return 0;
}
