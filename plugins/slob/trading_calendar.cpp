#include "trading_calendar.hpp"

#include <chrono>
#include <cstdio>

#include <date/tz.h>

namespace slob::plugins::slob {
namespace {

sdk::Time to_utc(const date::time_zone* zone, date::local_days day, std::chrono::minutes tod) {
  const auto sys = zone->to_sys(day + tod, date::choose::earliest);
  return std::chrono::time_point_cast<sdk::Duration>(sys);
}

}  // namespace

TradingCalendar::TradingCalendar(const SlobConfig& config)
    : zone_(config.timezone),
      london_open_(config.london_open),
      ny_open_(config.ny_open),
      cutoff_(config.cutoff) {}

TradingDay TradingCalendar::day_of(sdk::Time t) const {
  const auto local = zone_->to_local(t);
  const date::local_days day = std::chrono::floor<date::days>(local);
  const date::year_month_day ymd{day};
  TradingDay d;
  char key[16];
  std::snprintf(key, sizeof key, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  d.key = key;
  d.begin = to_utc(zone_, day, std::chrono::minutes(0));
  d.end = to_utc(zone_, day + date::days(1), std::chrono::minutes(0));
  const date::weekday wd{day};
  d.weekend = wd == date::Saturday || wd == date::Sunday;
  d.london_open = to_utc(london_open_.zone, day, london_open_.time_of_day);
  d.ny_open = to_utc(ny_open_.zone, day, ny_open_.time_of_day);
  d.cutoff = to_utc(cutoff_.zone, day, cutoff_.time_of_day);
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
