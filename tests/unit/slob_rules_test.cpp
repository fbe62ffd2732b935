// Rules 1-7 of slob-rules.md, each on its own crafted variant of the worked-example day (times are
// Stockholm wall clock on 6 January 2026) or on a small hand-made sequence.

#include <set>

#include "slob_test_helpers.hpp"

using namespace slob::test;
using slob::plugins::slob::Candidate;
using slob::plugins::slob::SlobStrategy;
using slob::plugins::slob::State;

namespace {

std::string t(const std::string& hhmm) { return slob::sdk::format_rfc3339(jan6(hhmm)); }

// The only active SHORT after feeding `candles`.
Candidate short_after(const std::vector<Candle>& candles,
                      const slob::plugins::slob::SlobConfig& cfg = config()) {
  RecordingLogger logger;
  SlobStrategy s(cfg, logger);
  Run run;
  feed(s, candles, run);
  const auto active = s.active_candidates();
  REQUIRE(active.size() == 1);
  REQUIRE(active[0].direction == slob::sdk::Direction::kShort);
  return active[0];
}

Json first_finished(const Run& run) {
  REQUIRE(!run.finished.empty());
  return run.finished[0];
}

// A London candle setting LSE high 25440 / low 25380, then candles from 15:30 on.
std::vector<Candle> small_day(const std::vector<std::array<double, 4>>& ny) {
  std::vector<Candle> day{{jan6("09:00"), 25400, 25440, 25380, 25410, 1}};
  Time at = jan6("15:30");
  for (const auto& [o, h, l, c] : ny) {
    day.push_back({at, o, h, l, c, 1});
    at += std::chrono::minutes(1);
  }
  return day;
}

}  // namespace

TEST_CASE("rule 1: LIQ #1 only when no candidate of that direction is active") {
  const Run run = run_day(until(worked_example(), jan6("16:31")));
  std::set<std::string> ids;
  for (const auto& u : run.updates) ids.insert(u.record.id);
  CHECK(ids == std::set<std::string>{"20260106-S-1530"});
}

TEST_CASE("rule 1: one candle beyond both levels creates both directions") {
  const Run run = run_day(small_day({{25410, 25450, 25370, 25400}}));
  REQUIRE(run.updates.size() == 2);
  CHECK(run.updates[0].record.id == "20260106-S-1530");
  CHECK(run.updates[0].record.state == "WATCHING_CONSOL");
  CHECK(run.updates[1].record.id == "20260106-L-1530");
  CHECK(run.updates[1].record.direction == slob::sdk::Direction::kLong);
  CHECK(!run.updates[0].finished());
  CHECK(run.updates[0].record.live);
}

TEST_CASE("rule 1: a candle at the level is not beyond it, no candidate before the NY open") {
  // 15:29 is still London (it raises the LSE high); 15:30 equals it.
  std::vector<Candle> day{{jan6("09:00"), 25400, 25440, 25380, 25410, 1},
                          {jan6("15:29"), 25410, 25445, 25405, 25440, 1},
                          {jan6("15:30"), 25440, 25445, 25430, 25435, 1},
                          {jan6("15:31"), 25435, 25445.25, 25430, 25440, 1}};
  const Run run = run_day(day);
  REQUIRE(run.updates.size() == 1);
  CHECK(run.updates[0].record.id == "20260106-S-1531");
}

TEST_CASE("rule 2: the HIGH is confirmed by 5 following candles at or below it") {
  auto day = worked_example();
  const Candidate before = short_after(until(day, jan6("16:06")));
  CHECK(before.high == 25587);
  CHECK(before.high_count == 4);
  CHECK(!before.high_confirm_time);
  const Candidate at = short_after(until(day, jan6("16:07")));
  CHECK(at.high_confirm_time == jan6("16:06"));

  // An equal high does not replace it.
  set(day, jan6("16:03"), 25574, 25587, 25570, 25571);
  CHECK(short_after(until(day, jan6("16:07"))).high_confirm_time == jan6("16:06"));
}

TEST_CASE("rule 2: a higher high before confirmation replaces the HIGH and restarts the count") {
  auto day = worked_example();
  set(day, jan6("16:04"), 25571, 25590, 25566, 25569);
  const Candidate c = short_after(until(day, jan6("16:09")));
  CHECK(c.high == 25590);
  CHECK(c.high_time == jan6("16:04"));
  CHECK(!c.high_confirm_time);
  CHECK(short_after(until(day, jan6("16:10"))).high_confirm_time == jan6("16:09"));
}

