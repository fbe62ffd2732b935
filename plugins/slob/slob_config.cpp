#include "slob_config.hpp"

#include <date/tz.h>

#include "slob/sdk/trading_day.hpp"

namespace slob::plugins::slob {
namespace {

constexpr const char* kDefaultLondonOpen = "09:00 Europe/Stockholm";
constexpr const char* kDefaultNyOpen = "09:30 America/New_York";
constexpr const char* kDefaultCutoff = "22:00 Europe/Stockholm";
constexpr const char* kDefaultTimezone = "Europe/Stockholm";

bool two_digits(const std::string& s, std::size_t at, int& out) {
  if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9')
    return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

void read_session(sdk::ConfigReader& reader, const std::string& key, const char* fallback,
                  SessionTime& out) {
  const std::string text = reader.get_string(key, fallback);
  auto parsed = parse_session_time(text);
  if (!parsed) {
    reader.add_error(key, key + ": " + parsed.status().message());
    return;
  }
  out = *parsed;
}

}  // namespace

sdk::Result<SessionTime> parse_session_time(const std::string& text) {
  // "HH:MM Zone/Name": exactly one space, 24-hour clock.
  int h = 0, m = 0;
  if (text.size() < 7 || !two_digits(text, 0, h) || text[2] != ':' || !two_digits(text, 3, m) ||
      text[5] != ' ' || h > 23 || m > 59) {
    return sdk::Status::invalid_argument("expected \"HH:MM Zone/Name\" such as \"09:30 "
                                         "America/New_York\", got \"" + text + "\"");
  }
  SessionTime st;
  st.time_of_day = std::chrono::hours(h) + std::chrono::minutes(m);
  st.zone_name = text.substr(6);
  auto zone = sdk::find_zone(st.zone_name);
  if (!zone) return zone.status();
  st.zone = *zone;
  return st;
}

sdk::Result<SlobConfig> parse_slob_config(const sdk::ConfigTable& table, const std::string& trading_timezone) {
  sdk::ConfigReader r(table);
  SlobConfig c;
  r.refuse_host_key("timezone", "[risk] timezone");
  c.timezone_name = trading_timezone;
  if (auto zone = sdk::find_zone(c.timezone_name)) c.timezone = *zone;
  else r.add_error("timezone", "trading-day timezone: " + zone.status().message());
  read_session(r, "london_open", kDefaultLondonOpen, c.london_open);
  read_session(r, "ny_open", kDefaultNyOpen, c.ny_open);
  read_session(r, "cutoff", kDefaultCutoff, c.cutoff);

  Rules& k = c.rules;
  constexpr std::int64_t kMaxMinutes = 24 * 60;
  k.high_confirm_minutes = r.get_int("high_confirm_minutes", k.high_confirm_minutes, 1, kMaxMinutes);
  k.low_confirm_minutes = r.get_int("low_confirm_minutes", k.low_confirm_minutes, 1, kMaxMinutes);
  k.min_range_pct = r.get_double("min_range_pct", k.min_range_pct, 0, 100);
  k.max_range_pct = r.get_double("max_range_pct", k.max_range_pct, 0, 100);
  k.liq2_min_wait_minutes =
      r.get_int("liq2_min_wait_minutes", k.liq2_min_wait_minutes, 0, kMaxMinutes);
  k.consol_min_minutes = r.get_int("consol_min_minutes", k.consol_min_minutes, 0, kMaxMinutes);
  k.consol_max_minutes = r.get_int("consol_max_minutes", k.consol_max_minutes, 1, kMaxMinutes);
  k.nowick_max_wick_ratio = r.get_double("nowick_max_wick_ratio", k.nowick_max_wick_ratio, 0, 1e6);
  k.max_retracement_points =
      r.get_double("max_retracement_points", k.max_retracement_points, 0, 1e9);
  k.max_retracement_pct = r.get_double("max_retracement_pct", k.max_retracement_pct, 0, 100);
  k.max_entry_wait_candles =
      r.get_int("max_entry_wait_candles", k.max_entry_wait_candles, 0, kMaxMinutes);
  k.spike_wick_body_ratio = r.get_double("spike_wick_body_ratio", k.spike_wick_body_ratio, 0, 1e6);
  k.spike_rule_buffer = r.get_double("spike_rule_buffer", k.spike_rule_buffer, 0, 1e9);
  k.sl_buffer = r.get_double("sl_buffer", k.sl_buffer, 0, 1e9);
  k.tp_buffer = r.get_double("tp_buffer", k.tp_buffer, 0, 1e9);
  k.min_rr = r.get_double("min_rr", k.min_rr, 0, 1e6);
  k.max_missing_minutes = r.get_int("max_missing_minutes", k.max_missing_minutes, 0, kMaxMinutes);

  if (k.min_range_pct > k.max_range_pct)
    r.add_error("min_range_pct", "min_range_pct must not exceed max_range_pct");
  if (k.consol_min_minutes > k.consol_max_minutes)
    r.add_error("consol_min_minutes", "consol_min_minutes must not exceed consol_max_minutes");

  sdk::Status st = r.finish();
  if (!st) return st;
  return c;
}

sdk::Result<SlobConfig> default_slob_config() {
  return parse_slob_config(sdk::ConfigTable{"strategy.config", {}, {}}, kDefaultTimezone);
}

}  // namespace slob::plugins::slob
