// gen-nq-data: determinism, the Globex calendar in its real zones, bar realism, planted setups.

#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <date/date.h>
#include <date/tz.h>

#include "bar_walk.hpp"
#include "generator.hpp"
#include "sessions.hpp"

using namespace slob;
using namespace slob::tools::gen_nq_data;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

std::chrono::sys_days day(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{
      date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch()};
}

sdk::Time utc(const char* text) { return *sdk::parse_rfc3339(text); }

GeneratorOptions two_weeks(std::uint64_t seed) {
  GeneratorOptions o;
  o.seed = seed;
  o.weeks = {day(2026, 1, 5), day(2026, 3, 9)};
  o.plan[day(2026, 1, 6)] = *parse_day_plan("short-win");
  o.plan[day(2026, 1, 7)] = *parse_day_plan("long-loss");
  o.plan[day(2026, 1, 8)] = *parse_day_plan("quiet");
  o.plan[day(2026, 3, 10)] = *parse_day_plan("long-win");
  return o;
}

bool on_tick(double p) { return std::fabs(p / kTick - std::round(p / kTick)) < 1e-9; }

}  // namespace

TEST_CASE("same seed gives the same bytes, another seed other bytes") {
  const auto a = generate(two_weeks(7));
  const auto b = generate(two_weeks(7));
  const auto c = generate(two_weeks(8));
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  REQUIRE(c.is_ok());
  CHECK(to_csv(a->bars) == to_csv(b->bars));
  CHECK(to_csv(a->bars) != to_csv(c->bars));
}

TEST_CASE("sessions in their real zones, DST-correct") {
  // Winter: New York open 14:30 UTC = 15:30 Stockholm. US DST from 8 March, EU only from 29.
  CHECK(trading_day(day(2026, 1, 6)).ny_open == utc("2026-01-06T14:30:00Z"));
  CHECK(trading_day(day(2026, 1, 6)).london_open == utc("2026-01-06T08:00:00Z"));
  CHECK(trading_day(day(2026, 3, 10)).ny_open == utc("2026-03-10T13:30:00Z"));
  CHECK(trading_day(day(2026, 3, 10)).london_open == utc("2026-03-10T08:00:00Z"));
  CHECK(trading_day(day(2026, 3, 10)).cutoff == utc("2026-03-10T21:00:00Z"));
  CHECK(trading_day(day(2026, 4, 7)).london_open == utc("2026-04-07T07:00:00Z"));

  CHECK(regime_at(utc("2026-01-04T22:59:00Z")) == Regime::kClosed);  // Sunday 17:59 New York
  CHECK(regime_at(utc("2026-01-04T23:00:00Z")) == Regime::kAsia);
  CHECK(regime_at(utc("2026-01-06T07:59:00Z")) == Regime::kAsia);
  CHECK(regime_at(utc("2026-01-06T08:00:00Z")) == Regime::kLondon);
  CHECK(regime_at(utc("2026-01-06T14:30:00Z")) == Regime::kNyOpen);
  CHECK(regime_at(utc("2026-01-06T16:00:00Z")) == Regime::kNy);
  CHECK(regime_at(utc("2026-01-06T21:00:00Z")) == Regime::kNyLate);
  CHECK(regime_at(utc("2026-01-06T22:00:00Z")) == Regime::kClosed);  // the daily break
  CHECK(regime_at(utc("2026-01-06T23:00:00Z")) == Regime::kAsia);
  CHECK(regime_at(utc("2026-01-09T22:00:00Z")) == Regime::kClosed);  // Friday 17:00
  CHECK(regime_at(utc("2026-01-10T12:00:00Z")) == Regime::kClosed);  // Saturday
  CHECK(regime_at(utc("2026-03-10T13:30:00Z")) == Regime::kNyOpen);
  CHECK(regime_at(utc("2026-03-10T21:00:00Z")) == Regime::kClosed);  // break at 17:00 EDT
}

