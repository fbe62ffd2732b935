#include "setup_script.hpp"

#include <algorithm>
#include <chrono>

#include "bar_walk.hpp"

namespace slob::tools::gen_nq_data {
namespace {

// Builds bars in "short space"; for LONG every price is reflected as 2M - p on the way out.
class Script {
 public:
  Script(Random& rng, const SetupRequest& r)
      : rng_(rng), start_(r.start), volume_(r.volume), mirror_(r.direction == SetupDirection::kLong) {
    pivot2_ = to_tick(r.lse_high + r.lse_low);  // 2M, on the tick
    high_ = mirror_ ? pivot2_ - r.lse_low : r.lse_high;
    low_ = mirror_ ? pivot2_ - r.lse_high : r.lse_low;
    price_ = mirror_ ? pivot2_ - r.price : r.price;
  }

  // One bar in short space; wicks in points.
  void bar(double close, double upper, double lower) {
    const auto start = start_ + std::chrono::minutes(bars_.size());
    bars_.push_back(shaped_bar(rng_, start, price_, close, upper, lower, volume_));
    price_ = bars_.back().close;
  }
  void walk(double sigma, double drift, Band band) {
    WalkParams p;
    p.sigma = sigma;
    p.drift = drift;
    p.volume = volume_;
    p.band = band;
    const auto start = start_ + std::chrono::minutes(bars_.size());
    bars_.push_back(walk_bar(rng_, start, price_, p));
    price_ = bars_.back().close;
  }
  double wick(double lo, double hi) { return to_tick(rng_.uniform(lo, hi)); }
  double out(double p) const { return mirror_ ? pivot2_ - p : p; }

  std::vector<sdk::Candle> real_bars() const {
    std::vector<sdk::Candle> out_bars = bars_;
    if (!mirror_) return out_bars;
    for (auto& c : out_bars) {
      const double h = c.high;
      c.open = pivot2_ - c.open;
      c.close = pivot2_ - c.close;
      c.high = pivot2_ - c.low;
      c.low = pivot2_ - h;
    }
    return out_bars;
  }

