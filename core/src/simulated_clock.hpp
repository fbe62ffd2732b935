#pragma once

// Simulated time for replays and tests: now() moves only through advance_to(), called by the
// plugin that replays data (the sim broker) via sdk::ClockDriver. Due timers fire in time order,
// inline in advance_to(), on the loop thread.

#include <functional>
#include <map>
#include <utility>

#include "slob/sdk/clock.hpp"

namespace slob::core {

class SimulatedClock final : public sdk::Clock, public sdk::ClockDriver {
 public:
  explicit SimulatedClock(sdk::Time start = sdk::Time{}) : now_(start) {}

  sdk::Time now() const override { return now_; }
  sdk::TimerId call_at(sdk::Time when, std::function<void()> fn) override;
  void cancel(sdk::TimerId id) override;
  void advance_to(sdk::Time when) override;
  void advance(sdk::Duration d) { advance_to(now_ + d); }

  std::size_t pending_timers() const { return timers_.size(); }

 private:
  sdk::Time now_;
  sdk::TimerId next_id_ = 0;
  std::map<std::pair<sdk::Time, sdk::TimerId>, std::function<void()>> timers_;
  std::map<sdk::TimerId, sdk::Time> due_;
};

}  // namespace slob::core
