#include "runtime/shutdown_sequence.hpp"

#include <chrono>

namespace slob::core {

ShutdownSequence::ShutdownSequence(sdk::Clock& wall_clock, sdk::Logger& logger,
                                   std::function<void(int)> exit_now)
    : clock_(wall_clock), logger_(logger), exit_now_(std::move(exit_now)) {}

void ShutdownSequence::start(std::vector<ShutdownStep> steps, sdk::Duration total,
                             sdk::Duration per_step, std::function<void(bool)> finished) {
  if (started_) return;
  started_ = true;
  steps_ = std::move(steps);
  per_step_ = per_step;
  finished_ = std::move(finished);
  deadline_.arm(total + std::chrono::milliseconds(500),
                "SLOB_SHUTDOWN_HARD_DEADLINE: shutdown blocked past shutdown_timeout; exiting "
                "with code 1; left undone: ");
  deadline_.note(undone_from(0));
  total_timer_ = clock_.call_after(total, [this, total] {
    total_timer_ = sdk::kNoTimer;
    logger_.error("SLOB_SHUTDOWN_TIMEOUT", "shutdown_timeout of " + sdk::format_duration(total) +
                                               " reached; exiting with code 1; left undone: " +
                                               undone_from(current_));
    exit_now_(1);
  });
  run_step(0);
}

void ShutdownSequence::abort(const std::string& why) {
  logger_.warn("SLOB_SHUTDOWN_ABORTED",
               why + ": exiting at once with code 1; left undone: " + undone_from(current_));
  exit_now_(1);
}

std::string ShutdownSequence::undone_from(std::size_t index) const {
  std::string out;
  for (std::size_t i = index; i < steps_.size(); ++i) out += (out.empty() ? "" : ", ") + steps_[i].name;
  return out.empty() ? "nothing" : out;
}

void ShutdownSequence::run_step(std::size_t index) {
  current_ = index;
  deadline_.note(undone_from(index));
  if (index == steps_.size()) {
    if (total_timer_ != sdk::kNoTimer) clock_.cancel(total_timer_);
    deadline_.disarm();
    finished_(clean_);
    return;
  }
  const std::string n = std::to_string(steps_.size());
  logger_.info("SLOB_SHUTDOWN_STEP",
               "shutdown " + std::to_string(index + 1) + "/" + n + ": " + steps_[index].name);
  auto done_once = std::make_shared<bool>(false);
  step_timer_ = clock_.call_after(per_step_, [this, index, done_once] {
    step_timer_ = sdk::kNoTimer;
    if (*done_once) return;
    *done_once = true;
    step_done(index, /*timed_out=*/true);
  });
  steps_[index].run([this, index, done_once] {
    if (*done_once) return;  // already timed out: a late completion changes nothing
    *done_once = true;
    if (step_timer_ != sdk::kNoTimer) clock_.cancel(step_timer_);
    step_timer_ = sdk::kNoTimer;
    step_done(index, /*timed_out=*/false);
  });
}

void ShutdownSequence::step_done(std::size_t index, bool timed_out) {
  if (timed_out) {
    clean_ = false;
    logger_.error("SLOB_SHUTDOWN_STEP_TIMEOUT",
                  "shutdown " + std::to_string(index + 1) + "/" + std::to_string(steps_.size()) +
                      ": " + steps_[index].name + " did not finish within " +
                      sdk::format_duration(per_step_) + "; moving on");
  }
  // Never recurse through a synchronous completion: the next step runs from a fresh handler.
  clock_.call_after(sdk::Duration::zero(), [this, index] { run_step(index + 1); });
}

}  // namespace slob::core
