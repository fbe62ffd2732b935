#pragma once

// Trading calendar of the synthetic NQ data, in the real zones (date::date-tz, the system tzdb):
// - CME Globex: Sunday 18:00 to Friday 17:00 America/New_York, with the daily 17:00-18:00 break.
//   Exchange holidays are not modelled (every weekday trades).
// - Volatility regimes: Asia (quiet) from the Globex open, London from 09:00 Europe/Stockholm,
//   New York from 09:30 America/New_York (the first 90 minutes most volatile), late New York
//   from 16:00 New York to the break. The zones change DST on different dates, so in the weeks
//   between the New York open is 14:30 Stockholm rather than 15:30.
//
// Throws std::runtime_error when the zone database lacks a zone (tools may throw; nothing here
// crosses a plugin boundary).

#include "slob/sdk/time.hpp"

namespace slob::tools::gen_nq_data {

enum class Regime { kClosed, kAsia, kLondon, kNyOpen, kNy, kNyLate };

const char* regime_name(Regime r);

// The Stockholm trading day `day` (a Stockholm calendar date, as days since the epoch).
struct TradingDay {
  sdk::Time london_open;  // 09:00 Europe/Stockholm
  sdk::Time ny_open;      // 09:30 America/New_York
  sdk::Time cutoff;       // 22:00 Europe/Stockholm
};

TradingDay trading_day(std::chrono::sys_days stockholm_date);

// Stockholm calendar date of `t`.
std::chrono::sys_days stockholm_date(sdk::Time t);

// The Globex session state at the start of the minute `t`.
Regime regime_at(sdk::Time t);

// The Globex week that contains the Monday `monday` (a calendar date): from Sunday 18:00 New
// York before it to Friday 17:00 New York after it, as [begin, end).
struct Week {
  sdk::Time begin;
  sdk::Time end;
};
Week globex_week(std::chrono::sys_days monday);

}  // namespace slob::tools::gen_nq_data
