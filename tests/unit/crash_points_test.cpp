// Parsing of SLOB_CRASH_AT: what arms a crash point and what is refused. (Reaching an armed
// point kills the process; that is proven with real processes in resilience_test.cpp.)
#include <catch2/catch.hpp>

#include "runtime/crash_points.hpp"
#include "test_host_services.hpp"

using namespace slob::core;

TEST_CASE("crash points: a name arms its first arrival, name:n its nth", "[crash_points]") {
  REQUIRE(arm_crash_point("after-send").is_ok());
  CHECK(armed_crash_point() == "after-send:1");
  REQUIRE(arm_crash_point("before-fill-record:12").is_ok());
  CHECK(armed_crash_point() == "before-fill-record:12");
  // Arrivals at other points neither crash nor count.
  slob::test::RecordingLogger log;
  for (int i = 0; i < 20; ++i) crash_point(CrashPoint::kAfterSend, log);
  // The armed point before its 12th arrival: nothing happens yet.
  for (int i = 0; i < 11; ++i) crash_point(CrashPoint::kBeforeFillRecord, log);
  CHECK(log.lines.empty());
  REQUIRE(arm_crash_point("").is_ok());
  CHECK(armed_crash_point().empty());
  for (const auto name : crash_point_names()) {
    INFO(name);
    CHECK(arm_crash_point(std::string(name) + ":3").is_ok());
  }
  REQUIRE(arm_crash_point("").is_ok());
}

TEST_CASE("crash points: unknown names and bad counts are refused, nothing stays armed", "[crash_points]") {
  const auto s = arm_crash_point("after-sned");
  CHECK(s.code() == slob::sdk::StatusCode::kInvalidArgument);
  CHECK(s.message() == "SLOB_CRASH_AT=after-sned: unknown crash point \"after-sned\" (known: "
                       "before-journal, after-journal, after-send, before-ack-record, after-ack, "
                       "before-fill-record, after-fill-record, after-alert)");
  CHECK(armed_crash_point().empty());
  for (const char* bad : {"after-send:", "after-send:0", "after-send:x", "after-send:2x", "after-send:-1"}) {
    INFO(bad);
    const auto b = arm_crash_point(bad);
    CHECK(b.message() == "SLOB_CRASH_AT=" + std::string(bad) + ": the count after ':' must be a whole number >= 1");
    CHECK(armed_crash_point().empty());
  }
}