TEST_CASE("rule 3: the LOW is confirmed 3 candles after its candle") {
  const auto day = worked_example();
  const Candidate c = short_after(until(day, jan6("16:14")));
  CHECK(c.low == 25542);
  CHECK(c.low_time == jan6("16:11"));
  CHECK(!c.low_confirm_time);
  CHECK(c.state == State::kWatchingConsol);
  const Candidate d = short_after(until(day, jan6("16:15")));
  CHECK(d.low_confirm_time == jan6("16:14"));
  CHECK(d.state == State::kWatchingLiq2);
}

TEST_CASE("rule 3: a LOW counted early is confirmed with the HIGH, broken, it is dropped") {
  auto day = worked_example();
  set(day, jan6("16:01"), 25577, 25587, 25560, 25580);  // lowest low on the HIGH's own candle
  const Candidate at_high = short_after(until(day, jan6("16:07")));
  CHECK(at_high.low == 25560);
  CHECK(at_high.low_confirm_time == jan6("16:06"));
  CHECK(at_high.state == State::kWatchingLiq2);
  // 16:08 (low 25555) breaks it: back to WATCHING_CONSOL; the new LOW 25542 confirms at 16:14.
  const Candidate broken = short_after(until(day, jan6("16:09")));
  CHECK(broken.state == State::kWatchingConsol);
  CHECK(!broken.low_confirm_time);
  CHECK(broken.low == 25555);
  const Json s = first_finished(run_day(day));
  CHECK(s["state"] == "SETUP_COMPLETE");
  CHECK(s["low_confirm_time"] == t("16:14"));
}

TEST_CASE("rule 3: a LOW too close to the HIGH is not confirmed, the HIGH break restarts") {
  // min_range_pct 0.2: the LOW of 25542 is only 0.176 % below the HIGH.
  const auto cfg = config({{"min_range_pct", 0.2}});
  auto day = worked_example();
  const Candidate c = short_after(until(day, jan6("16:26")), cfg);
  CHECK(!c.low_confirm_time);
  CHECK(c.state == State::kWatchingConsol);
  // 16:26 breaks the HIGH without a confirmed LOW: not LIQ #2, a new HIGH.
  const Candidate r = short_after(until(day, jan6("16:27")), cfg);
  CHECK(r.high == 25592);
  CHECK(r.high_time == jan6("16:26"));
  CHECK(!r.high_confirm_time);
  CHECK(r.low == 25580);
  CHECK(!r.liq2);
}

TEST_CASE("rule 3: a low beyond max_range_pct after the HIGH's confirmation invalidates at once") {
  auto day = worked_example();
  set(day, jan6("16:11"), 25548, 25550, 25458, 25545);  // 0.504 % below 25587
  const Json s = first_finished(run_day(day));
  CHECK(s["id"] == "20260106-S-1530");
  CHECK(s["reason"] == "consolidation_range_invalid");
  CHECK(s["end_time"] == t("16:11"));
  // 25459.25 is 0.4993 %: fine.
  set(day, jan6("16:11"), 25548, 25550, 25459.25, 25545);
  CHECK(first_finished(run_day(day))["state"] == "SETUP_COMPLETE");
}

TEST_CASE("rule 3: lows made while the HIGH was being confirmed are checked at the confirmation") {
  auto day = worked_example();
  set(day, jan6("16:03"), 25574, 25576, 25450, 25571);  // 0.535 %, before the confirmation
  const Candidate c = short_after(until(day, jan6("16:06")));
  CHECK(c.low == 25450);
  const Json s = first_finished(run_day(day));
  CHECK(s["reason"] == "consolidation_range_invalid");
  CHECK(s["end_time"] == t("16:06"));
}

TEST_CASE("rule 4: liq2_min_wait_minutes and consol_min_minutes include equality") {
  // The example's LIQ #2 is 12 minutes after the LOW's and 20 after the HIGH's confirmation.
  const auto day = worked_example();
  CHECK(first_finished(run_day(day, config({{"liq2_min_wait_minutes", std::int64_t{12}}})))["state"] ==
        "SETUP_COMPLETE");
  CHECK(first_finished(run_day(day, config({{"consol_min_minutes", std::int64_t{20}}})))["state"] ==
        "SETUP_COMPLETE");
  // One minute more: 16:26 is an early break, so the HIGH restarts there.
  const Candidate w = short_after(until(day, jan6("16:27")),
                                  config({{"liq2_min_wait_minutes", std::int64_t{13}}}));
  CHECK(w.high_time == jan6("16:26"));
  CHECK(!w.liq2);
  const Candidate m = short_after(until(day, jan6("16:27")),
                                  config({{"consol_min_minutes", std::int64_t{21}}}));
  CHECK(m.high_time == jan6("16:26"));
  CHECK(!m.liq2);
}

