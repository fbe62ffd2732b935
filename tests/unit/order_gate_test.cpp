// The order gate (core/src/trading/order_gate.cpp): every reason an intent may not go out, in the
// order they are asked, and the difference between a new bracket and a re-send.

#include <catch2/catch.hpp>

#include "trading/order_gate.hpp"

using slob::core::check_new_bracket;
using slob::core::check_resend;
using slob::core::GateConditions;
using slob::core::GateVerdict;
using slob::core::LifecycleState;
namespace sdk = slob::sdk;

namespace {

GateConditions open_conditions() {
  return GateConditions{LifecycleState::kRunning, sdk::Health::kUp, false, std::nullopt};
}

}  // namespace

TEST_CASE("order gate: open when running, the order channel up and nothing else in the way",
          "[gate]") {
  const slob::core::RiskSection risk;
  const sdk::HostState state;
  CHECK(check_new_bracket(open_conditions(), state, risk).open());
  CHECK(check_resend(open_conditions()).open());
}

TEST_CASE("order gate: each closed condition names itself", "[gate]") {
  const slob::core::RiskSection risk;
  const sdk::HostState state;
  GateConditions c = open_conditions();

  c.lifecycle = LifecycleState::kSafeMode;
  CHECK(check_new_bracket(c, state, risk).reason == "lifecycle is SafeMode");
  c.lifecycle = LifecycleState::kReloading;
  CHECK(check_resend(c).reason == "lifecycle is Reloading");

  c = open_conditions();
  c.orders = sdk::Health::kDown;
  CHECK(check_new_bracket(c, state, risk).reason == "order channel is not up");

  c = open_conditions();
  c.confirming_disagreement = true;
  CHECK(check_resend(c).reason == "a reconciliation is confirming a disagreement with the broker");

  c = open_conditions();
  c.maintenance = slob::core::ActiveMaintenance{"tue 14:00-16:00", *sdk::parse_rfc3339("2026-01-06T15:00:00Z")};
  const auto d = check_new_bracket(c, state, risk);
  CHECK(d.verdict == GateVerdict::kClosed);
  CHECK(d.reason == "inside maintenance window \"tue 14:00-16:00\" until 2026-01-06T15:00:00Z");
}

TEST_CASE("order gate: the first closed condition is the reason given", "[gate]") {
  const slob::core::RiskSection risk;
  sdk::HostState state;
  state.halted = true;
  state.halt_reason = "operator";
  GateConditions c = open_conditions();
  c.orders = sdk::Health::kDown;
  c.lifecycle = LifecycleState::kReconnecting;
  CHECK(check_new_bracket(c, state, risk).reason == "lifecycle is Reconnecting");
  c.lifecycle = LifecycleState::kRunning;
  CHECK(check_new_bracket(c, state, risk).reason == "order channel is not up");
  c.orders = sdk::Health::kUp;
  CHECK(check_new_bracket(c, state, risk).reason == "trading halted: operator");
}

TEST_CASE("order gate: halt and daily limits judge new brackets, never re-sends", "[gate]") {
  slob::core::RiskSection risk;  // 2 trades a day, 1000 loss
  sdk::HostState state;
  state.risk_day = "2026-01-06";

  state.halted = true;
  state.halt_reason = "max_daily_loss 1000 reached (today -1200)";
  CHECK(check_new_bracket(open_conditions(), state, risk).verdict == GateVerdict::kClosed);
  CHECK(check_resend(open_conditions()).open());

  state.halted = false;
  state.trades_today = 2;
  const auto limit = check_new_bracket(open_conditions(), state, risk);
  CHECK(limit.verdict == GateVerdict::kDailyLimit);
  CHECK(limit.reason == "max_trades_per_day 2 reached");

  state.trades_today = 0;
  state.realised_pnl_today = -1000;
  CHECK(check_new_bracket(open_conditions(), state, risk).verdict == GateVerdict::kDailyLimit);
  state.realised_pnl_today = -999.5;
  CHECK(check_new_bracket(open_conditions(), state, risk).open());
}
