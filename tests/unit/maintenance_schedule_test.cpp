// Maintenance windows: parsing, the IB defaults in New York time, windows past midnight, weekday
// sets and DST. Times are checked as UTC instants, the way the host asks.

#include <catch2/catch.hpp>

#include "trading/maintenance_schedule.hpp"

using slob::core::MaintenanceSchedule;
using slob::core::parse_maintenance_window;

namespace {

slob::sdk::Time at(const char* rfc3339) { return *slob::sdk::parse_rfc3339(rfc3339); }

MaintenanceSchedule ib_defaults() {
  return *MaintenanceSchedule::make("America/New_York", {"daily 00:15-01:45", "fri 23:00-03:00"});
}

}  // namespace

TEST_CASE("maintenance windows parse days and times", "[maintenance]") {
  auto w = parse_maintenance_window("sun-fri 00:15-01:45");
  REQUIRE(w);
  CHECK(w->start_days == 0b0111111);  // Sunday (bit 0) .. Friday (bit 5)
  CHECK(w->start_minute == 15);
  CHECK(w->end_minute == 105);
  CHECK(parse_maintenance_window("fri-mon 10:00-11:00")->start_days == 0b1100011);
  CHECK(parse_maintenance_window("sat,sun 10:00-24:00")->start_days == 0b1000001);
  CHECK(parse_maintenance_window("daily 00:00-24:00")->end_minute == 1440);
}

TEST_CASE("malformed maintenance windows are refused with the reason", "[maintenance]") {
  for (const char* bad : {"", "daily", "daily 00:15", "daily 0:15-01:45", "daily 25:00-01:00",
                          "daily 00:60-01:00", "funday 00:15-01:45", "mon-xyz 00:15-01:45",
                          "daily  00:15-01:45", "daily 24:00-01:00", "mon,,tue 00:00-01:00"}) {
    INFO(bad);
    auto w = parse_maintenance_window(bad);
    REQUIRE_FALSE(w);
    CHECK_THAT(w.status().message(),
               Catch::StartsWith(std::string("maintenance window \"") + bad + "\": "));
  }
  CHECK_FALSE(MaintenanceSchedule::make("Mars/Olympus_Mons", {}));
}

TEST_CASE("the IB nightly reset is 00:15-01:45 New York time, winter and summer", "[maintenance]") {
  const auto s = ib_defaults();
  // Tuesday 2026-01-06, EST (UTC-5): 05:15Z .. 06:45Z.
  CHECK_FALSE(s.active_at(at("2026-01-06T05:14:59Z")));
  auto in = s.active_at(at("2026-01-06T05:15:00Z"));
  REQUIRE(in);
  CHECK(in->spec == "daily 00:15-01:45");
  CHECK(in->ends == at("2026-01-06T06:45:00Z"));
  CHECK(s.active_at(at("2026-01-06T06:44:59Z")));
  CHECK_FALSE(s.active_at(at("2026-01-06T06:45:00Z")));
  // Wednesday 2026-07-08, EDT (UTC-4): 04:15Z .. 05:45Z.
  CHECK_FALSE(s.active_at(at("2026-07-08T04:14:00Z")));
  CHECK(s.active_at(at("2026-07-08T04:15:00Z"))->ends == at("2026-07-08T05:45:00Z"));
  // The US session itself is never inside.
  CHECK_FALSE(s.active_at(at("2026-01-06T14:30:00Z")));
}

TEST_CASE("the weekend window runs from Friday 23:00 past midnight to Saturday 03:00", "[maintenance]") {
  const auto s = ib_defaults();
  // Friday 2026-01-09 23:00 EST = Saturday 04:00Z; ends Saturday 03:00 EST = 08:00Z.
  CHECK_FALSE(s.active_at(at("2026-01-10T03:59:00Z")));
  auto fri = s.active_at(at("2026-01-10T04:00:00Z"));
  REQUIRE(fri);
  CHECK(fri->spec == "fri 23:00-03:00");
  CHECK(fri->ends == at("2026-01-10T08:00:00Z"));
  // Saturday 00:30 New York: both windows cover it; the one found first is reported.
  CHECK(s.active_at(at("2026-01-10T05:30:00Z")));
  CHECK(s.active_at(at("2026-01-10T07:59:59Z")));
  CHECK_FALSE(s.active_at(at("2026-01-10T08:00:00Z")));
  // A Thursday night is not a weekend.
  CHECK_FALSE(s.active_at(at("2026-01-09T04:30:00Z")));
}

TEST_CASE("a window across the spring-forward gap keeps its wall-clock hours", "[maintenance]") {
  // 2026-03-08 02:00 EST jumps to 03:00 EDT. "sun 01:30-03:30" lasts one real hour.
  const auto s = *MaintenanceSchedule::make("America/New_York", {"sun 01:30-03:30"});
  CHECK_FALSE(s.active_at(at("2026-03-08T06:29:00Z")));   // 01:29 EST
  auto in = s.active_at(at("2026-03-08T06:30:00Z"));      // 01:30 EST
  REQUIRE(in);
  CHECK(in->ends == at("2026-03-08T07:30:00Z"));          // 03:30 EDT
  CHECK_FALSE(s.active_at(at("2026-03-08T07:30:00Z")));
}

TEST_CASE("an empty schedule is never active", "[maintenance]") {
  const auto s = *MaintenanceSchedule::make("UTC", {});
  CHECK_FALSE(s.active_at(at("2026-01-06T00:30:00Z")));
}
