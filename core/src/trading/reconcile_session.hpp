#pragma once

// One reconciliation with the broker (ARCHITECTURE §7, docs/decisions.md "Live reconciliation"),
// from asking for a snapshot to acting on it: the steps a (re)connect, a cleared safe mode and a
// live request (live_reconcile.hpp decides when) all take.
//
//   begin()       asks the broker for a snapshot of the last 24 h of market time. Executions that
//                 arrive live meanwhile are held (hold()) and applied with the snapshot's, so an
//                 exit filling now is never read before the entry the snapshot brings.
//   on_snapshot() compares it with the store. A snapshot that raced a bracket (the engine has
//                 orders of unknown outcome while Running) is not acted on: it cannot know the
//                 bracket, which would read as never received and go out twice. A position
//                 disagreement is not acted on at once either: IB answers positions and
//                 executions separately while fills go on, so one snapshot can show a position
//                 from before a fill it also reports. The broker is asked again `position_recheck`
//                 later (market time while Running, the wall clock before: nothing advances a
//                 replay's clock until Running), and that snapshot is acted on whatever it shows.
//   cancel()      nothing is awaited any more (the snapshot failed, or a shutdown, broker swap or
//                 lost connection dropped it): the held executions are applied now, a pending
//                 recheck is dropped.
//
// The session owns only this state. The broker, the engine and the lifecycle are reached through
// Callbacks, and the outcome goes back to the host, which owns the lifecycle transitions.
// Threading: loop thread only; the recheck timer runs on one of the two clocks given, which must
// outlive the session.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "trading/reconciler.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/status.hpp"

namespace slob::core {

class ReconcileSession {
 public:
  struct Outcome {
    enum class Kind {
      kReconciled,  // acted on; `findings` of them, none blocking
      kSafeMode,    // acted on; a finding requires safe mode: `reason`
      kFailed,      // the broker could not produce the snapshot: `reason` (its message)
      kAskAgain,    // raced a bracket: its fills are recorded, nothing else; `reason` says why
    };
    Kind kind;
    std::size_t findings = 0;
    std::string reason;
  };

  struct Callbacks {
    // The broker: asks for a snapshot covering everything since `since`; the answer comes to
    // on_snapshot(), possibly from inside this call.
    std::function<sdk::Status(sdk::Time since)> request_snapshot;
    // The engine (TradingEngine::compare_with_broker, act_on, apply_executions,
    // has_unknown_orders).
    std::function<ReconcileResult(const sdk::BrokerSnapshot&, std::vector<sdk::Execution> held)> compare;
    std::function<void(const ReconcileResult&)> act_on;
    std::function<void(std::vector<sdk::Execution>)> apply_executions;
    std::function<bool()> has_unknown_orders;
    // The lifecycle is Running.
    std::function<bool()> running;
    // A snapshot is about to be acted on and nothing is awaited any more. Called before act_on,
    // so the host may begin() the next session from inside it (a live request that waited).
    std::function<void()> settled;
    // How a snapshot ended (not called while a disagreement is being confirmed).
    std::function<void(const Outcome&)> outcome;
  };

  // `market`: the engine's clock (the snapshot's window, the recheck while Running). `wall`: the
  // recheck before Running. `log`: the host's logger (the message ids are the host's).
  ReconcileSession(sdk::Clock& market, sdk::Clock& wall, sdk::Duration position_recheck,
                   sdk::Logger& log, Callbacks callbacks);
  ~ReconcileSession();
  ReconcileSession(const ReconcileSession&) = delete;
  ReconcileSession& operator=(const ReconcileSession&) = delete;

  // Asks the broker for a snapshot; `confirming`: the previous one's positions disagreed with
  // the store, and this one is acted on whatever it shows. Drops a pending recheck. A refused
  // request is logged and cancels the session (no outcome: nothing was compared).
  void begin(bool confirming = false);
  void on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& snapshot);
  // A live execution: true when it is held for the awaited snapshot, false when the caller
  // hands it to the engine itself.
  bool hold(const sdk::Execution& execution);
  void cancel();
  // The next connect reconciles afresh: a pending recheck is dropped, nothing else.
  void drop_recheck();

  bool awaiting_snapshot() const { return pending_; }
  // A disagreement waits for its confirming snapshot: the position may not be ours.
  bool confirming_disagreement() const { return recheck_timer_ != sdk::kNoTimer; }

 private:
  sdk::Clock& market_;
  sdk::Clock& wall_;
  sdk::Duration position_recheck_;
  sdk::Logger& log_;
  Callbacks callbacks_;
  bool pending_ = false;
  bool confirming_ = false;  // the awaited snapshot is a recheck
  sdk::TimerId recheck_timer_ = sdk::kNoTimer;
  sdk::Clock* recheck_clock_;  // the clock recheck_timer_ runs on
  // Released as they are if the snapshot never comes (cancel()).
  std::vector<sdk::Execution> held_;
};

}  // namespace slob::core
