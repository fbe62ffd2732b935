#include "trading/order_gate.hpp"

#include "trading/risk.hpp"

namespace slob::core {
namespace {

GateDecision closed(std::string why) { return {GateVerdict::kClosed, std::move(why)}; }

}  // namespace

GateDecision check_resend(const GateConditions& now) {
  if (now.lifecycle != LifecycleState::kRunning)
    return closed(std::string("lifecycle is ") + lifecycle_state_name(now.lifecycle));
  if (now.orders != sdk::Health::kUp) return closed("order channel is not up");
  // The position may not be ours while a disagreement is being confirmed.
  if (now.confirming_disagreement)
    return closed("a reconciliation is confirming a disagreement with the broker");
  if (now.maintenance) {
    return closed("inside maintenance window \"" + now.maintenance->spec + "\" until " +
                  sdk::format_rfc3339(now.maintenance->ends));
  }
  return {};
}

GateDecision check_new_bracket(const GateConditions& now, const sdk::HostState& state,
                               const RiskSection& risk) {
  if (GateDecision d = check_resend(now); !d.open()) return d;
  if (state.halted) return closed("trading halted: " + state.halt_reason);
  if (auto why = daily_limit_reached(state, risk)) return {GateVerdict::kDailyLimit, *why};
  return {};
}

}  // namespace slob::core
