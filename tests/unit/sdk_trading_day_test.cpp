// The one trading-day computation (sdk/include/slob/sdk/trading_day.hpp) that the host's risk
// day and the slob strategy's calendar share: dates and boundaries through DST changes, a day
// whose midnight does not exist, and the two spellings of one date.
#include <catch2/catch.hpp>

#include "slob/sdk/trading_day.hpp"

using slob::sdk::Time;
using slob::sdk::trading_day;
using std::chrono::hours;

namespace {

Time at(const char* rfc3339) { return *slob::sdk::parse_rfc3339(rfc3339); }

const date::time_zone& zone(const char* name) { return *date::locate_zone(name); }

}  // namespace

TEST_CASE("trading day: Stockholm through both DST changes", "[sdk][trading_day]") {
  const auto& sthlm = zone("Europe/Stockholm");
  // Winter (UTC+1): 23:30 UTC on the 6th is already the 7th.
  const auto jan = trading_day(sthlm, at("2026-01-06T23:30:00Z"));
  CHECK(jan.local_date == date::local_days{date::year{2026} / 1 / 7});
  CHECK(jan.begin == at("2026-01-06T23:00:00Z"));
  CHECK(jan.end == at("2026-01-07T23:00:00Z"));
  // Spring forward (29 March 2026, 02:00 → 03:00): starts at midnight CET, 23 hours long.
  const auto spring = trading_day(sthlm, at("2026-03-29T12:00:00Z"));
  CHECK(spring.begin == at("2026-03-28T23:00:00Z"));
  CHECK(spring.end == at("2026-03-29T22:00:00Z"));
  CHECK(spring.end - spring.begin == hours(23));
  // Fall back (25 October 2026, 03:00 → 02:00): 25 hours long.
  const auto autumn = trading_day(sthlm, at("2026-10-25T12:00:00Z"));
  CHECK(autumn.begin == at("2026-10-24T22:00:00Z"));
  CHECK(autumn.end == at("2026-10-25T23:00:00Z"));
  CHECK(autumn.end - autumn.begin == hours(25));
  // The boundaries belong to the day they start.
  CHECK(trading_day(sthlm, autumn.begin).begin == autumn.begin);
  CHECK(trading_day(sthlm, autumn.end - std::chrono::microseconds(1)).end == autumn.end);
  CHECK(trading_day(sthlm, autumn.end).begin == autumn.end);
}

TEST_CASE("trading day: a day whose midnight does not exist starts when the clocks jump",
          "[sdk][trading_day]") {
  // São Paulo, 4 November 2018: at 00:00 (UTC-3) the clocks jumped to 01:00 (UTC-2).
  const auto& sp = zone("America/Sao_Paulo");
  const auto day = trading_day(sp, at("2018-11-04T12:00:00Z"));
  CHECK(day.iso() == "2018-11-04");
  CHECK(day.begin == at("2018-11-04T03:00:00Z"));  // 01:00 local, the first instant of the date
  CHECK(day.end == at("2018-11-05T02:00:00Z"));
  CHECK(day.end - day.begin == hours(23));
  // The day before ends exactly there: no instant is in two days or in none.
  const auto before = trading_day(sp, at("2018-11-04T02:59:59.999999Z"));
  CHECK(before.iso() == "2018-11-03");
  CHECK(before.end == day.begin);
  CHECK(trading_day(sp, at("2018-11-04T03:00:00Z")).iso() == "2018-11-04");
  // A wall time inside the gap is the instant of the jump; one after it is plain.
  CHECK(slob::sdk::local_to_utc(sp, day.local_date, std::chrono::minutes(30)) == day.begin);
  CHECK(slob::sdk::local_to_utc(sp, day.local_date, hours(9) + std::chrono::minutes(30)) ==
        at("2018-11-04T11:30:00Z"));
  // 16 February 2019 ended twice (00:00 UTC-2 → 23:00 UTC-3): a 25-hour day.
  const auto back = trading_day(sp, at("2019-02-17T02:30:00Z"));  // 23:30, the second time
  CHECK(back.iso() == "2019-02-16");
  CHECK(back.begin == at("2019-02-16T02:00:00Z"));
  CHECK(back.end == at("2019-02-17T03:00:00Z"));
}

TEST_CASE("trading day: both spellings are the same date, and days tile time",
          "[sdk][trading_day]") {
  const auto jan = trading_day(zone("Europe/Stockholm"), at("2026-01-06T23:30:00Z"));
  CHECK(jan.iso() == "2026-01-07");
  CHECK(jan.compact() == "20260107");
  // Every six hours through 2018-2019 in São Paulo (a gap and an overlap at midnight each
  // year): the date holds t, each day starts where the one before ended, both spellings agree.
  const auto& sp = zone("America/Sao_Paulo");
  auto previous = trading_day(sp, at("2018-01-01T00:00:00Z"));
  for (Time t = previous.begin; t < at("2020-01-01T00:00:00Z"); t += hours(6)) {
    const auto day = trading_day(sp, t);
    INFO(slob::sdk::format_rfc3339(t));
    REQUIRE(day.contains(t));
    REQUIRE(day.local_date == std::chrono::floor<date::days>(sp.to_local(t)));
    std::string undashed = day.iso();
    undashed.erase(7, 1).erase(4, 1);
    REQUIRE(day.compact() == undashed);
    if (day.local_date != previous.local_date) {
      REQUIRE(day.local_date == previous.local_date + date::days(1));
      REQUIRE(day.begin == previous.end);
    }
    previous = day;
  }
}
