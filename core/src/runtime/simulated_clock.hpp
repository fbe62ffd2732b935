#pragma once

// Simulated time for replays and tests: now() moves only through advance_to(), called by the
// plugin that replays data (the sim broker) via sdk::ClockDriver. Due timers fire in time order
// (equal times in the order they were set), inline in advance_to(), on the loop thread.
//
// The pending timers are a sorted vector, not a tree: a replay has a handful at a time, and the
// candle builder re-arms its close timer on every candle, so node allocations on each
// call_at()/cancel() cost more than moving a few elements.

#include <functional>
#include <vector>

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
  struct Timer {
    sdk::Time when;
    sdk::TimerId id;
    std::function<void()> fn;
  };

  sdk::TimerId next_id_ = 0;
  std::vector<Timer> timers_;  // by `when`, then by id (ids only grow)
};

}  // namespace slob::core
