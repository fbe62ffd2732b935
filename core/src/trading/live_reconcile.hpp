#pragma once

// Reconciliation while Running (ARCHITECTURE §7, docs/decisions.md "Live reconciliation"): which
// broker reports the daemon did not cause, and when a reconciliation starts because of them or
// of the periodic backstop.
//
// A report the daemon did not cause — an execution without a slob reference, a position that
// disagrees with the open trades, an order of ours cancelled, rejected or modified at the broker —
// asks for a reconciliation at once. The host runs it on the path a (re)connect uses: a snapshot
// whose positions disagree with the store is asked for again [connection] position_recheck later
// before anything is acted on, so a report racing a fill of our own trips nothing. While Running a
// reconciliation also starts every [connection] reconcile_interval: the backstop for what a broker
// does not push (a working order of ours that vanished).
//
// The classifiers are pure; LiveReconcile holds only the timers and one waiting request.
// Threading: loop thread only; timers on the clock given (the host's wall clock).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "slob/sdk/clock.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/records.hpp"

namespace slob::core {

// Why `report` is not what the daemon caused, or nullopt. `journal`: the unresolved journal entry
// of the report's reference before the report is applied (null when there is none: a report of
// an order that is not ours, or a late one of an order already final here, changes nothing).
std::optional<std::string> unexpected_order_report(const sdk::OrderReport& report,
                                                   const sdk::JournalEntry* journal);
// An execution without a slob reference: a trade made outside the bot.
std::optional<std::string> unexpected_execution(const sdk::Execution& execution);
// A position that is not what the open trades add up to (`expected`, signed).
std::optional<std::string> unexpected_position(const sdk::Position& position, std::int64_t expected);

class LiveReconcile {
 public:
  enum class Readiness {
    kNow,        // a reconciliation may start now
    kLater,      // one is being collected (its answer may predate the report), or orders are in
                 // flight: try again when it ends or after the retry delay
    kNotNeeded,  // not Running, or a confirming snapshot is already due: it will see the report
  };
  struct Callbacks {
    std::function<Readiness()> readiness;
    // Starts a reconciliation; `why` names the report (or the periodic backstop).
    std::function<void(const std::string& why)> start;
  };

  // `interval`: the periodic backstop while Running. `retry`: how soon a request that had to
  // wait tries again when nothing else (finished()) lets it go first.
  LiveReconcile(sdk::Clock& clock, sdk::Duration interval, sdk::Duration retry, Callbacks callbacks);
  ~LiveReconcile();
  LiveReconcile(const LiveReconcile&) = delete;
  LiveReconcile& operator=(const LiveReconcile&) = delete;

  // A report the daemon did not cause.
  void request(const std::string& why);
  // The lifecycle entered (true) or left (false) Running. Leaving drops a waiting request: every
  // way back to Running passes a reconciliation of its own.
  void set_running(bool running);
  // A reconciliation ended (acted on, confirmed or dropped): a waiting request goes now.
  void finished();

  std::uint64_t started() const { return started_; }
  const std::string& last_reason() const { return last_reason_; }

 private:
  void attempt();
  void arm_periodic();

  sdk::Clock& clock_;
  sdk::Duration interval_;
  sdk::Duration retry_;
  Callbacks callbacks_;
  bool running_ = false;
  std::optional<std::string> waiting_;  // the first request not started yet
  sdk::TimerId periodic_timer_ = sdk::kNoTimer;
  sdk::TimerId retry_timer_ = sdk::kNoTimer;
  std::uint64_t started_ = 0;
  std::string last_reason_;
};

}  // namespace slob::core
