#pragma once

// Builds completed 1-minute candles from what a broker delivers: 5-second bars, 1-minute bars
// (live or backfilled) or ticks (Bar::span == 0). Candles carry the broker's own times, aligned
// down to the minute, never the time of receipt.
//
// When a minute closes:
// - at once when it is known complete: a 1-minute bar, or a bar that ends on the minute boundary
//   (the 5-second bar starting at :55);
// - when a bar for a later minute arrives (the broker has moved on, so the minute can get nothing
//   more);
// - otherwise by the Clock at minute end + Options::close_grace. Never by waiting for the next
//   tick.
//
// Holes: a minute without data is never invented into a candle. It is reported through on_hole,
// in time order and before the next candle, for at most Options::max_hole_run consecutive
// minutes after the last minute with data (or after resume_after()); then the builder stays
// silent until data returns, so overnight and weekend silence cost a handful of calls, not one
// per minute. A hole is reported by the Clock (minute end + grace with no data) or, when a later
// minute's data arrives first, at once on that arrival. Before the first data (and without
// resume_after) nothing is reported. Which holes are reported depends only on the minutes that
// have data, not on timing, so a replay and a live run report the same holes.
//
// Dropped input (counted, one warning each, never merged into a closed candle):
// - late: a bar for a minute already closed or a hole already reported, or at or before the
//   resume_after() point (backfill overlapping what was already handled);
// - out of order: a bar inside the open minute that starts before the previous bar's end (a
//   repeated 5-second bar), or a 1-minute bar for a minute that already has data;
// - malformed: a span that is not 0, a divisor of 60 s, or 60 s; a bar not aligned to its span
//   or crossing a minute boundary; non-finite or inconsistent prices.
// 1-minute bars are taken as complete: a broker must not deliver the minute in progress as one.
//
// Threading: loop thread only (the Clock's timers run there). Callbacks run synchronously from
// on_bar() or from a Clock timer; they must not destroy the builder. The destructor cancels the
// pending timer, so the builder must outlive nothing but itself.

#include <cstdint>
#include <functional>
#include <optional>

#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/market.hpp"

namespace slob::core {

class CandleBuilder {
 public:
  struct Options {
    sdk::Duration close_grace = std::chrono::seconds(2);
    int max_hole_run = 5;
  };

  struct Counters {
    std::uint64_t candles = 0;
    std::uint64_t holes = 0;
    std::uint64_t dropped_late = 0;
    std::uint64_t dropped_out_of_order = 0;
    std::uint64_t dropped_malformed = 0;
  };

  using CandleFn = std::function<void(const sdk::Candle&)>;
  using HoleFn = std::function<void(sdk::Time minute_start)>;

  // `clock` and `logger` must outlive the builder.
  CandleBuilder(sdk::Clock& clock, sdk::Logger& logger, Options options, CandleFn on_candle,
                HoleFn on_hole);
  ~CandleBuilder();
  CandleBuilder(const CandleBuilder&) = delete;
  CandleBuilder& operator=(const CandleBuilder&) = delete;

  void on_bar(const sdk::Bar& bar);

  // Everything up to and including the minute starting at `minute` was handled before (a
  // restart): bars for it or earlier are dropped as late, and hole reporting resumes after it.
  // Call before the first bar.
  void resume_after(sdk::Time minute);

  // Start of the last minute closed as a candle or reported as a hole.
  std::optional<sdk::Time> last_closed() const { return last_closed_; }
  const Counters& counters() const { return counters_; }
  std::uint64_t dropped_count() const {
    return counters_.dropped_late + counters_.dropped_out_of_order + counters_.dropped_malformed;
  }

 private:
  struct OpenMinute {
    sdk::Candle candle;
    sdk::Time data_end;  // end of the last bar merged (its time for a tick)
  };

  void drop(std::uint64_t& counter, const char* why, const sdk::Bar& bar);
  // Reports holes for minutes before `minute` that are due (within the run limit).
  void holes_before(sdk::Time minute);
  void close_open();
  void arm_timer();
  void on_timer();

  sdk::Clock& clock_;
  sdk::Logger& logger_;
  Options options_;
  CandleFn on_candle_;
  HoleFn on_hole_;

  std::optional<OpenMinute> open_;
  std::optional<sdk::Time> last_closed_;  // last minute closed or reported as a hole
  int hole_run_ = 0;                      // holes reported since the last minute with data
  sdk::TimerId timer_ = sdk::kNoTimer;
  Counters counters_;
};

}  // namespace slob::core
