#include "observers/outage_alarm.hpp"

#include <utility>

namespace slob::core {

OutageAlarm::OutageAlarm(sdk::Clock& clock, sdk::Duration after, Callbacks callbacks)
    : clock_(clock), after_(after), callbacks_(std::move(callbacks)) {}

OutageAlarm::~OutageAlarm() {
  if (timer_ != sdk::kNoTimer) clock_.cancel(timer_);
}

void OutageAlarm::begin(const std::string& why) {
  if (since_) return;
  since_ = clock_.now();
  why_ = why;
  arm();
}

void OutageAlarm::arm() {
  timer_ = clock_.call_after(after_, [this] {
    timer_ = sdk::kNoTimer;
    if (!since_ || raised_) return;
    if (callbacks_.may_raise && !callbacks_.may_raise()) {
      arm();
      return;
    }
    raised_ = true;
    callbacks_.raised(*since_, why_);
  });
}

void OutageAlarm::end() {
  if (!since_) return;
  const sdk::Time since = *since_;
  const bool was_raised = raised_;
  reset();
  if (was_raised) callbacks_.cleared(since, why_);
}

void OutageAlarm::reset() {
  if (timer_ != sdk::kNoTimer) clock_.cancel(timer_);
  timer_ = sdk::kNoTimer;
  since_.reset();
  raised_ = false;
}

}  // namespace slob::core
