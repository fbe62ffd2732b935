#include "ib_time.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>

#include <date/tz.h>

#include "slob/sdk/trading_day.hpp"

namespace slob::plugins::ib {
namespace {

bool digits(std::string_view s, std::size_t from, std::size_t n, int& out) {
  if (from + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

const date::time_zone* find_zone(const std::string& name) {
  auto zone = sdk::find_zone(name);
  return zone ? *zone : nullptr;
}

std::optional<sdk::Time> parse_ib_time(std::string_view text, const date::time_zone* default_zone) {
  using namespace std::chrono;
  text = trim(text);
  if (text.empty()) return std::nullopt;

  bool all_digits = true;
  for (char c : text) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
  if (all_digits && text.size() != 8) {
    // Epoch seconds: 9 to 12 digits covers 1973 to year 33658; anything else is not a time.
    if (text.size() < 9 || text.size() > 12) return std::nullopt;
    std::int64_t v = 0;
    for (char c : text) v = v * 10 + (c - '0');
    return sdk::Time{} + seconds(v);
  }

  int y, mo, d;
  if (!digits(text, 0, 4, y) || !digits(text, 4, 2, mo) || !digits(text, 6, 2, d)) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  int h = 0, mi = 0, s = 0;
  std::string_view rest = text.substr(8);
  bool utc = false;
  if (!rest.empty()) {
    if (rest[0] == '-') {
      utc = true;
      rest.remove_prefix(1);
    } else if (rest[0] == ' ') {
      rest = trim(rest);
    } else {
      return std::nullopt;
    }
    if (!digits(rest, 0, 2, h) || rest.size() < 5 || rest[2] != ':' || !digits(rest, 3, 2, mi))
      return std::nullopt;
    rest.remove_prefix(5);
    if (!rest.empty() && rest[0] == ':') {
      if (!digits(rest, 1, 2, s)) return std::nullopt;
      rest.remove_prefix(3);
    }
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  }
  rest = trim(rest);
  const auto local = date::local_days{ymd} + hours(h) + minutes(mi) + seconds(s);
  const date::time_zone* zone = default_zone;
  if (utc) {
    if (!rest.empty()) return std::nullopt;
    zone = nullptr;
  } else if (!rest.empty()) {
    zone = find_zone(std::string(rest));
    if (!zone) return std::nullopt;
  }
  if (!zone) return sdk::Time{} + local.time_since_epoch();
  try {
    // Earliest for the autumn overlap, latest for the spring gap: a defined answer either way.
    const auto info = zone->get_info(local);
    if (info.result == date::local_info::nonexistent)
      return time_point_cast<sdk::Duration>(zone->to_sys(local, date::choose::latest));
    return time_point_cast<sdk::Duration>(zone->to_sys(local, date::choose::earliest));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string format_ib_utc(sdk::Time t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const date::year_month_day ymd{day};
  const auto tod = duration_cast<seconds>(t - day).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u-%02lld:%02lld:%02lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(tod / 3600), static_cast<long long>(tod / 60 % 60),
                static_cast<long long>(tod % 60));
  return buf;
}

}  // namespace slob::plugins::ib
