#pragma once

// The trading day of an instant: its calendar date in the trading zone, and the UTC instants
// that date starts and ends (its local midnight and the next one). The host's daily risk limits
// ([risk] timezone) and the slob strategy's calendar (setup ids, weekends, sessions) both take
// the day from here, so they cannot disagree about which day an instant belongs to. Each
// spells the date its own way (iso(), compact()), formatted from the same date.
//
// DST-correct through the tz database. A local wall time resolves the way clocks run: one that
// does not exist (inside a spring-forward gap, such as midnight in America/Sao_Paulo on
// 2018-11-04) is the instant the clocks jump; an ambiguous one is its first occurrence. A day
// is thus 23, 24 or 25 hours long and always begins at its own first instant.
//
// Unlike the rest of the SDK this header needs Howard Hinnant's date library with its tz part:
// a plugin that includes it links date::date-tz (find_package(date); Debian package
// libhowardhinnant-date-dev, which the slob-sdk package depends on).
//
// Threading: pure functions; the zones belong to the tz database, which never changes them.

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "slob/sdk/time.hpp"

#include "slob/sdk/status.hpp"

namespace slob::sdk {

// The zone of a tz database name. date::locate_zone throws when the name is unknown or the
// database cannot be read; nothing may escape a plugin or the host's loop, so the exception
// becomes an invalid_argument here: `unknown time zone "Mars/Olympus" (<why>)`.
inline Result<const date::time_zone*> find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    return Status::invalid_argument("unknown time zone \"" + name + "\" (" + e.what() + ")");
  }
}

// Wall time `time_of_day` on `day` in `zone`, as UTC (gaps and overlaps resolve as above).
inline Time local_to_utc(const date::time_zone& zone, date::local_days day,
                         std::chrono::minutes time_of_day) {
  const auto utc = zone.to_sys(day + time_of_day, date::choose::earliest);
  return std::chrono::time_point_cast<Duration>(utc);
}

struct TradingDay {
  date::local_days local_date;  // the calendar date in the trading zone
  Time begin;                   // the first instant of the date (its local midnight), as UTC
  Time end;                     // the first instant of the next date

  bool contains(Time t) const { return t >= begin && t < end; }
  // "2026-01-06" (the host's risk day in its state).
  std::string iso() const { return spell(true); }
  // "20260106" (the slob strategy's setup ids and state).
  std::string compact() const { return spell(false); }

 private:
  std::string spell(bool dashes) const {
    const date::year_month_day ymd{local_date};
    const int y = static_cast<int>(ymd.year());
    const unsigned m = static_cast<unsigned>(ymd.month());
    const unsigned d = static_cast<unsigned>(ymd.day());
    char buf[16];
    if (dashes) {
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    } else {
      std::snprintf(buf, sizeof buf, "%04d%02u%02u", y, m, d);
    }
    return buf;
  }
};

// The trading day in `zone` that contains `t`.
inline TradingDay trading_day(const date::time_zone& zone, Time t) {
  const date::local_days day = std::chrono::floor<date::days>(zone.to_local(t));
  return {day, local_to_utc(zone, day, std::chrono::minutes(0)),
          local_to_utc(zone, day + date::days(1), std::chrono::minutes(0))};
}

}  // namespace slob::sdk
