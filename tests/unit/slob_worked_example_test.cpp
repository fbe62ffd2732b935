// The worked example of slob-rules.md as a full day, its price mirror, and the same day on a
// March date when New York is already on summer time.

#include "slob_test_helpers.hpp"

using namespace slob::test;
using slob::sdk::Direction;

namespace {

const std::string kDayJan6 = "20260106";

void check_short_example(const Json& s, const std::string& id, slob::sdk::Duration shift) {
  auto t = [&](const std::string& hhmm) {
    return slob::sdk::format_rfc3339(jan6(hhmm) + shift);
  };
  CHECK(s["id"] == id);
  CHECK(s["direction"] == "SHORT");
  CHECK(s["state"] == "SETUP_COMPLETE");
  CHECK(s["reason"].is_null());
  CHECK(s["liq1_time"] == t("15:30"));
  CHECK(s["liq1_price"] == 25452.0);
  CHECK(s["high"] == 25587.0);
  CHECK(s["high_time"] == t("16:01"));
  CHECK(s["high_confirm_time"] == t("16:06"));
  CHECK(s["low"] == 25542.0);
  CHECK(s["low_time"] == t("16:11"));
  CHECK(s["low_confirm_time"] == t("16:14"));
  CHECK(s["nowick_time"] == t("16:25"));
  CHECK(s["liq2_time"] == t("16:26"));
  CHECK(s["liq2_price"] == 25592.0);
  CHECK(s["spike"] == 25592.0);
  CHECK(s["entry_time"] == t("16:31"));
  CHECK(s["entry"] == 25572.0);
  CHECK(s["stop"] == 25593.0);
  CHECK(s["lse_high"] == 25440.0);
  CHECK(s["lse_low"] == 25380.0);
  CHECK(s["target"] == 25379.0);  // LSE low - 1
  CHECK(s["rr"].get<double>() == Approx(193.0 / 21.0));
  CHECK(s["end_time"] == t("16:31"));
}

}  // namespace

TEST_CASE("worked example: one complete SHORT at 16:31, entry 25572, stop 25593, target LSE low - 1") {
  const Run run = run_day(worked_example());
  REQUIRE(run.finished.size() == 3);
  check_short_example(run.finished[0], "20260106-S-1530", slob::sdk::Duration::zero());

  // The rest of the day, exactly: the successor from the trigger candle breaks 0.5 % on the way
  // down; the one the same candle creates never sees a LIQ #2 and times out.
  const Json& s2 = run.finished[1];
  CHECK(s2["id"] == "20260106-S-1631");
  CHECK(s2["state"] == "INVALIDATED");
  CHECK(s2["reason"] == "consolidation_range_invalid");
  CHECK(s2["high"] == 25580.0);
  CHECK(s2["high_confirm_time"] == slob::sdk::format_rfc3339(jan6("16:36")));
  CHECK(s2["end_time"] == slob::sdk::format_rfc3339(jan6("16:46")));
  CHECK(s2["entry"].is_null());
  CHECK(s2["stop"].is_null());
  CHECK(s2["target"].is_null());
  const Json& s3 = run.finished[2];
  CHECK(s3["id"] == "20260106-S-1646");
  CHECK(s3["reason"] == "consolidation_timeout");
  CHECK(s3["high_confirm_time"] == slob::sdk::format_rfc3339(jan6("16:51")));
  CHECK(s3["low"] == 25411.0);
  CHECK(s3["low_confirm_time"] == slob::sdk::format_rfc3339(jan6("16:56")));
  CHECK(s3["end_time"] == slob::sdk::format_rfc3339(jan6("18:52")));  // first > 120 min

  REQUIRE(run.intents.size() == 1);
  const auto& intent = run.intents[0];
  CHECK(intent.setup_id == "20260106-S-1530");
  CHECK(intent.direction == Direction::kShort);
  CHECK(intent.entry == 25572.0);
  CHECK(intent.stop == 25593.0);
  CHECK(intent.target == 25379.0);
  CHECK(intent.time == jan6("16:31"));
}

TEST_CASE("worked example: the intent and the finished update come in the same output, once") {
  slob::test::RecordingLogger logger;
  slob::plugins::slob::SlobStrategy s(config(), logger);
  int finished_updates = 0;
  int intents = 0;
  for (const Candle& c : worked_example()) {
    auto out = s.on_candle(c);
    REQUIRE(out.is_ok());
    for (const auto& u : out->updates) {
      if (u.record.id != "20260106-S-1530") continue;
      CHECK(u.record.live == !u.finished());
      if (u.finished()) {
        ++finished_updates;
        CHECK(c.start == jan6("16:31"));
        CHECK(u.outcome == slob::sdk::SetupOutcome::kComplete);
        CHECK(out->intents.size() == 1);
      }
    }
    intents += static_cast<int>(out->intents.size());
  }
  CHECK(finished_updates == 1);
  CHECK(intents == 1);
  CHECK(logger.contains_id("SLOB_SETUP_COMPLETE"));
}

