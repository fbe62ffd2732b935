// Every date format of ib-api.md §6 ("Bar date strings seen") and the UTC request form.
#include <catch2/catch.hpp>

#include "ib_time.hpp"

using namespace slob::plugins::ib;
using slob::sdk::parse_rfc3339;

TEST_CASE("epoch seconds (formatDate=2)", "[ib][time]") {
  CHECK(parse_ib_time("1767711900", nullptr) == parse_rfc3339("2026-01-06T15:05:00Z"));
}

TEST_CASE("date only is midnight in the default zone", "[ib][time]") {
  CHECK(parse_ib_time("20260106", nullptr) == parse_rfc3339("2026-01-06T00:00:00Z"));
  CHECK(parse_ib_time("20260106", find_zone("America/New_York")) ==
        parse_rfc3339("2026-01-06T05:00:00Z"));
}

TEST_CASE("local date-time with one or two spaces reads in the default zone", "[ib][time]") {
  const auto* ny = find_zone("America/New_York");
  REQUIRE(ny != nullptr);
  CHECK(parse_ib_time("20260106 09:30:00", ny) == parse_rfc3339("2026-01-06T14:30:00Z"));
  CHECK(parse_ib_time("20260106  09:30:00", ny) == parse_rfc3339("2026-01-06T14:30:00Z"));
  CHECK(parse_ib_time("20260106 09:30:00", nullptr) == parse_rfc3339("2026-01-06T09:30:00Z"));
  CHECK(parse_ib_time("20260106 09:30", nullptr) == parse_rfc3339("2026-01-06T09:30:00Z"));
}

TEST_CASE("an explicit zone wins over the default, DST-correct", "[ib][time]") {
  CHECK(parse_ib_time("20260106 09:30:00 Europe/Amsterdam", nullptr) ==
        parse_rfc3339("2026-01-06T08:30:00Z"));
  CHECK(parse_ib_time("20260706 09:30:00 Europe/Amsterdam", nullptr) ==
        parse_rfc3339("2026-07-06T07:30:00Z"));
  CHECK(parse_ib_time("20260106 09:30:00 US/Eastern", nullptr) ==
        parse_rfc3339("2026-01-06T14:30:00Z"));
}

TEST_CASE("zone-less UTC form yyyymmdd-hh:mm:ss ignores the default zone", "[ib][time]") {
  CHECK(parse_ib_time("20260106-15:25:00", find_zone("America/New_York")) ==
        parse_rfc3339("2026-01-06T15:25:00Z"));
}

TEST_CASE("malformed times are rejected, not guessed", "[ib][time]") {
  for (const char* bad : {"", "2026010", "20261306", "20260106 25:00:00", "20260106 09:30:00 Mars/Base",
                          "20260106x09:30", "abc", "20260106-09:30:00 UTC", "1234567890123"}) {
    INFO(bad);
    CHECK_FALSE(parse_ib_time(bad, nullptr).has_value());
  }
}

TEST_CASE("format_ib_utc round-trips through the parser", "[ib][time]") {
  const auto t = *parse_rfc3339("2026-01-06T07:05:09Z");
  CHECK(format_ib_utc(t) == "20260106-07:05:09");
  CHECK(parse_ib_time(format_ib_utc(t), nullptr) == t);
}