TEST_CASE("bars are on the tick, consistent, one per open minute and none when closed") {
  const auto data = generate(two_weeks(3));
  REQUIRE(data.is_ok());
  const auto& bars = data->bars;
  // Two Globex weeks: 5 x 23 h less nothing else = 6900 minutes each.
  CHECK(bars.size() == 2 * 5 * 23 * 60);
  CHECK(bars.front().start == utc("2026-01-04T23:00:00Z"));
  CHECK(bars.back().start == utc("2026-03-13T20:59:00Z"));  // Friday 16:59 EDT
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    INFO(sdk::format_rfc3339(b.start));
    REQUIRE(on_tick(b.open));
    REQUIRE(on_tick(b.high));
    REQUIRE(on_tick(b.low));
    REQUIRE(on_tick(b.close));
    REQUIRE(b.low <= std::min(b.open, b.close));
    REQUIRE(b.high >= std::max(b.open, b.close));
    REQUIRE(b.volume >= 1);
    REQUIRE(regime_at(b.start) != Regime::kClosed);
    if (i > 0) {
      REQUIRE(b.start > bars[i - 1].start);
      REQUIRE(b.open == bars[i - 1].close);  // continuous: no gap between bars
    }
  }
}

TEST_CASE("New York is livelier than London, London than Asia") {
  const auto data = generate(two_weeks(5));
  REQUIRE(data.is_ok());
  std::map<Regime, std::pair<double, int>> ranges;
  for (const auto& b : data->bars) {
    auto& r = ranges[regime_at(b.start)];
    r.first += b.high - b.low;
    ++r.second;
  }
  auto mean = [&](Regime r) { return ranges[r].first / ranges[r].second; };
  CHECK(mean(Regime::kNyOpen) > 1.5 * mean(Regime::kLondon));
  CHECK(mean(Regime::kLondon) > 1.5 * mean(Regime::kAsia));
}

TEST_CASE("planted days: the sweep, levels on the right side, quiet days inside London") {
  const auto data = generate(two_weeks(11));
  REQUIRE(data.is_ok());
  REQUIRE(data->planted.size() == 4);
  for (const auto& p : data->planted) {
    INFO(day_plan_name(p.plan));
    const TradingDay td = trading_day(p.date);
    double ny_high = 0;
    double ny_low = 1e12;
    for (const auto& b : data->bars) {
      if (b.start < td.ny_open || b.start >= td.cutoff) continue;
      ny_high = std::max(ny_high, b.high);
      ny_low = std::min(ny_low, b.low);
    }
    if (p.plan.kind == DayKind::kQuiet) {
      CHECK(ny_high < p.lse_high);
      CHECK(ny_low > p.lse_low);
      continue;
    }
    REQUIRE(p.setup.entry != 0);
    REQUIRE(p.setup.bars.front().start == td.ny_open);
    if (p.plan.direction == SetupDirection::kShort) {
      CHECK(ny_high > p.lse_high);
      CHECK(p.setup.target == p.lse_low - 1);
      CHECK(p.setup.stop > p.setup.entry);
      CHECK(p.setup.high > p.lse_high);
    } else {
      CHECK(ny_low < p.lse_low);
      CHECK(p.setup.target == p.lse_high + 1);
      CHECK(p.setup.stop < p.setup.entry);
      CHECK(p.setup.high < p.lse_low);
    }
  }
}

TEST_CASE("bad plans and weeks are refused with the argument named") {
  CHECK(parse_day_plan("sideways").status().message() ==
        "bad day plan \"sideways\": use quiet, random or <short|long>-<win|loss|range|timeout>");
  CHECK_FALSE(parse_day_plan("short-maybe").is_ok());
  CHECK(parse_day_plan("long-timeout")->outcome == SetupOutcome::kTimeout);

  GeneratorOptions o;
  o.weeks = {day(2026, 1, 6)};
  CHECK(generate(o).status().message() == "week 2026-01-06 is not a Monday");
  o.weeks = {day(2026, 1, 5)};
  o.plan[day(2026, 1, 10)] = *parse_day_plan("quiet");
  CHECK(generate(o).status().message() ==
        "plan day 2026-01-10 is not a weekday of the generated weeks");
}
