#include "bar_walk.hpp"

#include <algorithm>
#include <cmath>

namespace slob::tools::gen_nq_data {
namespace {

double volume_for(Random& rng, double mean, double range) {
  // Lognormal around the regime mean, more on wide bars: volume follows volatility.
  const double v = mean * std::exp(0.35 * rng.normal()) * (0.6 + 0.08 * range);
  return std::max(1.0, std::round(v));
}

}  // namespace

sdk::Candle shaped_bar(Random& rng, sdk::Time start, double open, double close, double upper_wick,
                       double lower_wick, double volume) {
  sdk::Candle c;
  c.start = start;
  c.open = open;
  c.close = to_tick(close);
  c.high = std::max(c.open, c.close) + to_tick(std::max(0.0, upper_wick));
  c.low = std::min(c.open, c.close) - to_tick(std::max(0.0, lower_wick));
  c.volume = volume_for(rng, volume, c.high - c.low);
  return c;
}

sdk::Candle walk_bar(Random& rng, sdk::Time start, double open, const WalkParams& p) {
  double close = open + p.drift + p.sigma * rng.normal();
  double upper = std::fabs(rng.normal()) * p.sigma * 0.45;
  double lower = std::fabs(rng.normal()) * p.sigma * 0.45;
  if (p.band) {
    const double lo = std::min(p.band->low, open);
    const double hi = std::max(p.band->high, open);
    // Reflect a close that leaves the band, then trim the wicks to it.
    if (close > hi) close = std::max(lo, hi - (close - hi));
    if (close < lo) close = std::min(hi, lo + (lo - close));
    close = std::clamp(to_tick(close), lo, hi);
    upper = std::min(upper, hi - std::max(open, close));
    lower = std::min(lower, std::min(open, close) - lo);
  }
  return shaped_bar(rng, start, open, close, upper, lower, p.volume);
}

}  // namespace slob::tools::gen_nq_data
