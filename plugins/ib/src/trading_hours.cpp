#include "trading_hours.hpp"

#include <algorithm>
#include <string>

#include "ib_time.hpp"

namespace slob::plugins::ib {
namespace {

// "yyyymmdd:hhmm" -> "yyyymmdd hh:mm" so the shared parser applies the zone.
std::optional<sdk::Time> parse_point(std::string_view p, const date::time_zone* zone) {
  if (p.size() != 13 || p[8] != ':') return std::nullopt;
  const std::string text = std::string(p.substr(0, 8)) + " " + std::string(p.substr(9, 2)) + ":" +
                           std::string(p.substr(11, 2));
  return parse_ib_time(text, zone);
}

}  // namespace

sdk::Result<TradingHours> TradingHours::parse(std::string_view sessions, std::string_view time_zone_id) {
  const date::time_zone* zone = nullptr;
  if (!time_zone_id.empty() && time_zone_id != "UTC" && time_zone_id != "GMT") {
    zone = find_zone(std::string(time_zone_id));
    if (!zone) return sdk::Status::invalid_argument("unknown trading-hours time zone \"" + std::string(time_zone_id) + "\"");
  }
  TradingHours out;
  std::optional<sdk::Time> first, last;
  const auto widen = [&](sdk::Time a, sdk::Time b) {
    if (!first || a < *first) first = a;
    if (!last || b > *last) last = b;
  };
  std::size_t start = 0;
  while (start < sessions.size()) {
    auto end = sessions.find(';', start);
    if (end == std::string_view::npos) end = sessions.size();
    const std::string_view item = sessions.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    if (item.find("CLOSED") != std::string_view::npos) {
      const auto day = parse_ib_time(item.substr(0, 8), zone);
      if (!day || item.size() < 9 || item[8] != ':') {
        return sdk::Status::invalid_argument("bad trading day \"" + std::string(item) + "\"");
      }
      widen(*day, *day + std::chrono::hours(24));
      continue;
    }
    const auto dash = item.find('-');
    if (dash == std::string_view::npos) return sdk::Status::invalid_argument("bad trading session \"" + std::string(item) + "\"");
    const auto from = parse_point(item.substr(0, dash), zone);
    const auto to = parse_point(item.substr(dash + 1), zone);
    if (!from || !to || *to <= *from) {
      return sdk::Status::invalid_argument("bad trading session \"" + std::string(item) + "\"");
    }
    out.sessions_.push_back({*from, *to});
    widen(*from, *to);
  }
  std::sort(out.sessions_.begin(), out.sessions_.end(),
            [](const Session& a, const Session& b) { return a.start < b.start; });
  out.known_ = first.has_value();
  if (first) {
    out.window_start_ = *first;
    out.window_end_ = *last;
  }
  return out;
}

bool TradingHours::is_open(sdk::Time t) const {
  if (!known_) return true;
  // Beyond the published window (usually a week) we know nothing: assume open.
  if (t < window_start_ || t >= window_end_) return true;
  for (const auto& s : sessions_)
    if (t >= s.start && t < s.end) return true;
  return false;
}

}  // namespace slob::plugins::ib
