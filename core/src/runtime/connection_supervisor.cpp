#include "runtime/connection_supervisor.hpp"

#include <algorithm>

namespace slob::core {

ConnectionSupervisor::ConnectionSupervisor(sdk::Clock& clock, BackoffPolicy policy,
                                           Callbacks callbacks, std::uint32_t seed)
    : clock_(clock), policy_(policy), callbacks_(std::move(callbacks)), rng_(seed) {}

ConnectionSupervisor::~ConnectionSupervisor() { cancel(); }

void ConnectionSupervisor::start_initial() {
  cancel();
  budget_ = policy_.startup_attempts;
  attempts_ = made_ = 0;
  slow_ = false;
  fire();  // first attempt at once
}

void ConnectionSupervisor::start_after_loss() {
  cancel();
  budget_ = policy_.runtime_attempts;
  attempts_ = made_ = 0;
  slow_ = false;
  fire();
}

void ConnectionSupervisor::retry_slowly() {
  cancel();
  slow_ = true;
  schedule_next();
}

void ConnectionSupervisor::cancel() {
  if (timer_ != sdk::kNoTimer) clock_.cancel(timer_);
  timer_ = sdk::kNoTimer;
  in_flight_ = false;
}

sdk::Duration ConnectionSupervisor::base_delay(std::int64_t n) const {
  sdk::Duration d = policy_.initial;
  for (std::int64_t i = 2; i < n && d < policy_.max; ++i) d *= 2;
  return std::min(d, policy_.max);
}

void ConnectionSupervisor::fire() {
  timer_ = sdk::kNoTimer;
  in_flight_ = true;
  ++made_;
  const bool counted = !(callbacks_.in_maintenance && callbacks_.in_maintenance());
  if (counted && !slow_) ++attempts_;
  callbacks_.attempt(made_);
}

void ConnectionSupervisor::attempt_failed(const std::string& why, bool fatal) {
  if (!in_flight_) return;
  in_flight_ = false;
  last_failure_ = why;
  if (!slow_ && attempts_ >= budget_) {
    callbacks_.on_exhausted(attempts_);
    return;
  }
  schedule_next(fatal);
}

void ConnectionSupervisor::connected() {
  in_flight_ = false;
  cancel();
  attempts_ = made_ = 0;
}

void ConnectionSupervisor::schedule_next(bool longest) {
  const sdk::Duration base = slow_ || longest ? policy_.max : base_delay(made_ + 1);
  std::uniform_int_distribution<std::int64_t> jitter(base.count() / 2, base.count());
  timer_ = clock_.call_after(sdk::Duration(jitter(rng_)), [this] { fire(); });
}

}  // namespace slob::core
