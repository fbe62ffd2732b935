#pragma once

// The reconnect policy (ARCHITECTURE §5), owned by the core; brokers make single attempts.
//
// First attempt at once, then backoff_initial doubling up to backoff_max, each delay jittered to
// a random point in [delay/2, delay] so a fleet of daemons does not reconnect in lockstep after a
// gateway restart. `startup_attempts` bound the first connection, `runtime_attempts` each
// recovery after a loss; when they run out, `on_exhausted` fires (the host enters safe mode).
// Attempts that fail during a maintenance window are retried but not counted. A failure the
// broker calls fatal (retrying soon cannot help, e.g. clientId in use) is followed by the longest
// delay, backoff_max, instead of the doubling step: no tight loop against a gateway that keeps
// refusing us.
//
// Threading: loop thread only. Time: the market Clock (simulated in tests).

#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "slob/sdk/clock.hpp"

namespace slob::core {

struct BackoffPolicy {
  sdk::Duration initial = std::chrono::seconds(1);
  sdk::Duration max = std::chrono::seconds(60);
  std::int64_t startup_attempts = 10;
  std::int64_t runtime_attempts = 5;
};

class ConnectionSupervisor {
 public:
  struct Callbacks {
    std::function<void(std::int64_t attempt)> attempt;        // make one connection attempt
    std::function<void(std::int64_t attempts)> on_exhausted;  // give up: safe mode
    std::function<bool()> in_maintenance;                     // failures here are not counted
  };

  ConnectionSupervisor(sdk::Clock& clock, BackoffPolicy policy, Callbacks callbacks,
                       std::uint32_t seed);
  ~ConnectionSupervisor();

  // Starts the first connection (startup budget) or a recovery after a loss (runtime budget).
  void start_initial();
  void start_after_loss();
  // The outcome of the attempt in flight.
  void attempt_failed(const std::string& why, bool fatal = false);
  void connected();
  // Keep retrying forever at backoff_max (safe mode still wants market data and status).
  void retry_slowly();
  void cancel();

  std::int64_t attempts() const { return attempts_; }
  // Why the last failed attempt failed (for the safe-mode reason).
  const std::string& last_failure() const { return last_failure_; }
  bool waiting() const { return timer_ != sdk::kNoTimer; }
  // The delay before attempt number `n` (n >= 2) before jitter; attempt 1 has none.
  sdk::Duration base_delay(std::int64_t n) const;

 private:
  void schedule_next(bool longest = false);
  void fire();

  sdk::Clock& clock_;
  BackoffPolicy policy_;
  Callbacks callbacks_;
  std::minstd_rand rng_;
  std::int64_t budget_ = 0;
  std::int64_t attempts_ = 0;   // attempts counted toward the budget
  std::int64_t made_ = 0;       // attempts made in this round, counted or not
  bool slow_ = false;
  bool in_flight_ = false;
  std::string last_failure_;
  sdk::TimerId timer_ = sdk::kNoTimer;
};

}  // namespace slob::core
