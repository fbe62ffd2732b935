#include "trading_calendar.hpp"

#include <chrono>
#include <cstdio>

#include <date/tz.h>

#include "slob/sdk/trading_day.hpp"

namespace slob::plugins::slob {

TradingCalendar::TradingCalendar(const SlobConfig& config)
    : zone_(config.timezone),
      london_open_(config.london_open),
      ny_open_(config.ny_open),
      cutoff_(config.cutoff) {}

TradingDay TradingCalendar::day_of(sdk::Time t) const {
  const sdk::TradingDay day = sdk::trading_day(*zone_, t);
  TradingDay d;
  d.key = day.compact();
  d.begin = day.begin;
  d.end = day.end;
  const date::weekday wd{day.local_date};
  d.weekend = wd == date::Saturday || wd == date::Sunday;
  d.london_open = sdk::local_to_utc(*london_open_.zone, day.local_date, london_open_.time_of_day);
  d.ny_open = sdk::local_to_utc(*ny_open_.zone, day.local_date, ny_open_.time_of_day);
  d.cutoff = sdk::local_to_utc(*cutoff_.zone, day.local_date, cutoff_.time_of_day);
  return d;
}

std::string TradingCalendar::local_hhmm(sdk::Time t) const {
  const auto local = zone_->to_local(std::chrono::floor<std::chrono::minutes>(t));
  const auto tod = local - std::chrono::floor<date::days>(local);
  const auto mins = std::chrono::duration_cast<std::chrono::minutes>(tod).count();
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d%02d", static_cast<int>(mins / 60),
                static_cast<int>(mins % 60));
  return buf;
}

}  // namespace slob::plugins::slob
