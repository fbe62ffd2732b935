#include "candidate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace slob::plugins::slob {
namespace {

constexpr const char* kStateNames[] = {"WATCHING_CONSOL", "WATCHING_LIQ2", "WAITING_ENTRY",
                                       "SETUP_COMPLETE", "INVALIDATED"};
constexpr const char* kReasonNames[] = {"",
                                        "market_closed",
                                        "gap_detected",
                                        "consolidation_range_invalid",
                                        "consolidation_timeout",
                                        "no_wick_not_found",
                                        "retracement_exceeded",
                                        "entry_timeout",
                                        "negative_risk_reward"};

std::chrono::minutes mins(std::int64_t n) { return std::chrono::minutes(n); }

// Rule 5 in short space: bullish, lower wick at most `ratio` of the body.
bool is_nowick(const ShortBar& c, const Rules& r) {
  return c.close > c.open && (c.open - c.low) <= r.nowick_max_wick_ratio * (c.close - c.open);
}

}  // namespace

const char* state_name(State s) { return kStateNames[static_cast<int>(s)]; }
const char* reason_name(Reason r) { return kReasonNames[static_cast<int>(r)]; }

std::optional<State> state_from_name(const std::string& name) {
  for (int i = 0; i < 5; ++i)
    if (name == kStateNames[i]) return static_cast<State>(i);
  return std::nullopt;
}

std::optional<Reason> reason_from_name(const std::string& name) {
  for (int i = 0; i < 9; ++i)
    if (name == kReasonNames[i]) return static_cast<Reason>(i);
  return std::nullopt;
}

ShortBar to_short_space(const sdk::Candle& c, sdk::Direction d) {
  if (d == sdk::Direction::kShort) return {c.start, c.open, c.high, c.low, c.close};
  return {c.start, -c.open, -c.low, -c.high, -c.close};
}

double to_real(double p, sdk::Direction d) { return d == sdk::Direction::kShort ? p : -p; }

void Candidate::start(const ShortBar& c) {
  liq1_time = c.start;
  liq1_price = c.high;
  reset_high(c);
}

void Candidate::invalidate(Reason why, sdk::Time when) {
  state = State::kInvalidated;
  reason = why;
  end_time = when;
}

// A new, unconfirmed HIGH on `c`: rules 2-3 start over from this candle.
void Candidate::reset_high(const ShortBar& c) {
  state = State::kWatchingConsol;
  high = c.high;
  high_time = c.start;
  high_count = 0;
  high_confirm_time.reset();
  low = c.low;
  low_time = c.start;
  low_count = 0;
  low_confirm_time.reset();
  nowick_seen.reset();
}

double Candidate::range_pct(double low_price) const {
  return (high - low_price) / std::fabs(high) * 100.0;
}

void Candidate::advance(const ShortBar& c, const Rules& r) {
  if (state == State::kWaitingEntry) {
    ++entry_wait;
    wait_entry(c, r);
    return;
  }
  // Precedence per candidate: timeout, then a break of the HIGH, then the LOW and range rules.
  if (high_confirm_time && c.start - *high_confirm_time > mins(r.consol_max_minutes)) {
    invalidate(Reason::kConsolidationTimeout, c.start);
    return;
  }
  if (c.high > high) {
    if (high_confirm_time && low_confirm_time &&
        c.start - *low_confirm_time >= mins(r.liq2_min_wait_minutes) &&
        c.start - *high_confirm_time >= mins(r.consol_min_minutes)) {
      on_liq2(c, r);
    } else {
      reset_high(c);  // rule 2 (before confirmation) or an early break (rule 4)
    }
    return;
  }
  watch_consolidation(c, r);
}

void Candidate::watch_consolidation(const ShortBar& c, const Rules& r) {
  if (is_nowick(c, r)) nowick_seen = c;
  if (!high_confirm_time) {
    ++high_count;
    if (c.low < low) {
      low = c.low;
      low_time = c.start;
      low_count = 0;
    } else {
      ++low_count;
    }
    if (high_count < r.high_confirm_minutes) return;
    high_confirm_time = c.start;
    // Lows made while the HIGH was being confirmed are checked now.
    if (range_pct(low) > r.max_range_pct) {
      invalidate(Reason::kConsolidationRangeInvalid, c.start);
      return;
    }
  } else if (c.low < low) {
    // A new low (possibly breaking a confirmed LOW, which is then dropped).
    low = c.low;
    low_time = c.start;
    low_count = 0;
    low_confirm_time.reset();
    state = State::kWatchingConsol;
    if (range_pct(low) > r.max_range_pct) {
      invalidate(Reason::kConsolidationRangeInvalid, c.start);
      return;
    }
  } else {
    ++low_count;
  }
  if (!low_confirm_time && low_count >= r.low_confirm_minutes &&
      range_pct(low) >= r.min_range_pct) {
    low_confirm_time = c.start;
    state = State::kWatchingLiq2;
  }
}

void Candidate::on_liq2(const ShortBar& c, const Rules& r) {
  liq2 = c;
  state = State::kWaitingEntry;
  entry_wait = 0;
  spike_high = c.high;
  // The LIQ #2 candle itself is part of the no-wick search; the latest qualifying one wins.
  if (is_nowick(c, r)) nowick_seen = c;
  if (!nowick_seen) {
    invalidate(Reason::kNoWickNotFound, c.start);
    return;
  }
  nowick = nowick_seen;
  wait_entry(c, r);
}

void Candidate::wait_entry(const ShortBar& c, const Rules& r) {
  spike_high = std::max(spike_high, c.high);
  const double allowance = std::min(r.max_retracement_points,
                                    r.max_retracement_pct / 100.0 * std::fabs(nowick->high));
  if (spike_high > nowick->high + allowance) {
    invalidate(Reason::kRetracementExceeded, c.start);
    return;
  }
  if (c.close < nowick->low) {
    trigger(c, r);
    return;
  }
  if (entry_wait >= r.max_entry_wait_candles) invalidate(Reason::kEntryTimeout, c.start);
}

void Candidate::trigger(const ShortBar& c, const Rules& r) {
  entry_time = c.start;
  entry = c.close;
  const double body_top = std::max(liq2->open, liq2->close);
  const double body = std::fabs(liq2->close - liq2->open);
  const double wick = liq2->high - body_top;
  stop = (body > 0 && wick > r.spike_wick_body_ratio * body) ? body_top + r.spike_rule_buffer
                                                              : spike_high + r.sl_buffer;
  const double target_level = direction == sdk::Direction::kShort ? lse_low : -lse_high;
  target = target_level - r.tp_buffer;
  const double risk = *stop - *entry;
  const double reward = *entry - *target;
  if (risk > 0) rr = reward / risk;
  if (risk <= 0 || *rr <= r.min_rr) {
    invalidate(Reason::kNegativeRiskReward, c.start);
    return;
  }
  state = State::kSetupComplete;
  end_time = c.start;
}

}  // namespace slob::plugins::slob
