#pragma once

// Position sizing and the daily risk limits (slob-rules.md "From setup to order").
//
// size = floor(equity × risk_per_trade / (|entry − stop| × multiplier)), capped at
// max_contracts. Below one contract the trade is skipped — never rounded up (the old system
// floored up to one contract and sized 20× too large by ignoring the multiplier).

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/config.hpp"
#include "slob/sdk/records.hpp"

namespace slob::core {

struct SizingResult {
  std::int64_t contracts = 0;  // 0: skip
  std::string reason;          // why skipped, or how the size was reached
};

SizingResult size_position(const RiskSection& risk, double equity, double entry, double stop);

// Why a new entry must not go out today, if it must not: the daily limits read from the durable
// host state, which holds today's counters (risk_day, trades_today, realised_pnl_today; the
// engine resets them when the trading day changes). No second copy of them exists.
std::optional<std::string> daily_limit_reached(const sdk::HostState& state, const RiskSection& risk);

}  // namespace slob::core
