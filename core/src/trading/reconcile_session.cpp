#include "trading/reconcile_session.hpp"

#include <utility>

namespace slob::core {

ReconcileSession::ReconcileSession(sdk::Clock& market, sdk::Clock& wall, sdk::Duration position_recheck,
                                   sdk::Logger& log, Callbacks callbacks)
    : market_(market),
      wall_(wall),
      position_recheck_(position_recheck),
      log_(log),
      callbacks_(std::move(callbacks)),
      recheck_clock_(&wall) {}

ReconcileSession::~ReconcileSession() { drop_recheck(); }

void ReconcileSession::begin(bool confirming) {
  drop_recheck();
  pending_ = true;
  confirming_ = confirming;
  const sdk::Time since = market_.now() - std::chrono::hours(24);
  if (auto s = callbacks_.request_snapshot(since); !s) {
    cancel();
    log_.warn("SLOB_RECONCILE_REQUEST_FAILED", s.message());
  }
}

void ReconcileSession::drop_recheck() {
  recheck_clock_->cancel(std::exchange(recheck_timer_, sdk::kNoTimer));
}

void ReconcileSession::cancel() {
  drop_recheck();
  pending_ = false;
  if (!held_.empty()) callbacks_.apply_executions(std::exchange(held_, {}));
}

bool ReconcileSession::hold(const sdk::Execution& execution) {
  if (!pending_) return false;
  held_.push_back(execution);
  return true;
}

void ReconcileSession::on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& snapshot) {
  if (!pending_) return;
  if (!snapshot) {
    cancel();
    log_.warn("SLOB_RECONCILE_SNAPSHOT_FAILED", snapshot.status().message());
    callbacks_.outcome({Outcome::Kind::kFailed, 0, snapshot.status().message()});
    return;
  }
  pending_ = false;
  const ReconcileResult result = callbacks_.compare(*snapshot, std::exchange(held_, {}));
  const bool running = callbacks_.running();
  if (running && callbacks_.has_unknown_orders()) {
    callbacks_.outcome({Outcome::Kind::kAskAgain, 0, "a bracket was sent while the last snapshot was collected"});
    return;
  }
  const Finding* disagreement = result.position_disagreement();
  if (disagreement && !confirming_) {
    log_.warn("SLOB_RECONCILE_RECHECK",
              disagreement->message + "; asking the broker again in " +
                  sdk::format_duration(position_recheck_) + " before acting on it");
    recheck_clock_ = running ? &market_ : &wall_;
    recheck_timer_ = recheck_clock_->call_after(position_recheck_, [this] {
      recheck_timer_ = sdk::kNoTimer;
      begin(true);
    });
    return;
  }
  callbacks_.settled();
  callbacks_.act_on(result);
  if (result.requires_safe_mode()) {
    callbacks_.outcome({Outcome::Kind::kSafeMode, result.findings.size(),
                        "reconciliation: " + result.safe_mode_reason()});
  } else {
    callbacks_.outcome({Outcome::Kind::kReconciled, result.findings.size(), {}});
  }
}

}  // namespace slob::core
