#pragma once

// The Clock seam: the only source of time for the core and every plugin. Live runs use the
// system clock; replays and tests use a simulated clock that advances only when its driver says
// so, which keeps tests deterministic and replays as fast as the CPU allows.
//
// Threading: every Clock method is called on the event-loop thread, and every timer callback
// runs there.

#include <cstdint>
#include <functional>

#include "slob/sdk/time.hpp"

namespace slob::sdk {

using TimerId = std::uint64_t;
inline constexpr TimerId kNoTimer = 0;

class Clock {
 public:
  virtual ~Clock() = default;

  virtual Time now() const = 0;

  // Runs `fn` on the loop once the clock reaches `when` (at once, but never inline, when `when`
  // is already past). Returns an id for cancel(); never kNoTimer.
  virtual TimerId call_at(Time when, std::function<void()> fn) = 0;

  TimerId call_after(Duration delay, std::function<void()> fn) {
    return call_at(now() + delay, std::move(fn));
  }

  // Cancels a timer that has not fired. Unknown or fired ids are ignored.
  virtual void cancel(TimerId id) = 0;
};

// Offered to the one plugin that drives simulated time (the sim broker replaying data). Moving
// time forward fires, in time order, every timer due up to and including `when`.
class ClockDriver {
 public:
  virtual ~ClockDriver() = default;
  // Precondition: `when` >= clock.now(); earlier times are ignored.
  virtual void advance_to(Time when) = 0;
};

}  // namespace slob::sdk
