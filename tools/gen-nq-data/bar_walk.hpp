#pragma once

// Random-walk 1-minute bars on the NQ tick: each bar opens at the previous close (so the data
// never gaps between bars, which the strategy would read as a gap), the close moves by a normal
// step of the regime's volatility, wicks are half-normal. An optional band clips the bar so a
// quiet session stays inside a range (e.g. between the London high and low).

#include <optional>

#include "random.hpp"
#include "slob/sdk/market.hpp"

namespace slob::tools::gen_nq_data {

inline constexpr double kTick = 0.25;

inline double to_tick(double points) { return std::round(points / kTick) * kTick; }

struct Band {
  double low;
  double high;
};

struct WalkParams {
  double sigma = 3.0;     // close-to-close standard deviation, points
  double drift = 0.0;     // points per bar
  double volume = 150;    // mean volume of the regime
  std::optional<Band> band;
};

// A bar starting at `start` opening at `open` (on the tick).
sdk::Candle walk_bar(Random& rng, sdk::Time start, double open, const WalkParams& p);

// A bar of a planned shape: open, close and wick sizes given, volume from the regime.
sdk::Candle shaped_bar(Random& rng, sdk::Time start, double open, double close, double upper_wick,
                       double lower_wick, double volume);

}  // namespace slob::tools::gen_nq_data
