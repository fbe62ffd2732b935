#include "sessions.hpp"

#include <date/tz.h>

namespace slob::tools::gen_nq_data {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const date::time_zone* stockholm() {
  static const date::time_zone* tz = date::locate_zone("Europe/Stockholm");
  return tz;
}
const date::time_zone* new_york() {
  static const date::time_zone* tz = date::locate_zone("America/New_York");
  return tz;
}

sdk::Time at_local(const date::time_zone* tz, std::chrono::sys_days day, minutes time_of_day) {
  const date::local_days local{day.time_since_epoch()};
  const auto sys = tz->to_sys(local + time_of_day);
  return std::chrono::time_point_cast<sdk::Duration>(sys);
}

}  // namespace

const char* regime_name(Regime r) {
  switch (r) {
    case Regime::kClosed: return "closed";
    case Regime::kAsia: return "asia";
    case Regime::kLondon: return "london";
    case Regime::kNyOpen: return "ny_open";
    case Regime::kNy: return "ny";
    case Regime::kNyLate: return "ny_late";
  }
  return "?";
}

TradingDay trading_day(std::chrono::sys_days d) {
  return {at_local(stockholm(), d, hours(9)), at_local(new_york(), d, hours(9) + minutes(30)),
          at_local(stockholm(), d, hours(22))};
}

std::chrono::sys_days stockholm_date(sdk::Time t) {
  const auto local = stockholm()->to_local(t);
  return std::chrono::sys_days{date::floor<date::days>(local).time_since_epoch()};
}

Regime regime_at(sdk::Time t) {
  const auto ny_local = new_york()->to_local(t);
  const auto ny_day = date::floor<date::days>(ny_local);
  const auto tod = std::chrono::duration_cast<minutes>(ny_local - ny_day);
  const date::weekday wd{ny_day};
  const bool before_break = tod < hours(17);
  const bool after_break = tod >= hours(18);
  // Sunday trades only from 18:00, Friday only until 17:00, Saturday never; 17:00-18:00 never.
  if (wd == date::Saturday || (wd == date::Sunday && !after_break) ||
      (wd == date::Friday && !before_break) || (!before_break && !after_break)) {
    return Regime::kClosed;
  }
  if (after_break) return Regime::kAsia;
  if (tod >= hours(16)) return Regime::kNyLate;
  if (tod >= hours(9) + minutes(30)) return tod < hours(11) ? Regime::kNyOpen : Regime::kNy;
  const TradingDay day = trading_day(stockholm_date(t));
  return t >= day.london_open ? Regime::kLondon : Regime::kAsia;
}

Week globex_week(std::chrono::sys_days monday) {
  return {at_local(new_york(), monday - date::days(1), hours(18)),
          at_local(new_york(), monday + date::days(4), hours(17))};
}

}  // namespace slob::tools::gen_nq_data
