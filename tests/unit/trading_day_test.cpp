// The trading day calendar (core/src/trading/trading_day.*, delegating to sdk::trading_day):
// days and their boundaries in a named zone, DST-correct.
#include <catch2/catch.hpp>

#include "trading/trading_day.hpp"

using slob::core::TradingDayCalendar;

namespace {

slob::sdk::Time at(const char* rfc3339) { return *slob::sdk::parse_rfc3339(rfc3339); }

}  // namespace

TEST_CASE("the trading day of a time and its boundaries, in Stockholm", "[trading_day]") {
  const auto cal = TradingDayCalendar::make("Europe/Stockholm");
  REQUIRE(cal.is_ok());
  // Winter (UTC+1): 23:30 UTC is already the next Stockholm day.
  CHECK(cal->day_of(at("2026-01-06T23:30:00Z")) == "2026-01-07");
  CHECK(cal->day_start(at("2026-01-06T23:30:00Z")) == at("2026-01-06T23:00:00Z"));
  CHECK(cal->day_start(at("2026-01-06T12:00:00Z")) == at("2026-01-05T23:00:00Z"));
  CHECK(cal->next_day_start(at("2026-01-06T12:00:00Z")) == at("2026-01-06T23:00:00Z"));
  // Summer (UTC+2), and the start of a day is its own start.
  CHECK(cal->day_start(at("2026-07-01T10:00:00Z")) == at("2026-06-30T22:00:00Z"));
  CHECK(cal->day_start(at("2026-06-30T22:00:00Z")) == at("2026-06-30T22:00:00Z"));
  // The spring-forward day (29 March 2026) starts at its midnight, before the jump.
  CHECK(cal->day_start(at("2026-03-29T12:00:00Z")) == at("2026-03-28T23:00:00Z"));
}

TEST_CASE("an unknown zone is refused by name", "[trading_day]") {
  const auto cal = TradingDayCalendar::make("Mars/Olympus");
  REQUIRE_FALSE(cal.is_ok());
  CHECK(cal.status().message().find("Mars/Olympus") != std::string::npos);
}
