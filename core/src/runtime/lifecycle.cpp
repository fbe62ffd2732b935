#include "runtime/lifecycle.hpp"

namespace slob::core {

const char* lifecycle_state_name(LifecycleState s) {
  switch (s) {
    case LifecycleState::kStarting: return "Starting";
    case LifecycleState::kRecovering: return "Recovering";
    case LifecycleState::kConnecting: return "Connecting";
    case LifecycleState::kReconciling: return "Reconciling";
    case LifecycleState::kRunning: return "Running";
    case LifecycleState::kReconnecting: return "Reconnecting";
    case LifecycleState::kSafeMode: return "SafeMode";
    case LifecycleState::kReloading: return "Reloading";
    case LifecycleState::kDraining: return "Draining";
    case LifecycleState::kStopped: return "Stopped";
  }
  return "?";
}

bool is_legal_transition(LifecycleState from, LifecycleState to) {
  using S = LifecycleState;
  if (to == S::kDraining) return from != S::kDraining && from != S::kStopped;
  switch (from) {
    case S::kStarting: return to == S::kRecovering;
    case S::kRecovering: return to == S::kConnecting || to == S::kSafeMode;
    case S::kConnecting: return to == S::kReconciling || to == S::kSafeMode;
    case S::kReconciling:
      return to == S::kRunning || to == S::kSafeMode || to == S::kReconnecting;
    case S::kRunning:
      return to == S::kReconnecting || to == S::kSafeMode || to == S::kReloading;
    case S::kReconnecting: return to == S::kReconciling || to == S::kSafeMode;
    case S::kSafeMode: return to == S::kConnecting || to == S::kReloading;
    case S::kReloading:
      return to == S::kRunning || to == S::kSafeMode || to == S::kConnecting;
    case S::kDraining: return to == S::kStopped;
    case S::kStopped: return false;
  }
  return false;
}

sdk::Status Lifecycle::transition(LifecycleState to, std::string reason, sdk::Time now) {
  if (!is_legal_transition(state_, to)) {
    return sdk::Status::failed_precondition(std::string("illegal lifecycle transition ") +
                                            lifecycle_state_name(state_) + " -> " +
                                            lifecycle_state_name(to) + " (" + reason + ")");
  }
  const Transition t{state_, to, std::move(reason), now};
  state_ = to;
  since_ = now;
  reason_ = t.reason;
  ++transitions_;
  for (const auto& o : observers_) o(t);
  return sdk::Status::ok();
}

}  // namespace slob::core
