#pragma once

// One setup candidate and its state machine (slob-rules.md, rules 2-7).
//
// The rules are written for SHORT; LONG is their exact mirror. A candidate therefore works in
// "short space": LONG candles are negated on the way in (high' = -low, open' = -open, ...), which
// turns every LONG rule into the SHORT rule, exactly (negation of a double is exact). Percentages
// use the magnitude of the reference price, so LONG's range divides by its LOW and its
// retracement is a percentage of the no-wick low, as the rules say. Reports negate back.
//
// Not thread-safe; owned by SlobStrategy.

#include <cstdint>
#include <optional>
#include <string>

#include "slob/sdk/market.hpp"
#include "slob/sdk/orders.hpp"
#include "slob_config.hpp"

namespace slob::plugins::slob {

enum class State { kWatchingConsol, kWatchingLiq2, kWaitingEntry, kSetupComplete, kInvalidated };

enum class Reason {
  kNone,
  kMarketClosed,
  kGapDetected,
  kConsolidationRangeInvalid,
  kConsolidationTimeout,
  kNoWickNotFound,
  kRetracementExceeded,
  kEntryTimeout,
  kNegativeRiskReward,
};

const char* state_name(State s);
const char* reason_name(Reason r);
// Inverse of state_name / reason_name; nullopt for an unknown name.
std::optional<State> state_from_name(const std::string& name);
std::optional<Reason> reason_from_name(const std::string& name);

// A candle in short space (see the header comment).
struct ShortBar {
  sdk::Time start;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
};

// `c` seen by a candidate of direction `d`.
ShortBar to_short_space(const sdk::Candle& c, sdk::Direction d);
// A price of short space back in real prices.
double to_real(double short_space_price, sdk::Direction d);

struct Candidate {
  std::string id;
  sdk::Direction direction = sdk::Direction::kShort;
  std::string trading_day;
  sdk::Time cutoff;  // of the trading day the candidate was created on
  double lse_high = 0;  // real prices of that day's London window
  double lse_low = 0;

  State state = State::kWatchingConsol;
  Reason reason = Reason::kNone;
  std::optional<sdk::Time> end_time;  // start of the candle (or hole) that finished it

  // Everything below is in short space.
  sdk::Time liq1_time;
  double liq1_price = 0;

  double high = 0;  // consolidation HIGH: highest high since LIQ #1
  sdk::Time high_time;
  std::int64_t high_count = 0;  // following candles at or below it
  std::optional<sdk::Time> high_confirm_time;

  double low = 0;  // LOW candidate: lowest low from the HIGH's candle on
  sdk::Time low_time;
  std::int64_t low_count = 0;
  std::optional<sdk::Time> low_confirm_time;

  // Latest qualifying no-wick candle after the HIGH's candle (rule 5), tracked as candles pass.
  std::optional<ShortBar> nowick_seen;
  // The one chosen at LIQ #2.
  std::optional<ShortBar> nowick;

  std::optional<ShortBar> liq2;
  double spike_high = 0;
  std::int64_t entry_wait = 0;  // candles seen after the LIQ #2 candle

  std::optional<sdk::Time> entry_time;
  std::optional<double> entry;
  std::optional<double> stop;
  std::optional<double> target;
  std::optional<double> rr;

  bool active() const { return state != State::kSetupComplete && state != State::kInvalidated; }

  // Starts a candidate on its LIQ #1 candle `c` (short space).
  void start(const ShortBar& c);

  // Rules 2-7 for one candle (short space). The caller applied cut-off and gap first.
  void advance(const ShortBar& c, const Rules& rules);

  void invalidate(Reason why, sdk::Time when);

 private:
  void reset_high(const ShortBar& c);
  void watch_consolidation(const ShortBar& c, const Rules& rules);
  void on_liq2(const ShortBar& c, const Rules& rules);
  void wait_entry(const ShortBar& c, const Rules& rules);
  void trigger(const ShortBar& c, const Rules& rules);
  double range_pct(double low_price) const;
};

}  // namespace slob::plugins::slob
