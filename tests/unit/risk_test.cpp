// Position sizing and daily limits with exact numbers (slob-rules.md "From setup to order").

#include <catch2/catch.hpp>

#include "trading/risk.hpp"

using slob::core::daily_limit_reached;
using slob::core::RiskSection;
using slob::core::size_position;

TEST_CASE("size = floor(equity * risk / (|entry - stop| * multiplier)), capped", "[risk]") {
  RiskSection risk;  // 1 %, max 5, multiplier 20
  // Worked example: entry 25572, stop 25593 → 21 points × 20 = 420 per contract.
  CHECK(size_position(risk, 100000, 25572, 25593).contracts == 2);   // 1000 / 420 = 2.38
  CHECK(size_position(risk, 41999, 25572, 25593).contracts == 0);    // 419.99 < 420: skip
  CHECK(size_position(risk, 42000, 25572, 25593).contracts == 1);    // exactly one
  CHECK(size_position(risk, 1000000, 25572, 25593).contracts == 5);  // 23.8 → capped at 5
  CHECK(size_position(risk, 100000, 25593, 25572).contracts == 2);   // LONG: same distance
  risk.max_contracts = 50;
  CHECK(size_position(risk, 1000000, 25572, 25593).contracts == 23);
}

TEST_CASE("below one contract the trade is skipped with the reason, never rounded up", "[risk]") {
  RiskSection risk;
  auto r = size_position(risk, 10000, 25572, 25593);
  CHECK(r.contracts == 0);
  CHECK(r.reason == "risk budget 100 is below one contract's risk 420");
  CHECK(size_position(risk, 100000, 100, 100).contracts == 0);
  CHECK(size_position(risk, -5, 100, 101).contracts == 0);
  CHECK(size_position(risk, 100000, 25572, 25593).reason == "floor(1000 / 420) = 2");
  CHECK(size_position(risk, 1000000, 25572, 25593).reason ==
        "floor(10000 / 420) = 23, capped at max_contracts 5");
}

TEST_CASE("daily limits: trades per day and daily loss", "[risk]") {
  RiskSection risk;  // 2 trades, 1000 loss
  slob::sdk::HostState d;
  d.risk_day = "2026-01-06";
  CHECK_FALSE(daily_limit_reached(d, risk));
  d.trades_today = 1;
  CHECK_FALSE(daily_limit_reached(d, risk));
  d.trades_today = 2;
  CHECK(daily_limit_reached(d, risk) == std::optional<std::string>("max_trades_per_day 2 reached"));
  d.trades_today = 0;
  d.realised_pnl_today = -999.99;
  CHECK_FALSE(daily_limit_reached(d, risk));
  d.realised_pnl_today = -1000;
  CHECK(daily_limit_reached(d, risk) == std::optional<std::string>("max_daily_loss 1000 reached (today -1000)"));
  d.realised_pnl_today = 5000;
  CHECK_FALSE(daily_limit_reached(d, risk));
}
