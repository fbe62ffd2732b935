#pragma once

// The slob strategy's settings: every number of slob-rules.md as a key of [strategy.config],
// with the rules' defaults. parse_slob_config() reads the table through sdk::ConfigReader, so an
// unknown key or a bad value comes back as one "FILE:LINE:COL: message" line per problem.
//
// Session times are "HH:MM Zone/Name" strings; the zone is looked up in the system tz database
// at parse time, so a misspelt zone fails the config check instead of the first trading day.

#include <chrono>
#include <cstdint>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"

namespace date {
class time_zone;
}

namespace slob::plugins::slob {

// A wall-clock time of day in a named IANA zone, e.g. 09:30 America/New_York.
struct SessionTime {
  std::chrono::minutes time_of_day{0};
  std::string zone_name;
  const date::time_zone* zone = nullptr;  // owned by the tz database, lives for the process
};

struct Rules {
  std::int64_t high_confirm_minutes = 5;
  std::int64_t low_confirm_minutes = 3;
  double min_range_pct = 0.1;
  double max_range_pct = 0.5;
  std::int64_t liq2_min_wait_minutes = 5;
  std::int64_t consol_min_minutes = 15;
  std::int64_t consol_max_minutes = 120;
  double nowick_max_wick_ratio = 0.20;
  double max_retracement_points = 100;
  double max_retracement_pct = 1.0;
  std::int64_t max_entry_wait_candles = 20;
  double spike_wick_body_ratio = 2;
  double spike_rule_buffer = 2.0;
  double sl_buffer = 1.0;
  double tp_buffer = 1.0;
  double min_rr = 0;
  std::int64_t max_missing_minutes = 2;
};

struct SlobConfig {
  std::string timezone_name = "Europe/Stockholm";  // the trading day's calendar ([risk] timezone)
  const date::time_zone* timezone = nullptr;
  SessionTime london_open;
  SessionTime ny_open;
  SessionTime cutoff;
  Rules rules;
};

// Parses "HH:MM Zone/Name". Returns an error message (without position) on failure.
sdk::Result<SessionTime> parse_session_time(const std::string& text);

// Reads and validates the whole table; every problem is reported, one per line. The trading
// day's zone is the host's ([risk] timezone, HostSettings); a `timezone` key here is refused.
sdk::Result<SlobConfig> parse_slob_config(const sdk::ConfigTable& table, const std::string& trading_timezone);

// The defaults of slob-rules.md, zones resolved (for tests and tools).
sdk::Result<SlobConfig> default_slob_config();

}  // namespace slob::plugins::slob
