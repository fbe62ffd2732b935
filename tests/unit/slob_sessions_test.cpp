// Sessions in named zones (DST), the cut-off and weekends (rule 9), gaps (rule 8), holes, and the
// strategy's input contract.

#include "slob_test_helpers.hpp"
#include "trading_calendar.hpp"

using namespace slob::test;
using slob::plugins::slob::SlobStrategy;
using slob::plugins::slob::TradingCalendar;

namespace {

std::string t(const std::string& hhmm) { return slob::sdk::format_rfc3339(jan6(hhmm)); }
std::vector<std::string> ids(const Run& run) {
  std::vector<std::string> out;
  for (const auto& j : run.finished) out.push_back(j["id"].get<std::string>() + " " +
                                                   j["state"].get<std::string>() + " " +
                                                   (j["reason"].is_null() ? "-" : j["reason"].get<std::string>()));
  return out;
}

}  // namespace

TEST_CASE("calendar: New York's open on Stockholm's clock through the DST weeks") {
  const TradingCalendar cal(config());
  const auto jan = cal.day_of(utc("2026-01-06T12:00:00Z"));
  CHECK(jan.key == "20260106");
  CHECK(jan.london_open == utc("2026-01-06T08:00:00Z"));
  CHECK(jan.ny_open == utc("2026-01-06T14:30:00Z"));  // 15:30 Stockholm
  CHECK(jan.cutoff == utc("2026-01-06T21:00:00Z"));
  CHECK(!jan.weekend);
  // New York on EDT since 8 March, Stockholm on CET until 29 March: 14:30 Stockholm.
  const auto mar = cal.day_of(utc("2026-03-16T12:00:00Z"));
  CHECK(mar.london_open == utc("2026-03-16T08:00:00Z"));
  CHECK(mar.ny_open == utc("2026-03-16T13:30:00Z"));
  CHECK(mar.ny_open == sthlm(2026, 3, 16, "14:30"));
  // Both on summer time.
  const auto apr = cal.day_of(utc("2026-03-30T12:00:00Z"));
  CHECK(apr.london_open == utc("2026-03-30T07:00:00Z"));
  CHECK(apr.ny_open == utc("2026-03-30T13:30:00Z"));
  CHECK(apr.cutoff == utc("2026-03-30T20:00:00Z"));
  // Autumn: Stockholm back on CET on 25 October, New York on EDT until 1 November.
  const auto oct = cal.day_of(utc("2026-10-27T12:00:00Z"));
  CHECK(oct.ny_open == sthlm(2026, 10, 27, "14:30"));
  CHECK(cal.day_of(utc("2026-11-02T12:00:00Z")).ny_open == sthlm(2026, 11, 2, "15:30"));
}

TEST_CASE("calendar: the trading day is the Stockholm date") {
  const TradingCalendar cal(config());
  const auto d = cal.day_of(utc("2026-01-06T23:30:00Z"));  // 00:30 on the 7th in Stockholm
  CHECK(d.key == "20260107");
  CHECK(d.begin == utc("2026-01-06T23:00:00Z"));
  CHECK(d.end == utc("2026-01-07T23:00:00Z"));
  CHECK(cal.day_of(utc("2026-01-10T12:00:00Z")).weekend);   // Saturday
  CHECK(cal.day_of(utc("2026-01-11T12:00:00Z")).weekend);   // Sunday
  CHECK(!cal.day_of(utc("2026-01-12T12:00:00Z")).weekend);  // Monday
  CHECK(cal.local_hhmm(utc("2026-03-16T13:30:00Z")) == "1430");
  // The spring-forward day is 23 hours long.
  const auto spring = cal.day_of(utc("2026-03-29T12:00:00Z"));
  CHECK(spring.end - spring.begin == std::chrono::hours(23));
}

TEST_CASE("rule 9: the first candle at or after the cut-off invalidates: market_closed") {
  const Run run = run_day(worked_example(), config({{"cutoff", std::string("18:00 Europe/Stockholm")}}));
  CHECK(ids(run) == std::vector<std::string>{
                        "20260106-S-1530 SETUP_COMPLETE -",
                        "20260106-S-1631 INVALIDATED consolidation_range_invalid",
                        "20260106-S-1646 INVALIDATED market_closed"});
  CHECK(run.finished[2]["end_time"] == t("18:00"));
}

TEST_CASE("rule 9: the cut-off comes before every other rule, and nothing starts after it") {
  // 16:26 would be LIQ #2; at the cut-off it is market_closed instead.
  const Run run = run_day(worked_example(), config({{"cutoff", std::string("16:26 Europe/Stockholm")}}));
  CHECK(ids(run) == std::vector<std::string>{"20260106-S-1530 INVALIDATED market_closed"});
  CHECK(run.finished[0]["end_time"] == t("16:26"));
  CHECK(run.finished[0]["liq2_time"].is_null());
}

