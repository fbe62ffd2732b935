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

namespace slob::core {

struct SizingResult {
  std::int64_t contracts = 0;  // 0: skip
  std::string reason;          // why skipped, or how the size was reached
};

SizingResult size_position(const RiskSection& risk, double equity, double entry, double stop);

// Today's counters for the daily limits. A "trading day" is a key the caller derives (the
// Stockholm calendar date); a new key resets the counters.
struct DailyRisk {
  std::string day;
  std::int64_t trades = 0;   // entries sent today
  double realised_pnl = 0;   // closed trades today, after commission

  // Why a new entry must not go out today, if it must not.
  std::optional<std::string> blocked(const RiskSection& risk) const;
};

}  // namespace slob::core