TEST_CASE("rule 4: a LIQ #2 at exactly consol_max_minutes counts, later is a timeout") {
  const auto day = worked_example();
  const Json at = first_finished(run_day(day, config({{"consol_max_minutes", std::int64_t{20}},
                                                       {"consol_min_minutes", std::int64_t{15}}})));
  CHECK(at["state"] == "SETUP_COMPLETE");
  // 19: 16:26 is the first candle more than 19 minutes after 16:06, and the timeout comes before
  // the break of the HIGH on that candle.
  const Json late = first_finished(run_day(day, config({{"consol_max_minutes", std::int64_t{19}},
                                                         {"consol_min_minutes", std::int64_t{15}}})));
  CHECK(late["reason"] == "consolidation_timeout");
  CHECK(late["end_time"] == t("16:26"));
  CHECK(late["liq2_time"].is_null());
}

TEST_CASE("rule 4: consolidation_timeout fires on the first candle more than 120 minutes on") {
  // The example up to the no-wick candle, then a range under the HIGH and over the LOW.
  std::vector<Candle> day = until(worked_example(), jan6("16:26"));
  int i = 0;
  for (Time m = jan6("16:26"); m <= jan6("18:10"); m += std::chrono::minutes(1), ++i) {
    if (i % 2 == 0) day.push_back({m, 25576, 25580, 25568, 25572, 1});
    else day.push_back({m, 25572, 25578, 25566, 25575, 1});
  }
  const Json s = first_finished(run_day(day));
  CHECK(s["id"] == "20260106-S-1530");
  CHECK(s["reason"] == "consolidation_timeout");
  // HIGH confirmed 16:06: 18:06 is exactly 120 minutes, 18:07 the first beyond.
  CHECK(s["end_time"] == t("18:07"));
}

TEST_CASE("rule 5: the most recent qualifying no-wick candle is taken, not the earliest") {
  const Json s = first_finished(run_day(worked_example()));
  CHECK(s["nowick_time"] == t("16:25"));  // 16:12 and 16:18 qualify too
}

TEST_CASE("rule 5: no qualifying candle after the HIGH's candle: no_wick_not_found") {
  auto day = worked_example();
  set(day, jan6("16:12"), 25549, 25556, 25547, 25554);     // wick 2 on a body of 5
  set(day, jan6("16:18"), 25570, 25578, 25566, 25578);     // wick 4 on 8
  set(day, jan6("16:25"), 25577.25, 25587, 25575, 25587);  // wick 2.25 on 9.75
  const Json s = first_finished(run_day(day));
  CHECK(s["reason"] == "no_wick_not_found");
  CHECK(s["liq2_time"] == t("16:26"));
  CHECK(s["nowick_time"].is_null());
  CHECK(s["end_time"] == t("16:26"));
}

TEST_CASE("rule 5: the wick ratio is inclusive") {
  auto day = worked_example();
  set(day, jan6("16:12"), 25549, 25556, 25547, 25554);
  set(day, jan6("16:18"), 25570, 25578, 25566, 25578);
  set(day, jan6("16:25"), 25577, 25587, 25575, 25587);  // wick 2 on a body of 10: exactly 0.2
  CHECK(first_finished(run_day(day))["nowick_time"] == t("16:25"));
}

TEST_CASE("rule 6: retracement beyond 100 points invalidates, exactly 100 is allowed") {
  auto day = worked_example();
  set(day, jan6("16:26"), 25586, 25687.25, 25580, 25581);
  const Json over = first_finished(run_day(day));
  CHECK(over["reason"] == "retracement_exceeded");
  CHECK(over["end_time"] == t("16:26"));
  CHECK(over["entry"].is_null());

  // At exactly +100 it stands, and the 101-point wick on a body of 5 triggers the spike rule
  // (rule 7): stop = top of the body + 2.
  set(day, jan6("16:26"), 25586, 25687, 25580, 25581);
  const Json ok = first_finished(run_day(day));
  CHECK(ok["state"] == "SETUP_COMPLETE");
  CHECK(ok["spike"] == 25687.0);
  CHECK(ok["stop"] == 25588.0);
  CHECK(ok["entry"] == 25572.0);
}

TEST_CASE("rule 6: the percentage limit applies when it is the smaller one") {
  // 0.01 % of 25587 = 2.56 points: the LIQ #2 high of 25592 is already too far.
  const Json s = first_finished(run_day(worked_example(), config({{"max_retracement_pct", 0.01}})));
  CHECK(s["reason"] == "retracement_exceeded");
  CHECK(s["end_time"] == t("16:26"));
}

