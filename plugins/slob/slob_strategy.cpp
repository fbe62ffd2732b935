#include "slob_strategy.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace slob::plugins::slob {
namespace {

constexpr auto kMinute = std::chrono::minutes(1);

std::int64_t minutes_between(sdk::Time from, sdk::Time to) {
  return std::chrono::duration_cast<std::chrono::minutes>(to - from).count();
}

bool on_minute(sdk::Time t) { return t.time_since_epoch() % kMinute == sdk::Duration::zero(); }

sdk::Status check_candle(const sdk::Candle& c, const std::optional<sdk::Candle>& last) {
  // Messages are built only on failure: this runs for every candle.
  auto fail = [&](const std::string& why) {
    return sdk::Status::invalid_argument("candle " + sdk::format_rfc3339(c.start) + " " + why);
  };
  if (!on_minute(c.start)) return fail("is not on a minute");
  for (double v : {c.open, c.high, c.low, c.close, c.volume})
    if (!std::isfinite(v)) return fail("has a non-finite value");
  if (c.low > c.open || c.low > c.close || c.high < c.open || c.high < c.close)
    return fail("is inconsistent (need low <= open, close <= high)");
  if (last && c.start <= last->start)
    return fail("is not after the previous candle " + sdk::format_rfc3339(last->start));
  return sdk::Status::ok();
}

// How a candidate in `s` stands, in the SDK's words (the core counts setups by this).
sdk::SetupOutcome setup_outcome(State s) {
  switch (s) {
    case State::kSetupComplete: return sdk::SetupOutcome::kComplete;
    case State::kInvalidated: return sdk::SetupOutcome::kInvalidated;
    case State::kWatchingConsol:
    case State::kWatchingLiq2:
    case State::kWaitingEntry: return sdk::SetupOutcome::kActive;
  }
  return sdk::SetupOutcome::kActive;
}

}  // namespace

SlobStrategy::SlobStrategy(const SlobConfig& config, sdk::Logger& logger)
    : config_(config), calendar_(config), logger_(logger) {}

void SlobStrategy::enter_day(sdk::Time t) {
  if (day_ && day_->contains(t)) return;
  day_ = calendar_.day_of(t);
  lse_high_.reset();
  lse_low_.reset();
}

void SlobStrategy::end_all(Reason why, sdk::Time when) {
  for (Slot& s : slots_)
    if (s.candidate.active()) s.candidate.invalidate(why, when);
}

sdk::Result<sdk::StrategyOutput> SlobStrategy::on_candle(const sdk::Candle& c) {
  if (auto st = check_candle(c, last_candle_); !st) return st;
  enter_day(c.start);

  // Rules 9 and 8 come before any candidate sees the candle.
  for (Slot& s : slots_)
    if (c.start >= s.candidate.cutoff) s.candidate.invalidate(Reason::kMarketClosed, c.start);
  if (last_candle_) {
    const std::int64_t missing = minutes_between(last_candle_->start, c.start) - 1;
    if (missing > config_.rules.max_missing_minutes || c.low > last_candle_->high ||
        c.high < last_candle_->low) {
      end_all(Reason::kGapDetected, c.start);
    }
  }
  for (Slot& s : slots_) {
    if (s.candidate.active())
      s.candidate.advance(to_short_space(c, s.candidate.direction), config_.rules);
  }

  if (day_->in_london(c.start)) {
    lse_high_ = lse_high_ ? std::max(*lse_high_, c.high) : c.high;
    lse_low_ = lse_low_ ? std::min(*lse_low_, c.low) : c.low;
  }
  last_candle_ = c;

  create_candidates(c);
  sdk::StrategyOutput out;
  publish(c.start, out);
  return out;
}

void SlobStrategy::create_candidates(const sdk::Candle& c) {
  if (day_->weekend || !day_->in_new_york(c.start) || !lse_high_ || !lse_low_) return;
  for (sdk::Direction d : {sdk::Direction::kShort, sdk::Direction::kLong}) {
    const bool beyond = d == sdk::Direction::kShort ? c.high > *lse_high_ : c.low < *lse_low_;
    if (!beyond) continue;
    const bool taken = std::any_of(slots_.begin(), slots_.end(), [d](const Slot& s) {
      return s.candidate.direction == d && s.candidate.active();
    });
    if (taken) continue;
    Candidate cand;
    cand.direction = d;
    cand.trading_day = day_->key;
    // Unique: one LIQ #1 minute per direction, and the New York window never spans a repeated
    // wall-clock hour (those fall on Sundays, which create nothing).
    cand.id = day_->key + (d == sdk::Direction::kShort ? "-S-" : "-L-") + calendar_.local_hhmm(c.start);
    cand.cutoff = day_->cutoff;
    cand.lse_high = *lse_high_;
    cand.lse_low = *lse_low_;
    cand.start(to_short_space(c, d));
    logger_.info("SLOB_SETUP_CREATED", cand.id + " LIQ #1 at " + sdk::format_rfc3339(c.start));
    slots_.push_back(Slot{std::move(cand), std::nullopt});
  }
}

