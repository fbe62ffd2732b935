#pragma once

// The NQ 1-minute data generator: whole Globex weeks of random-walk bars in session-dependent
// volatility, with chosen Stockholm trading days planted (setups, invalidated candidates, quiet
// days). Deterministic: the same options give the same bars, byte for byte, on one platform.
//
// Errors (a plan day outside the weeks, on a weekend, or a week that is not a Monday) are
// returned as Status with the offending argument.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "setup_script.hpp"
#include "slob/sdk/market.hpp"
#include "slob/sdk/status.hpp"

namespace slob::tools::gen_nq_data {

enum class DayKind {
  kRandom,  // the plain walk: whatever it makes
  kQuiet,   // New York stays inside the London range: no LIQ #1, no candidate
  kSetup,   // a planted setup (direction, outcome)
};

struct DayPlan {
  DayKind kind = DayKind::kRandom;
  SetupDirection direction = SetupDirection::kShort;
  SetupOutcome outcome = SetupOutcome::kWin;
};

// "quiet", "random", "short-win", "long-loss", "short-range", "long-timeout", ...
sdk::Result<DayPlan> parse_day_plan(const std::string& text);
std::string day_plan_name(const DayPlan& plan);

struct GeneratorOptions {
  std::uint64_t seed = 1;
  double start_price = 25450.0;
  std::vector<std::chrono::sys_days> weeks;              // Mondays
  std::map<std::chrono::sys_days, DayPlan> plan;         // Stockholm dates
};

// What a planted day produced, for reports and tests.
struct PlantedDay {
  std::chrono::sys_days date;
  DayPlan plan;
  double lse_high = 0;
  double lse_low = 0;
  PlantedSetup setup;  // empty for quiet days
};

struct GeneratedData {
  std::vector<sdk::Candle> bars;
  std::vector<PlantedDay> planted;
};

sdk::Result<GeneratedData> generate(const GeneratorOptions& options);

// The CSV of ARCHITECTURE §10, prices with two decimals.
std::string to_csv(const std::vector<sdk::Candle>& bars);

}  // namespace slob::tools::gen_nq_data
