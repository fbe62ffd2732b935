// [strategy.config]: defaults of slob-rules.md, unknown keys, bad values with their position.

#include "slob_test_helpers.hpp"

using namespace slob::test;
using slob::plugins::slob::parse_slob_config;

namespace {
const std::string kZone = "Europe/Stockholm";  // [risk] timezone's default
}  // namespace

TEST_CASE("config: an empty table gives every default of slob-rules.md") {
  auto c = parse_slob_config(config_table(), kZone);
  REQUIRE(c.is_ok());
  CHECK(c->timezone_name == "Europe/Stockholm");
  CHECK(c->london_open.zone_name == "Europe/Stockholm");
  CHECK(c->london_open.time_of_day == std::chrono::hours(9));
  CHECK(c->ny_open.zone_name == "America/New_York");
  CHECK(c->ny_open.time_of_day == std::chrono::minutes(9 * 60 + 30));
  CHECK(c->cutoff.time_of_day == std::chrono::hours(22));
  const auto& r = c->rules;
  CHECK(r.high_confirm_minutes == 5);
  CHECK(r.low_confirm_minutes == 3);
  CHECK(r.min_range_pct == 0.1);
  CHECK(r.max_range_pct == 0.5);
  CHECK(r.liq2_min_wait_minutes == 5);
  CHECK(r.consol_min_minutes == 15);
  CHECK(r.consol_max_minutes == 120);
  CHECK(r.nowick_max_wick_ratio == 0.20);
  CHECK(r.max_retracement_points == 100);
  CHECK(r.max_retracement_pct == 1.0);
  CHECK(r.max_entry_wait_candles == 20);
  CHECK(r.spike_wick_body_ratio == 2);
  CHECK(r.spike_rule_buffer == 2.0);
  CHECK(r.sl_buffer == 1.0);
  CHECK(r.tp_buffer == 1.0);
  CHECK(r.min_rr == 0);
  CHECK(r.max_missing_minutes == 2);
}

TEST_CASE("config: every key is read, integers are accepted for numbers, the zone is the host's") {
  auto c = parse_slob_config(config_table({{"high_confirm_minutes", std::int64_t{6}},
                                           {"sl_buffer", std::int64_t{2}},
                                           {"ny_open", std::string("09:31 America/New_York")}}),
                             "Europe/London");
  REQUIRE(c.is_ok());
  CHECK(c->rules.high_confirm_minutes == 6);
  CHECK(c->rules.sl_buffer == 2.0);
  CHECK(c->ny_open.time_of_day == std::chrono::minutes(9 * 60 + 31));
  CHECK(c->timezone_name == "Europe/London");
}

TEST_CASE("config: unknown keys and bad values are rejected, one line each with file:line:col") {
  auto c = parse_slob_config(config_table({{"high_confirm_minutse", std::int64_t{5}},  // line 11
                                           {"max_range_pct", std::string("wide")},     // line 12
                                           {"ny_open", std::string("9:30 America/New_York")},
                                           {"timezone", std::string("Europe/Stockholm")}}), kZone);
  REQUIRE(!c.is_ok());
  const std::string m = c.status().message();
  CHECK_THAT(m, Catch::Contains("slob.toml:11:1: [strategy.config] unknown key \"high_confirm_minutse\""));
  CHECK_THAT(m, Catch::Contains("slob.toml:12:1: [strategy.config] max_range_pct must be a number"));
  CHECK_THAT(m, Catch::Contains("slob.toml:13:1: [strategy.config] ny_open: expected \"HH:MM Zone/Name\""));
  // The trading day's zone is [risk] timezone: a second place for it is refused, even agreeing.
  CHECK_THAT(m, Catch::Contains("slob.toml:14:1: [strategy.config] timezone is set in [risk] timezone only"));
  CHECK(std::count(m.begin(), m.end(), '\n') == 3);
}

TEST_CASE("config: ranges and cross-checks") {
  auto neg = parse_slob_config(config_table({{"high_confirm_minutes", std::int64_t{0}}}), kZone);
  CHECK_THAT(neg.status().message(), Catch::Contains("high_confirm_minutes must be between 1 and"));
  auto cross = parse_slob_config(config_table({{"min_range_pct", 0.6}}), kZone);
  CHECK_THAT(cross.status().message(), Catch::Contains("min_range_pct must not exceed max_range_pct"));
  auto consol = parse_slob_config(config_table({{"consol_min_minutes", std::int64_t{130}}}), kZone);
  CHECK_THAT(consol.status().message(), Catch::Contains("consol_min_minutes must not exceed"));
  auto zone = parse_slob_config(config_table({{"cutoff", std::string("22:00 Mars/Olympus")}}), kZone);
  CHECK_THAT(zone.status().message(), Catch::Contains("unknown time zone \"Mars/Olympus\""));
  auto hour = parse_slob_config(config_table({{"london_open", std::string("24:00 Europe/Stockholm")}}), kZone);
  CHECK(!hour.is_ok());
}