TEST_CASE("rule 9: Friday's cut-off, a weekend of data, then Monday") {
  using std::chrono::hours;
  const auto ex = worked_example();
  std::vector<Candle> week = until(shifted(ex, hours(24 * 3)), sthlm(2026, 1, 9, "16:21"));
  for (Time m = sthlm(2026, 1, 9, "22:00"); m <= sthlm(2026, 1, 9, "22:05"); m += std::chrono::minutes(1))
    week.push_back({m, 25570, 25575, 25565, 25572, 1});
  for (const Candle& c : shifted(ex, hours(24 * 4))) week.push_back(c);  // Saturday
  for (const Candle& c : shifted(ex, hours(24 * 6))) week.push_back(c);  // Monday
  const Run run = run_day(week);
  CHECK(ids(run) == std::vector<std::string>{
                        "20260109-S-1530 INVALIDATED market_closed",
                        "20260112-S-1530 SETUP_COMPLETE -",
                        "20260112-S-1631 INVALIDATED consolidation_range_invalid",
                        "20260112-S-1646 INVALIDATED consolidation_timeout"});
  // The cut-off wins over the gap of more than five hours.
  CHECK(run.finished[0]["end_time"] == slob::sdk::format_rfc3339(sthlm(2026, 1, 9, "22:00")));
  for (const auto& u : run.updates) CHECK(u.record.id.rfind("20260110", 0) != 0);
  REQUIRE(run.intents.size() == 1);
  CHECK(run.intents[0].setup_id == "20260112-S-1530");
}

TEST_CASE("rule 8: a candle entirely above the previous one is a gap, it may start a new one") {
  auto day = worked_example();
  set(day, jan6("16:20"), 25582, 25585, 25581, 25583);  // low above 16:19's high of 25580
  const Run run = run_day(day);
  REQUIRE(run.finished.size() >= 2);
  CHECK(run.finished[0]["id"] == "20260106-S-1530");
  CHECK(run.finished[0]["reason"] == "gap_detected");
  CHECK(run.finished[0]["end_time"] == t("16:20"));
  // The gap candle started the next one (and 16:21, below it, gaps that one away too).
  CHECK(run.finished[1]["id"] == "20260106-S-1620");
  CHECK(run.finished[1]["reason"] == "gap_detected");
  CHECK(run.finished[1]["end_time"] == t("16:21"));
}

TEST_CASE("rule 8: a candle entirely below the previous one is a gap") {
  auto day = worked_example();
  set(day, jan6("16:20"), 25559, 25560, 25555, 25556);  // high below 16:19's low of 25571
  const Json s = run_day(day).finished.at(0);
  CHECK(s["reason"] == "gap_detected");
  CHECK(s["end_time"] == t("16:20"));
}

TEST_CASE("rule 8: two missing candles are fine, three are a gap") {
  auto two = worked_example();
  erase(two, jan6("16:20"));
  erase(two, jan6("16:21"));
  CHECK(run_day(two).finished.at(0)["state"] == "SETUP_COMPLETE");
  auto three = two;
  erase(three, jan6("16:22"));
  const Json s = run_day(three).finished.at(0);
  CHECK(s["reason"] == "gap_detected");
  CHECK(s["end_time"] == t("16:23"));
  CHECK(run_day(three, config({{"max_missing_minutes", std::int64_t{3}}})).finished.at(0)["state"] ==
        "SETUP_COMPLETE");
}

TEST_CASE("holes: the third missing minute is a gap at once, a hole at the cut-off closes") {
  RecordingLogger logger;
  SlobStrategy s(config(), logger);
  Run run;
  feed(s, until(worked_example(), jan6("16:20")), run);
  auto h1 = s.on_hole(jan6("16:20"));
  auto h2 = s.on_hole(jan6("16:21"));
  REQUIRE(h1.is_ok());
  REQUIRE(h2.is_ok());
  CHECK(h1->empty());
  CHECK(h2->empty());
  auto h3 = s.on_hole(jan6("16:22"));
  REQUIRE(h3.is_ok());
  REQUIRE(h3->updates.size() == 1);
  CHECK(h3->updates[0].finished());
  CHECK(Json::parse(h3->updates[0].record.report)["reason"] == "gap_detected");
  CHECK(h3->updates[0].record.updated == jan6("16:22"));

  SlobStrategy c(config({{"cutoff", std::string("16:26 Europe/Stockholm")}}), logger);
  Run run2;
  feed(c, until(worked_example(), jan6("16:26")), run2);
  auto closed = c.on_hole(jan6("16:26"));
  REQUIRE(closed.is_ok());
  REQUIRE(closed->updates.size() == 1);
  CHECK(Json::parse(closed->updates[0].record.report)["reason"] == "market_closed");
}

TEST_CASE("input contract: out-of-order candles and stale holes are refused, state kept") {
  RecordingLogger logger;
  SlobStrategy s(config(), logger);
  CHECK(s.on_hole(jan6("15:00")).is_ok());  // before any candle: nothing can be active
  Run run;
  feed(s, until(worked_example(), jan6("16:10")), run);
  const std::string before = *s.export_state();
  auto ex = worked_example();
  const Candle again = at(ex, jan6("16:09"));
  auto dup = s.on_candle(again);
  CHECK(dup.status().code() == slob::sdk::StatusCode::kInvalidArgument);
  CHECK(s.on_hole(jan6("16:09")).status().code() == slob::sdk::StatusCode::kInvalidArgument);
  CHECK(s.on_hole(jan6("16:10") + std::chrono::seconds(5)).status().code() ==
        slob::sdk::StatusCode::kInvalidArgument);
  Candle bad{jan6("16:10"), 25550, 25540, 25545, 25548, 1};  // high below low
  CHECK(!s.on_candle(bad).is_ok());
  Candle unaligned{jan6("16:10") + std::chrono::seconds(1), 25550, 25555, 25545, 25548, 1};
  CHECK(!s.on_candle(unaligned).is_ok());
  CHECK(*s.export_state() == before);
}
