// Host: reconciliation while Running (live_reconcile.hpp). The reports come in through
// on_order/on_execution (host.cpp) and on_position; the reconciliation itself is the one a
// (re)connect runs (ReconcileSession), with its position_recheck confirmation.

#include "runtime/host.hpp"

namespace slob::core {

void Host::on_position(const sdk::Position& position) {
  if (auto why = unexpected_position(position, engine_->expected_position(position.symbol)))
    live_.request(*why);
}

LiveReconcile::Readiness Host::live_readiness() const {
  using R = LiveReconcile::Readiness;
  // Outside Running every way back passes a reconciliation of its own; a lost or degraded order
  // channel reconciles when it is up again.
  if (lifecycle_.state() != LifecycleState::kRunning || orders_health_ != sdk::Health::kUp) return R::kNotNeeded;
  // The confirming snapshot is asked for after the report: it will see it.
  if (reconcile_->confirming_disagreement()) return R::kNotNeeded;
  // A snapshot being collected may predate the report; a bracket whose answer has not come yet
  // would read as never received.
  if (reconcile_->awaiting_snapshot() || engine_->has_unknown_orders()) return R::kLater;
  return R::kNow;
}

void Host::begin_live_reconcile(const std::string& why) {
  log_.info("SLOB_RECONCILE_LIVE", why + ": reconciling with the broker");
  reconcile_->begin();
}

}  // namespace slob::core
