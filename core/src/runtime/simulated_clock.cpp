#include "runtime/simulated_clock.hpp"

#include <algorithm>

namespace slob::core {

sdk::TimerId SimulatedClock::call_at(sdk::Time when, std::function<void()> fn) {
  const sdk::TimerId id = ++next_id_;
  // After every timer due at or before `when`: the new id is the largest.
  const auto at = std::upper_bound(timers_.begin(), timers_.end(), when,
                                   [](sdk::Time w, const Timer& t) { return w < t.when; });
  timers_.insert(at, Timer{when, id, std::move(fn)});
  return id;
}

void SimulatedClock::cancel(sdk::TimerId id) {
  const auto it = std::find_if(timers_.begin(), timers_.end(),
                               [id](const Timer& t) { return t.id == id; });
  if (it != timers_.end()) timers_.erase(it);
}

void SimulatedClock::advance_to(sdk::Time when) {
  while (!timers_.empty() && timers_.front().when <= when) {
    // Taken out before it runs: the callback may set or cancel timers.
    Timer due = std::move(timers_.front());
    timers_.erase(timers_.begin());
    if (due.when > now_) now_ = due.when;
    due.fn();
  }
  if (when > now_) now_ = when;
}

}  // namespace slob::core
