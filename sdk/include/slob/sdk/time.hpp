#pragma once

// Time inside the process is UTC `sys_time` with microsecond resolution. Nothing outside the
// Clock seam reads the system clock; see clock.hpp.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace slob::sdk {

using Duration = std::chrono::microseconds;
using Time = std::chrono::sys_time<Duration>;

// Parses a duration written with units: "30s", "500ms", "2m", "1h30m", "250us". A bare number,
// an unknown unit, a negative value or an empty string yields nullopt.
std::optional<Duration> parse_duration(std::string_view text);

// Formats a duration the way parse_duration reads it, in the largest unit that is exact:
// "5s", "250ms", "40us".
std::string format_duration(Duration d);

// Formats a time as RFC 3339 UTC: "2026-01-06T15:25:00Z" (fractional seconds only when non-zero).
std::string format_rfc3339(Time t);

// Parses RFC 3339 UTC with a 'Z' suffix, optional fractional seconds ("2026-01-06T15:25:00Z").
std::optional<Time> parse_rfc3339(std::string_view text);

// ---- inline implementations (header-only SDK) ---------------------------------------------

namespace detail {
inline bool parse_uint(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Days from civil, Howard Hinnant's algorithm: avoids a dependency on a date library in the SDK.
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}
}  // namespace detail

inline std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Duration total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    std::int64_t n = 0;
    if (!detail::parse_uint(text.substr(i, j - i), n)) return std::nullopt;
    std::size_t k = j;
    while (k < text.size() && (text[k] < '0' || text[k] > '9')) ++k;
    const std::string_view unit = text.substr(j, k - j);
    if (unit == "h") total += std::chrono::hours(n);
    else if (unit == "m" || unit == "min") total += std::chrono::minutes(n);
    else if (unit == "s") total += std::chrono::seconds(n);
    else if (unit == "ms") total += std::chrono::milliseconds(n);
    else if (unit == "us") total += std::chrono::microseconds(n);
    else return std::nullopt;
    i = k;
  }
  return total;
}

inline std::string format_duration(Duration d) {
  const std::int64_t us = d.count();
  if (us % 1000000 == 0) return std::to_string(us / 1000000) + "s";
  if (us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

inline std::string format_rfc3339(Time t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const auto tod = t - day;
  std::int64_t y;
  unsigned m, d;
  detail::civil_from_days(day.time_since_epoch().count(), y, m, d);
  const auto secs = duration_cast<seconds>(tod).count();
  const auto micros = (tod - seconds(secs)).count();
  char buf[96];  // room for any int64 fields: keeps -Wformat-truncation quiet at -O2
  if (micros == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                  static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60),
                  static_cast<long long>(micros));
  }
  return buf;
}

inline std::optional<Time> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.ffffff]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':' || (s.back() != 'Z' && s.back() != 'z'))
    return std::nullopt;
  std::int64_t y, mo, d, h, mi, se;
  if (!detail::parse_uint(s.substr(0, 4), y) || !detail::parse_uint(s.substr(5, 2), mo) ||
      !detail::parse_uint(s.substr(8, 2), d) || !detail::parse_uint(s.substr(11, 2), h) ||
      !detail::parse_uint(s.substr(14, 2), mi) || !detail::parse_uint(s.substr(17, 2), se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  std::int64_t micros = 0;
  const std::string_view rest = s.substr(19, s.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 7) return std::nullopt;
    std::int64_t frac;
    if (!detail::parse_uint(rest.substr(1), frac)) return std::nullopt;
    for (std::size_t i = rest.size() - 1; i < 6; ++i) frac *= 10;
    micros = frac;
  }
  const auto days = detail::days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  using namespace std::chrono;
  return Time{} + sys_days::duration(days) + hours(h) + minutes(mi) + seconds(se) +
         microseconds(micros);
}

}  // namespace slob::sdk
