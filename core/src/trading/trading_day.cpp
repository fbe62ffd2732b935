#include "trading/trading_day.hpp"

#include <date/tz.h>

#include "slob/sdk/trading_day.hpp"

namespace slob::core {

sdk::Result<TradingDayCalendar> TradingDayCalendar::make(const std::string& zone) {
  auto tz = sdk::find_zone(zone);
  if (!tz) return tz.status();
  return TradingDayCalendar(*tz, zone);
}

std::string TradingDayCalendar::day_of(sdk::Time t) const {
  return sdk::trading_day(*zone_, t).iso();
}

sdk::Time TradingDayCalendar::day_start(sdk::Time t) const {
  return sdk::trading_day(*zone_, t).begin;
}

sdk::Time TradingDayCalendar::next_day_start(sdk::Time t) const {
  return sdk::trading_day(*zone_, t).end;
}

}  // namespace slob::core