  Random& rng_;
  sdk::Time start_;
  double volume_;
  bool mirror_;
  double pivot2_ = 0;
  double high_ = 0;  // LSE high in short space
  double low_ = 0;   // LSE low in short space
  double price_ = 0;
  std::vector<sdk::Candle> bars_;
};

}  // namespace

PlantedSetup build_setup(Random& rng, const SetupRequest& request) {
  Script s(rng, request);
  PlantedSetup planted;

  // LIQ #1: climb to the London level and sweep it by a few points.
  const double sweep = to_tick(s.high_ + rng.uniform(1, 4));
  while (s.price_ < s.high_ - 4 && s.bars_.size() < 60) {
    const double step = to_tick(std::max(rng.uniform(5, 11), (s.high_ - s.price_) / 12));
    const double close = std::min(s.price_ + step, s.high_ - 1);
    s.bar(close, std::min(s.wick(0.25, 1.5), s.high_ - close), s.wick(0, 1.5));
  }
  s.bar(sweep, 0.25, s.wick(0.25, 1.5));

  // Rally to the HIGH with strictly rising highs, the last bar's high exactly the HIGH.
  const double high = to_tick(sweep + rng.uniform(30, 90));
  const int rally = rng.between(6, 12);
  for (int i = 1; i < rally; ++i) {
    const double goal = sweep + (high - sweep) * i / rally;
    const double close = std::min(to_tick(goal + rng.uniform(-2, 2)), high - 3);
    const double close_up = std::min(std::max(close, s.bars_.back().high + 0.5), high - 2.5);
    s.bar(close_up, std::min(0.5, high - 1.5 - close_up), s.wick(0.25, 2));
  }
  const double last_wick = s.wick(0.5, 2);
  s.bar(high - last_wick, last_wick, s.wick(0.25, 2));
  const std::size_t high_index = s.bars_.size() - 1;
  planted.high = s.out(high);

  // Pullback to the LOW; every high stays below the HIGH, every low above the LOW but the last.
  const bool overshoot = request.outcome == SetupOutcome::kRangeInvalid;
  const double pct = overshoot ? rng.uniform(0.62, 0.8) : rng.uniform(0.16, 0.32);
  const double low = to_tick(high - high * pct / 100);
  const int pullback = rng.between(6, 9);
  for (int i = 1; i < pullback; ++i) {
    const double goal = high - (high - low) * i / pullback;
    const double close = std::max(to_tick(goal + rng.uniform(-2, 2)), low + 3);
    s.bar(close, std::min(s.wick(0.25, 2), high - 0.5 - std::max(s.price_, close)),
          std::min(s.wick(0.25, 1.5), std::min(s.price_, close) - low - 1.5));
  }
  const double low_wick = s.wick(0.5, 2);
  s.bar(low + low_wick, 0.5, low_wick);
  const std::size_t low_index = s.bars_.size() - 1;
  if (overshoot) {
    planted.bars = s.real_bars();
    return planted;
  }

  // Consolidation strictly inside (LOW, HIGH), long enough for LIQ #2 to count (rule 4), or
  // past the 120-minute timeout.
  const Band inside{low + 1, high - 1};
  const double body = to_tick(rng.uniform(6, 12));
  const double nowick_open = high - body;
  const std::size_t liq2_index =
      std::max(low_index + 3 + 5, high_index + 5 + 15) + static_cast<std::size_t>(rng.between(1, 12));
  const std::size_t consol_end = request.outcome == SetupOutcome::kTimeout
                                     ? high_index + 5 + 125
                                     : liq2_index - 2;  // the no-wick candle is at liq2 - 1
  while (s.bars_.size() < consol_end) {
    const double remaining = static_cast<double>(consol_end - s.bars_.size());
    s.walk(4.0, (nowick_open - s.price_) / (remaining + 4), inside);
  }
  if (request.outcome == SetupOutcome::kTimeout) {
    planted.bars = s.real_bars();
    return planted;
  }
  // Land exactly on the no-wick candle's open.
  s.bars_.pop_back();
  s.price_ = s.bars_.back().close;
  s.bar(nowick_open, std::min(0.5, high - 1 - std::max(s.price_, nowick_open)),
        std::min(0.5, std::min(s.price_, nowick_open) - low - 1));

  // The no-wick candle: bullish, close = high = HIGH, lower wick at most one tick.
  s.bar(high, 0, body >= 1.25 && rng.chance(0.5) ? 0.25 : 0);
  const double nowick_low = s.bars_.back().low;
  // LIQ #2: a bearish candle sweeping the HIGH, closing above the no-wick low.
  const double spike = s.wick(2, 6);
  const double liq2_body = to_tick(rng.uniform(2, body - 2));
  s.bar(high - liq2_body, spike, s.wick(0.25, 1.5));
  const double spike_high = high + spike;
  const double stop = spike > 2 * liq2_body ? high + 2.0 : spike_high + 1.0;
  // Drift, then the trigger: the first close below the no-wick low.
  for (int i = rng.between(0, 2); i > 0; --i) {
    const double close = std::max(to_tick(s.price_ - rng.uniform(0, 2)), nowick_low + 0.25);
    s.bar(close, std::min(s.wick(0.25, 2), spike_high - 0.5 - std::max(s.price_, close)),
          std::min(s.wick(0.25, 1), close - nowick_low));
  }
  const double entry = to_tick(nowick_low - rng.uniform(1, 5));
  s.bar(entry, std::min(s.wick(0.25, 1.5), spike_high - 0.5 - s.price_), s.wick(0.25, 2));
  const double target = s.low_ - 1.0;
  planted.entry = s.out(entry);
  planted.stop = s.out(stop);
  planted.target = s.out(target);

  if (request.outcome == SetupOutcome::kWin) {
    // Down to a few points past the target, never back near the stop.
    const double goal = to_tick(target - rng.uniform(2, 8));
    const int n = rng.between(25, 70);
    for (int i = 0; i < n && s.price_ > goal; ++i) {
      s.walk(6.0, (goal - s.price_) / (n - i), Band{goal - 6, stop - 4});
    }
    s.bar(goal, 0.5, 1.0);
  } else {
    const double goal = to_tick(stop + rng.uniform(2, 6));
    const int n = rng.between(3, 10);
    for (int i = 0; i < n && s.price_ < goal; ++i) {
      s.walk(3.0, (goal - s.price_) / (n - i), Band{entry - 6, goal + 2});
    }
    s.bar(goal, 1.0, 0.5);
  }
  planted.bars = s.real_bars();
  return planted;
}

}  // namespace slob::tools::gen_nq_data
