#include "trading/risk.hpp"

#include <cmath>
#include <sstream>

namespace slob::core {

SizingResult size_position(const RiskSection& risk, double equity, double entry, double stop) {
  const double per_contract = std::fabs(entry - stop) * risk.contract_multiplier;
  std::ostringstream why;
  if (!(per_contract > 0)) {
    why << "risk per contract is zero (entry " << entry << " = stop " << stop << ")";
    return {0, why.str()};
  }
  if (!(equity > 0)) {
    why << "account equity " << equity << " is not positive";
    return {0, why.str()};
  }
  const double budget = equity * risk.risk_per_trade;
  const double raw = std::floor(budget / per_contract);
  if (raw < 1) {
    why << "risk budget " << budget << " is below one contract's risk " << per_contract;
    return {0, why.str()};
  }
  const auto contracts = static_cast<std::int64_t>(std::min(raw, static_cast<double>(risk.max_contracts)));
  why << "floor(" << budget << " / " << per_contract << ") = " << raw;
  if (contracts < raw) why << ", capped at max_contracts " << risk.max_contracts;
  return {contracts, why.str()};
}

std::optional<std::string> daily_limit_reached(const sdk::HostState& state, const RiskSection& risk) {
  const std::int64_t trades = state.trades_today;
  const double realised_pnl = state.realised_pnl_today;
  if (trades >= risk.max_trades_per_day) {
    return "max_trades_per_day " + std::to_string(risk.max_trades_per_day) + " reached";
  }
  if (-realised_pnl >= risk.max_daily_loss) {
    std::ostringstream m;
    m << "max_daily_loss " << risk.max_daily_loss << " reached (today " << realised_pnl << ")";
    return m.str();
  }
  return std::nullopt;
}

}  // namespace slob::core