TEST_CASE("worked example mirrored: a complete LONG with the mirrored levels") {
  const Run run = run_day(mirror(worked_example()));
  REQUIRE(run.finished.size() == 3);
  const Json& l = run.finished[0];
  auto t = [](const std::string& hhmm) { return slob::sdk::format_rfc3339(jan6(hhmm)); };
  CHECK(l["id"] == "20260106-L-1530");
  CHECK(l["direction"] == "LONG");
  CHECK(l["state"] == "SETUP_COMPLETE");
  CHECK(l["reason"].is_null());
  CHECK(l["liq1_time"] == t("15:30"));
  CHECK(l["liq1_price"] == 51000.0 - 25452);
  // The swept extreme of a LONG is its LOW; the consolidation's top is its HIGH.
  CHECK(l["low"] == 51000.0 - 25587);
  CHECK(l["low_time"] == t("16:01"));
  CHECK(l["low_confirm_time"] == t("16:06"));
  CHECK(l["high"] == 51000.0 - 25542);
  CHECK(l["high_time"] == t("16:11"));
  CHECK(l["high_confirm_time"] == t("16:14"));
  CHECK(l["nowick_time"] == t("16:25"));
  CHECK(l["liq2_time"] == t("16:26"));
  CHECK(l["entry_time"] == t("16:31"));
  CHECK(l["entry"] == 51000.0 - 25572);
  CHECK(l["stop"] == 51000.0 - 25593);
  CHECK(l["lse_high"] == 51000.0 - 25380);
  CHECK(l["lse_low"] == 51000.0 - 25440);
  CHECK(l["target"] == 51000.0 - 25380 + 1);  // LSE high + 1
  CHECK(l["rr"].get<double>() == Approx(193.0 / 21.0));
  CHECK(run.finished[1]["id"] == "20260106-L-1631");
  CHECK(run.finished[1]["reason"] == "consolidation_range_invalid");
  CHECK(run.finished[2]["id"] == "20260106-L-1646");
  CHECK(run.finished[2]["reason"] == "consolidation_timeout");
  REQUIRE(run.intents.size() == 1);
  CHECK(run.intents[0].direction == Direction::kLong);
  CHECK(run.intents[0].entry == 51000.0 - 25572);
  CHECK(run.intents[0].stop == 51000.0 - 25593);
  CHECK(run.intents[0].target == 51000.0 - 25379);
}

TEST_CASE("March, New York already on summer time: the window opens 14:30 Stockholm") {
  // The same day on Monday 16 March 2026, one hour earlier on Stockholm's clock: LIQ #1 at 14:30
  // Stockholm = 09:30 New York. The old fixed-UTC sessions would not open until 15:30.
  const auto shift = (slob::test::sthlm(2026, 3, 16, "14:30") - jan6("15:30"));
  const Run run = run_day(shifted(worked_example(), shift));
  REQUIRE(run.finished.size() == 3);
  check_short_example(run.finished[0], "20260316-S-1430", shift);
  CHECK(run.finished[0]["liq1_time"] == "2026-03-16T13:30:00Z");
  REQUIRE(run.intents.size() == 1);

  // With New York's open pinned to 15:30 Stockholm (the old behaviour), 14:30 is not in the
  // window, and the day gives no complete setup.
  const Run pinned = run_day(shifted(worked_example(), shift),
                             config({{"ny_open", std::string("15:30 Europe/Stockholm")}}));
  CHECK(pinned.intents.empty());
}

TEST_CASE("no London candle that day: no setups") {
  auto day = worked_example();
  std::vector<Candle> without_london;
  for (const Candle& c : day)
    if (c.start < jan6("09:00") || c.start >= jan6("15:30")) without_london.push_back(c);
  const Run run = run_day(without_london);
  CHECK(run.updates.empty());
  CHECK(run.intents.empty());
}

TEST_CASE("a candle before the London open is not part of the LSE levels") {
  // 08:45 pokes to 25450, above the LSE high of 25440: were it counted, LIQ #1 (high 25452)
  // would still fire, so lift it above the LIQ #1 candle instead.
  auto day = worked_example();
  Candle& early = at(day, jan6("08:45"));
  early.high = 25460;
  const Run run = run_day(day);
  REQUIRE(!run.finished.empty());
  CHECK(run.finished[0]["id"] == "20260106-S-1530");
  CHECK(run.finished[0]["lse_high"] == 25440.0);
}

TEST_CASE("worked example: an update exactly when the report changes") {
  const Run run = run_day(worked_example());
  std::vector<slob::sdk::SetupUpdate> mine;
  for (const auto& u : run.updates)
    if (u.record.id == "20260106-S-1530") mine.push_back(u);
  REQUIRE(mine.size() > 5);
  CHECK(mine.front().record.updated == jan6("15:30"));
  CHECK(mine.back().finished());
  for (std::size_t i = 1; i < mine.size(); ++i) CHECK(mine[i].record.report != mine[i - 1].record.report);
  std::vector<Time> when;
  for (const auto& u : mine) when.push_back(u.record.updated);
  // 16:05 changes nothing reported (no new high, no new low, no confirmation); 16:06 confirms.
  CHECK(std::find(when.begin(), when.end(), jan6("16:05")) == when.end());
  CHECK(std::find(when.begin(), when.end(), jan6("16:06")) != when.end());
  CHECK(std::find(when.begin(), when.end(), jan6("16:14")) != when.end());
  CHECK(std::find(when.begin(), when.end(), jan6("16:26")) != when.end());
}
