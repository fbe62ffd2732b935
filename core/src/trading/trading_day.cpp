#include "trading/trading_day.hpp"

#include <date/date.h>
#include <date/tz.h>

namespace slob::core {

sdk::Result<TradingDayCalendar> TradingDayCalendar::make(const std::string& zone) {
  try {
    return TradingDayCalendar(date::locate_zone(zone), zone);
  } catch (const std::exception& e) {
    return sdk::Status::invalid_argument("unknown time zone \"" + zone + "\": " + e.what());
  }
}

std::string TradingDayCalendar::day_of(sdk::Time t) const {
  const auto local = zone_->to_local(t);
  const date::year_month_day ymd{std::chrono::floor<date::days>(local)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

sdk::Time TradingDayCalendar::day_start(sdk::Time t) const {
  const auto midnight = std::chrono::floor<date::days>(zone_->to_local(t));
  return std::chrono::time_point_cast<sdk::Duration>(zone_->to_sys(midnight, date::choose::earliest));
}

sdk::Time TradingDayCalendar::next_day_start(sdk::Time t) const {
  const auto local = zone_->to_local(t);
  const auto next_midnight = std::chrono::floor<date::days>(local) + date::days(1);
  const auto utc = zone_->to_sys(next_midnight, date::choose::earliest);
  return std::chrono::time_point_cast<sdk::Duration>(utc);
}

}  // namespace slob::core
