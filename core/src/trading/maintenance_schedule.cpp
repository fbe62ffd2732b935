#include "trading/maintenance_schedule.hpp"

#include <array>
#include <cctype>

#include <date/date.h>
#include <date/tz.h>

#include "slob/sdk/trading_day.hpp"

namespace slob::core {
namespace {

constexpr std::array<const char*, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<int> day_index(const std::string& name) {
  for (int d = 0; d < 7; ++d)
    if (name == kDayNames[static_cast<std::size_t>(d)]) return d;
  return std::nullopt;
}

// "sun-fri" → Sunday through Friday; "fri-mon" wraps past Saturday.
std::optional<std::uint8_t> parse_days(const std::string& text) {
  if (text == "daily") return std::uint8_t{0x7f};
  std::uint8_t mask = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? comma : comma - pos);
    const std::size_t dash = item.find('-');
    if (dash == std::string::npos) {
      auto d = day_index(item);
      if (!d) return std::nullopt;
      mask |= static_cast<std::uint8_t>(1u << *d);
    } else {
      auto from = day_index(item.substr(0, dash));
      auto to = day_index(item.substr(dash + 1));
      if (!from || !to) return std::nullopt;
      for (int d = *from;; d = (d + 1) % 7) {
        mask |= static_cast<std::uint8_t>(1u << d);
        if (d == *to) break;
      }
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return mask;
}

// "HH:MM" → minutes after midnight (00:00 to 24:00).
std::optional<int> parse_clock(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  const int h = (text[0] - '0') * 10 + (text[1] - '0');
  const int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

sdk::Result<MaintenanceWindow> parse_maintenance_window(const std::string& spec) {
  auto bad = [&](const std::string& why) {
    return sdk::Status::invalid_argument("maintenance window \"" + spec + "\": " + why +
                                         " (write \"<days> HH:MM-HH:MM\", e.g. \"daily 00:15-01:45\""
                                         " or \"fri 23:00-03:00\")");
  };
  const std::size_t space = spec.find(' ');
  if (space == std::string::npos || spec.find(' ', space + 1) != std::string::npos)
    return bad("expected days and a time range separated by one space");
  MaintenanceWindow w;
  w.spec = spec;
  auto days = parse_days(spec.substr(0, space));
  if (!days) return bad("days must be daily, mon..sun, a range such as sun-fri or a list such as sat,sun");
  w.start_days = *days;
  const std::string range = spec.substr(space + 1);
  const std::size_t dash = range.find('-');
  if (dash == std::string::npos) return bad("the time range needs a '-'");
  auto start = parse_clock(range.substr(0, dash));
  auto end = parse_clock(range.substr(dash + 1));
  if (!start || !end) return bad("times must be HH:MM between 00:00 and 24:00");
  if (*start == 24 * 60) return bad("a window cannot start at 24:00");
  w.start_minute = *start;
  w.end_minute = *end;
  return w;
}

sdk::Result<MaintenanceSchedule> MaintenanceSchedule::make(const std::string& zone,
                                                           const std::vector<std::string>& specs) {
  auto tz = sdk::find_zone(zone);
  if (!tz) return tz.status();
  std::vector<MaintenanceWindow> windows;
  for (const auto& s : specs) {
    auto w = parse_maintenance_window(s);
    if (!w) return w.status();
    windows.push_back(std::move(*w));
  }
  return MaintenanceSchedule(*tz, std::move(windows));
}

std::optional<ActiveMaintenance> MaintenanceSchedule::active_at(sdk::Time t) const {
  const auto local = zone_->to_local(t);
  const date::local_days today = std::chrono::floor<date::days>(local);
  // A window that matters started today or, running past midnight, yesterday.
  for (const date::local_days start_day : {today, today - date::days(1)}) {
    const unsigned weekday = date::weekday(start_day).c_encoding();  // 0 = Sunday
    for (const auto& w : windows_) {
      if (!(w.start_days & (1u << weekday))) continue;
      const auto begin_local = start_day + std::chrono::minutes(w.start_minute);
      const auto end_local = start_day + (w.end_minute > w.start_minute ? date::days(0) : date::days(1)) +
                             std::chrono::minutes(w.end_minute);
      // Local times a DST change skips or repeats resolve to the earlier instant.
      const auto begin = zone_->to_sys(begin_local, date::choose::earliest);
      const auto end = zone_->to_sys(end_local, date::choose::earliest);
      if (t >= begin && t < end)
        return ActiveMaintenance{w.spec, std::chrono::time_point_cast<sdk::Duration>(end)};
    }
  }
  return std::nullopt;
}

}  // namespace slob::core
