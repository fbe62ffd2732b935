#pragma once

// The trading day of a time: its calendar date in the strategy's zone (Europe/Stockholm by
// default, slob-rules.md rule 9), DST-correct through the tz database. Daily risk limits and
// halts roll over at its midnight. The day itself is sdk::trading_day (slob/sdk/trading_day.hpp),
// the computation the slob strategy uses too; this class holds the zone [risk] timezone names.

#include <string>

#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace date {
class time_zone;
}

namespace slob::core {

class TradingDayCalendar {
 public:
  // Throws nothing; an unknown zone name fails make().
  static sdk::Result<TradingDayCalendar> make(const std::string& zone);

  // "2026-01-06"
  std::string day_of(sdk::Time t) const;
  // The UTC instant the trading day of `t` started (its local midnight).
  sdk::Time day_start(sdk::Time t) const;
  // The UTC instant the next trading day starts after `t`.
  sdk::Time next_day_start(sdk::Time t) const;
  const std::string& zone_name() const { return zone_name_; }

 private:
  TradingDayCalendar(const date::time_zone* zone, std::string name)
      : zone_(zone), zone_name_(std::move(name)) {}
  const date::time_zone* zone_;
  std::string zone_name_;
};

}  // namespace slob::core
