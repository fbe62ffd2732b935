#pragma once

// The bounded shutdown of ARCHITECTURE §8: ordered asynchronous steps, each logged as
// "shutdown i/N: <step>", each bounded by a per-step timeout, all bounded by a total timeout.
//
// - A step that does not finish in time is logged as timed out and the sequence moves on: later
//   steps (persisting state, disconnecting) still matter. The outcome is then "unclean".
// - The total timeout, or abort() (a second signal), ends the process at once with exit code 1
//   and one log line naming every step left undone. State is already durable by then: every
//   commit the host makes is synchronous.
// - A step that blocks the loop thread cannot be interrupted on the loop; the HardDeadline thread
//   ends the process when the total timeout passes regardless (hard_deadline.hpp).
//
// Timers use the wall clock: a replay's simulated time must not stretch a shutdown.

#include <functional>
#include <string>
#include <vector>

#include "runtime/hard_deadline.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"

namespace slob::core {

struct ShutdownStep {
  std::string name;
  // Runs on the loop; calls `done` (on the loop) when finished. May call it synchronously.
  std::function<void(std::function<void()> done)> run;
};

class ShutdownSequence {
 public:
  // `exit_now(code)` ends the process; tests substitute their own.
  ShutdownSequence(sdk::Clock& wall_clock, sdk::Logger& logger,
                   std::function<void(int code)> exit_now);

  // Starts the steps. `finished(clean)` runs on the loop after the last step.
  void start(std::vector<ShutdownStep> steps, sdk::Duration total, sdk::Duration per_step,
             std::function<void(bool clean)> finished);

  bool started() const { return started_; }

  // A second signal: log what is left undone and exit(1) at once.
  void abort(const std::string& why);

 private:
  void run_step(std::size_t index);
  void step_done(std::size_t index, bool timed_out);
  std::string undone_from(std::size_t index) const;

  sdk::Clock& clock_;
  sdk::Logger& logger_;
  std::function<void(int)> exit_now_;
  std::vector<ShutdownStep> steps_;
  sdk::Duration per_step_{0};
  std::function<void(bool)> finished_;
  std::size_t current_ = 0;
  bool started_ = false;
  bool clean_ = true;
  sdk::TimerId step_timer_ = sdk::kNoTimer;
  sdk::TimerId total_timer_ = sdk::kNoTimer;
  HardDeadline deadline_;
};

}  // namespace slob::core
