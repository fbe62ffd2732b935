#include "trading/candle_builder.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace slob::core {
namespace {

constexpr sdk::Duration kMinute = std::chrono::minutes(1);

sdk::Time minute_of(sdk::Time t) { return std::chrono::floor<std::chrono::minutes>(t); }

bool well_formed(const sdk::Bar& b) {
  for (double v : {b.open, b.high, b.low, b.close, b.volume})
    if (!std::isfinite(v)) return false;
  if (b.low > b.open || b.low > b.close || b.high < b.open || b.high < b.close || b.volume < 0)
    return false;
  if (b.span == sdk::Duration::zero()) return true;
  // A divisor of a minute, aligned to itself, so it never straddles a minute boundary.
  if (b.span < sdk::Duration::zero() || kMinute % b.span != sdk::Duration::zero()) return false;
  return b.start.time_since_epoch() % b.span == sdk::Duration::zero();
}

}  // namespace

CandleBuilder::CandleBuilder(sdk::Clock& clock, sdk::Logger& logger, Options options,
                             CandleFn on_candle, HoleFn on_hole)
    : clock_(clock),
      logger_(logger),
      options_(options),
      on_candle_(std::move(on_candle)),
      on_hole_(std::move(on_hole)) {}

CandleBuilder::~CandleBuilder() {
  if (timer_ != sdk::kNoTimer) clock_.cancel(timer_);
}

void CandleBuilder::resume_after(sdk::Time minute) {
  last_closed_ = minute_of(minute);
  hole_run_ = 0;
  arm_timer();
}

void CandleBuilder::drop(std::uint64_t& counter, const char* why, const sdk::Bar& bar) {
  ++counter;
  logger_.warn("SLOB_CANDLE_INPUT_DROPPED",
               std::string(why) + ": bar at " + sdk::format_rfc3339(bar.start) + " span " +
                   std::to_string(bar.span.count()) + "us" + (bar.backfill ? " (backfill)" : "") +
                   "; dropped so far " + std::to_string(dropped_count()));
}

void CandleBuilder::on_bar(const sdk::Bar& bar) {
  if (!well_formed(bar)) return drop(counters_.dropped_malformed, "malformed", bar);
  const sdk::Time minute = minute_of(bar.start);
  if (last_closed_ && minute <= *last_closed_)
    return drop(counters_.dropped_late, "late (minute already closed)", bar);
  const sdk::Time data_end = bar.start + bar.span;
  const bool full_minute = bar.span == kMinute;

  if (open_ && minute < open_->candle.start)
    return drop(counters_.dropped_late, "late (a later minute has data)", bar);
  if (open_ && minute == open_->candle.start) {
    if (full_minute || bar.start < open_->data_end)
      return drop(counters_.dropped_out_of_order, "out of order or duplicate", bar);
    sdk::Candle& c = open_->candle;
    c.high = std::max(c.high, bar.high);
    c.low = std::min(c.low, bar.low);
    c.close = bar.close;
    c.volume += bar.volume;
    open_->data_end = data_end;
    if (bar.span > sdk::Duration::zero() && data_end == minute + kMinute) close_open();
    return;
  }
  if (open_) close_open();  // data for a later minute: the open one can get nothing more

  holes_before(minute);
  open_ = OpenMinute{sdk::Candle{minute, bar.open, bar.high, bar.low, bar.close, bar.volume},
                     data_end};
  hole_run_ = 0;
  if (bar.span > sdk::Duration::zero() && data_end == minute + kMinute) close_open();
  else arm_timer();
}

void CandleBuilder::holes_before(sdk::Time minute) {
  while (last_closed_ && hole_run_ < options_.max_hole_run && *last_closed_ + kMinute < minute) {
    const sdk::Time hole = *last_closed_ + kMinute;
    last_closed_ = hole;
    ++hole_run_;
    ++counters_.holes;
    on_hole_(hole);
  }
}

void CandleBuilder::close_open() {
  const sdk::Candle candle = open_->candle;
  open_.reset();
  last_closed_ = candle.start;
  hole_run_ = 0;
  ++counters_.candles;
  arm_timer();
  on_candle_(candle);
}

void CandleBuilder::arm_timer() {
  if (timer_ != sdk::kNoTimer) clock_.cancel(timer_);
  timer_ = sdk::kNoTimer;
  sdk::Time minute;
  if (open_) minute = open_->candle.start;
  else if (last_closed_ && hole_run_ < options_.max_hole_run) minute = *last_closed_ + kMinute;
  else return;
  timer_ = clock_.call_at(minute + kMinute + options_.close_grace, [this] { on_timer(); });
}

void CandleBuilder::on_timer() {
  timer_ = sdk::kNoTimer;
  if (open_) return close_open();
  if (!last_closed_ || hole_run_ >= options_.max_hole_run) return;
  const sdk::Time hole = *last_closed_ + kMinute;
  last_closed_ = hole;
  ++hole_run_;
  ++counters_.holes;
  arm_timer();
  on_hole_(hole);
}

}  // namespace slob::core