void SlobStrategy::publish(sdk::Time when, sdk::StrategyOutput& out) {
  for (Slot& s : slots_) {
    const ReportView view = report_view(s.candidate);
    if (s.reported && *s.reported == view) continue;
    s.reported = view;
    const Candidate& c = s.candidate;
    sdk::SetupUpdate update{setup_record(c, view, when), setup_outcome(c.state)};
    if (c.state == State::kSetupComplete) {
      out.intents.push_back(sdk::BracketIntent{c.id, c.direction, *view.entry, *view.stop,
                                               *view.target, *c.entry_time});
      logger_.info("SLOB_SETUP_COMPLETE", update.record.report);
    } else if (c.state == State::kInvalidated) {
      logger_.info("SLOB_SETUP_INVALIDATED", c.id + " " + reason_name(c.reason));
    }
    out.updates.push_back(std::move(update));
  }
  slots_.erase(std::remove_if(slots_.begin(), slots_.end(),
                              [](const Slot& s) { return !s.candidate.active(); }),
               slots_.end());
}

sdk::Result<sdk::StrategyOutput> SlobStrategy::on_hole(sdk::Time minute) {
  if (!on_minute(minute))
    return sdk::Status::invalid_argument("hole " + sdk::format_rfc3339(minute) + " is not on a minute");
  sdk::StrategyOutput out;
  if (!last_candle_) return out;  // nothing can be active before the first candle
  if (minute <= last_candle_->start) {
    return sdk::Status::invalid_argument("hole " + sdk::format_rfc3339(minute) +
                                         " is not after the last candle " +
                                         sdk::format_rfc3339(last_candle_->start));
  }
  const std::int64_t missing = minutes_between(last_candle_->start, minute);
  for (Slot& s : slots_) {
    if (minute >= s.candidate.cutoff) s.candidate.invalidate(Reason::kMarketClosed, minute);
    else if (missing > config_.rules.max_missing_minutes)
      s.candidate.invalidate(Reason::kGapDetected, minute);
  }
  publish(minute, out);
  return out;
}

sdk::Result<std::string> SlobStrategy::export_state() const {
  EngineState s;
  s.last_candle = last_candle_;
  if (last_candle_) s.day = day_->key;
  s.lse_high = lse_high_;
  s.lse_low = lse_low_;
  for (const Slot& slot : slots_) s.candidates.push_back(slot.candidate);
  return encode_state(s);
}

sdk::Status SlobStrategy::import_state(std::string_view text) {
  auto decoded = decode_state(text);
  if (!decoded) return decoded.status();
  EngineState& s = *decoded;
  std::optional<TradingDay> day;
  if (s.last_candle) {
    day = calendar_.day_of(s.last_candle->start);
    if (day->key != s.day) {
      return sdk::Status::failed_precondition(
          "slob state: its last candle " + sdk::format_rfc3339(s.last_candle->start) +
          " was on trading day " + s.day + ", the configured timezone puts it on " + day->key);
    }
  }
  bool seen[2] = {false, false};
  for (const Candidate& c : s.candidates) {
    bool& dir_seen = seen[c.direction == sdk::Direction::kShort ? 0 : 1];
    if (dir_seen) return sdk::Status::corruption("slob state: two active candidates of one direction");
    dir_seen = true;
  }
  day_ = day;
  lse_high_ = s.lse_high;
  lse_low_ = s.lse_low;
  last_candle_ = s.last_candle;
  slots_.clear();
  for (Candidate& c : s.candidates) {
    ReportView view = report_view(c);
    slots_.push_back(Slot{std::move(c), view});
  }
  return sdk::Status::ok();
}

std::vector<Candidate> SlobStrategy::active_candidates() const {
  std::vector<Candidate> out;
  for (const Slot& s : slots_) out.push_back(s.candidate);
  return out;
}

}  // namespace slob::plugins::slob