TEST_CASE("rule 6: retracement wins over a trigger on the same candle") {
  auto day = worked_example();
  set(day, jan6("16:31"), 25579, 25700, 25570, 25572);
  const Json s = first_finished(run_day(day));
  CHECK(s["reason"] == "retracement_exceeded");
  CHECK(s["end_time"] == t("16:31"));
  CHECK(s["entry"].is_null());
}

TEST_CASE("rule 6: the LIQ #2 candle itself can trigger") {
  auto day = worked_example();
  set(day, jan6("16:26"), 25586, 25592, 25575, 25576);
  const Json s = first_finished(run_day(day));
  CHECK(s["state"] == "SETUP_COMPLETE");
  CHECK(s["entry_time"] == t("16:26"));
  CHECK(s["entry"] == 25576.0);
  CHECK(s["stop"] == 25593.0);  // wick 6 on a body of 10: no spike rule
}

TEST_CASE("rule 6: a close equal to the no-wick low is not a trigger") {
  auto day = worked_example();
  set(day, jan6("16:30"), 25578, 25582, 25577, 25577);  // the no-wick low is 25577
  const Json s = first_finished(run_day(day));
  CHECK(s["state"] == "SETUP_COMPLETE");
  CHECK(s["entry_time"] == t("16:31"));
  CHECK(s["entry"] == 25572.0);
}

TEST_CASE("rule 6: entry_timeout after max_entry_wait_candles candles without a trigger") {
  // The example triggers on the 5th candle after LIQ #2.
  const auto day = worked_example();
  CHECK(first_finished(run_day(day, config({{"max_entry_wait_candles", std::int64_t{5}}})))["state"] ==
        "SETUP_COMPLETE");
  const Json s = first_finished(run_day(day, config({{"max_entry_wait_candles", std::int64_t{4}}})));
  CHECK(s["reason"] == "entry_timeout");
  CHECK(s["end_time"] == t("16:30"));
  CHECK(s["entry"].is_null());

  // Default 20: closes that never go below the no-wick low time out on the 20th candle after.
  std::vector<Candle> flat = until(day, jan6("16:31"));
  for (Time m = jan6("16:31"); m <= jan6("16:50"); m += std::chrono::minutes(1))
    flat.push_back({m, 25580, 25584, 25578, 25579, 1});
  const Json d = first_finished(run_day(flat));
  CHECK(d["reason"] == "entry_timeout");
  CHECK(d["end_time"] == t("16:46"));  // 16:26 + 20 candles
}

TEST_CASE("rule 7: reward/risk at or below min_rr is negative_risk_reward, levels reported") {
  const Json s = first_finished(run_day(worked_example(), config({{"min_rr", 10.0}})));
  CHECK(s["state"] == "INVALIDATED");
  CHECK(s["reason"] == "negative_risk_reward");
  CHECK(s["entry"] == 25572.0);
  CHECK(s["stop"] == 25593.0);
  CHECK(s["target"] == 25379.0);
  CHECK(s["rr"].get<double>() == Approx(193.0 / 21.0));
  CHECK(run_day(worked_example(), config({{"min_rr", 10.0}})).intents.empty());
}

TEST_CASE("rule 7: an entry below the target is negative_risk_reward with the default min_rr") {
  auto day = worked_example();
  set(day, jan6("16:31"), 25579, 25580, 25360, 25370);  // closes under the LSE low
  const Run run = run_day(day);
  const auto shorts = finished_of(run, "SHORT");
  REQUIRE(!shorts.empty());
  CHECK(shorts[0]["reason"] == "negative_risk_reward");
  CHECK(shorts[0]["entry"] == 25370.0);
  CHECK(shorts[0]["target"] == 25379.0);
  CHECK(shorts[0]["rr"].get<double>() < 0);
  for (const auto& i : run.intents) CHECK(i.setup_id != "20260106-S-1530");
}

TEST_CASE("rule 7: sl_buffer, spike_rule_buffer and tp_buffer are applied") {
  const Json s = first_finished(
      run_day(worked_example(), config({{"sl_buffer", 2.5}, {"tp_buffer", 0.0}})));
  CHECK(s["stop"] == 25594.5);
  CHECK(s["target"] == 25380.0);
  auto day = worked_example();
  set(day, jan6("16:26"), 25586, 25600, 25580, 25581);  // wick 14 on a body of 5
  const Json spike = first_finished(run_day(day, config({{"spike_rule_buffer", 3.0}})));
  CHECK(spike["stop"] == 25589.0);
  // With a ratio of 3 the 14-point wick is not a spike: spike high + 1.
  const Json plain = first_finished(run_day(day, config({{"spike_wick_body_ratio", 3.0}})));
  CHECK(plain["stop"] == 25601.0);
}
