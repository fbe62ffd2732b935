#pragma once

// The host's lifecycle state machine (ARCHITECTURE §5):
//
//   Starting → Recovering → Connecting → Reconciling → Running
//   Running → Reconnecting (order channel lost) → Reconciling → Running
//   Connecting / Reconnecting ─ attempts exhausted ─→ SafeMode
//   Recovering ─ safe mode persisted ─→ SafeMode
//   Reconciling / Running ─ unresolved mismatch, store full ─→ SafeMode
//   SafeMode ─ clear-safe-mode ─→ Connecting
//   Running / SafeMode ─ reload swaps a plugin ─→ Reloading ─→ Running / SafeMode / Connecting
//     (Connecting when the broker was swapped: the new one connects and reconciles)
//   any but Draining/Stopped ─ SIGTERM / SIGINT / shutdown ─→ Draining → Stopped
//
// The table is the single authority: an illegal move is refused (and is a bug in the caller).
// Every accepted transition is logged with its reason and reported to observers (which persist
// safe mode and audit it).

#include <functional>
#include <string>
#include <vector>

#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::core {

enum class LifecycleState {
  kStarting,
  kRecovering,
  kConnecting,
  kReconciling,
  kRunning,
  kReconnecting,
  kSafeMode,
  kReloading,  // a plugin is being switched; the pre-order gate is closed
  kDraining,
  kStopped,
};

inline constexpr LifecycleState kAllLifecycleStates[] = {
    LifecycleState::kStarting,    LifecycleState::kRecovering, LifecycleState::kConnecting,
    LifecycleState::kReconciling, LifecycleState::kRunning,    LifecycleState::kReconnecting,
    LifecycleState::kSafeMode,    LifecycleState::kReloading,  LifecycleState::kDraining,
    LifecycleState::kStopped,
};

const char* lifecycle_state_name(LifecycleState s);

// The transition table.
bool is_legal_transition(LifecycleState from, LifecycleState to);

struct Transition {
  LifecycleState from;
  LifecycleState to;
  std::string reason;
  sdk::Time at;
};

class Lifecycle {
 public:
  using Observer = std::function<void(const Transition&)>;

  explicit Lifecycle(sdk::Time now) : since_(now) {}

  LifecycleState state() const { return state_; }
  sdk::Time since() const { return since_; }
  const std::string& reason() const { return reason_; }

  // Moves to `to`, or refuses an illegal move with kFailedPrecondition (state unchanged).
  sdk::Status transition(LifecycleState to, std::string reason, sdk::Time now);

  void add_observer(Observer observer) { observers_.push_back(std::move(observer)); }

  std::uint64_t transition_count() const { return transitions_; }

 private:
  LifecycleState state_ = LifecycleState::kStarting;
  sdk::Time since_;
  std::string reason_ = "process started";
  std::vector<Observer> observers_;
  std::uint64_t transitions_ = 0;
};

}  // namespace slob::core
