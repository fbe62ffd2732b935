#pragma once

// Planted New York sessions: the bar-by-bar path of a 5/1 SLOB setup after the New York open
// (/work/shared/reference/slob-rules.md, shaped like its worked example), built so each rule's
// condition holds with a margin:
//   sweep of the London level (LIQ #1) -> rally to the consolidation HIGH -> pullback to a LOW
//   0.16-0.32 % below it -> consolidation inside (LOW, HIGH) -> bullish no-wick candle closing at
//   the HIGH -> LIQ #2 just above it (bearish) -> close below the no-wick low (entry) -> the trade
//   runs to the target (LSE low - 1) or through the stop.
// Invalidated variants keep the same start and break one rule: the pullback overshoots 0.5 %
// (consolidation_range_invalid) or the consolidation outlasts 120 minutes (consolidation_timeout).
// LONG is the exact mirror, built in a price space reflected about the middle of the London range.

#include <string>
#include <vector>

#include "random.hpp"
#include "slob/sdk/market.hpp"

namespace slob::tools::gen_nq_data {

enum class SetupDirection { kShort, kLong };
enum class SetupOutcome { kWin, kLoss, kRangeInvalid, kTimeout };

struct SetupRequest {
  SetupDirection direction = SetupDirection::kShort;
  SetupOutcome outcome = SetupOutcome::kWin;
  double lse_high = 0;
  double lse_low = 0;
  double price = 0;  // the last close before `start`
  sdk::Time start;   // the first New York bar
  double volume = 600;
};

// What the script planted, for the data README and the tests (real prices).
struct PlantedSetup {
  std::vector<sdk::Candle> bars;  // consecutive minutes from `start`
  double high = 0;                // the consolidation HIGH (SHORT) or LOW extreme (LONG)
  double entry = 0;               // 0 for invalidated variants
  double stop = 0;
  double target = 0;
};

PlantedSetup build_setup(Random& rng, const SetupRequest& request);

}  // namespace slob::tools::gen_nq_data
