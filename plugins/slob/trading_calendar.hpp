#pragma once

// Trading days and their sessions as UTC instants, DST-correct through the system tz database.
//
// The trading day is the calendar date of the configured `timezone` (Europe/Stockholm), as
// sdk::trading_day computes it for the host's risk day too (slob/sdk/trading_day.hpp). Each
// session time is the wall-clock time on that same date in its own zone: on 2026-03-16 New York
// is already on summer time, so "09:30 America/New_York" is 13:30 UTC = 14:30 Stockholm, while on
// 2026-01-06 it is 14:30 UTC = 15:30 Stockholm. A wall time that does not exist (a spring-forward
// gap) resolves to the instant the clocks jump; an ambiguous one to its first occurrence
// (sdk::local_to_utc).
//
// Threading: immutable after construction; the zones belong to the tz database.

#include <string>

#include "slob/sdk/time.hpp"
#include "slob_config.hpp"

namespace slob::plugins::slob {

struct TradingDay {
  std::string key;   // "20260106": the date, as used in setup ids and state
  sdk::Time begin;   // local midnight of the date, as UTC
  sdk::Time end;     // the next local midnight
  bool weekend = false;
  sdk::Time london_open;
  sdk::Time ny_open;  // end of the London window, start of the New York window
  sdk::Time cutoff;   // end of the New York window

  bool contains(sdk::Time t) const { return t >= begin && t < end; }
  bool in_london(sdk::Time t) const { return t >= london_open && t < ny_open; }
  bool in_new_york(sdk::Time t) const { return t >= ny_open && t < cutoff; }
};

class TradingCalendar {
 public:
  // Precondition: every zone of `config` is resolved (parse_slob_config did it).
  explicit TradingCalendar(const SlobConfig& config);

  // The trading day containing `t`.
  TradingDay day_of(sdk::Time t) const;

  // "HHMM" of `t` on the trading zone's wall clock (for setup ids).
  std::string local_hhmm(sdk::Time t) const;

 private:
  const date::time_zone* zone_;
  SessionTime london_open_;
  SessionTime ny_open_;
  SessionTime cutoff_;
};

}  // namespace slob::plugins::slob
