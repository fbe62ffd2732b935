// Export/import (restart and hot reload continue exactly where they were) and determinism.

#include "slob_test_helpers.hpp"

using namespace slob::test;
using slob::plugins::slob::SlobStrategy;

namespace {

// Runs `candles`, handing over to a fresh instance after the candle at index `cut`.
Run run_with_restart(const std::vector<Candle>& candles, std::size_t cut) {
  RecordingLogger logger;
  auto first = std::make_unique<SlobStrategy>(config(), logger);
  Run run;
  for (std::size_t i = 0; i < candles.size(); ++i) {
    if (i == cut) {
      auto exported = first->export_state();
      REQUIRE(exported.is_ok());
      auto next = std::make_unique<SlobStrategy>(config(), logger);
      REQUIRE(next->import_state(*exported).is_ok());
      first = std::move(next);
    }
    auto out = first->on_candle(candles[i]);
    REQUIRE(out.is_ok());
    run.take(*out);
  }
  return run;
}

}  // namespace

TEST_CASE("restart at every minute of the setups gives the uninterrupted run's output") {
  for (const auto& day : {worked_example(), mirror(worked_example())}) {
    const std::string expected = run_day(day).transcript();
    REQUIRE(!expected.empty());
    std::size_t checked = 0;
    for (std::size_t cut = 0; cut < day.size(); ++cut) {
      // Every minute from just before LIQ #1 until the last setup finished, plus a few others.
      const bool busy = day[cut].start >= jan6("15:25") && day[cut].start <= jan6("18:55");
      if (!busy && cut % 97 != 0) continue;
      INFO("restart before " << slob::sdk::format_rfc3339(day[cut].start));
      CHECK(run_with_restart(day, cut).transcript() == expected);
      ++checked;
    }
    CHECK(checked > 200);
  }
}

TEST_CASE("export is stable: same input twice gives byte-identical state and output") {
  const auto day = worked_example();
  RecordingLogger logger;
  SlobStrategy a(config(), logger);
  SlobStrategy b(config(), logger);
  Run ra, rb;
  feed(a, until(day, jan6("16:28")), ra);
  feed(b, until(day, jan6("16:28")), rb);
  CHECK(*a.export_state() == *b.export_state());
  CHECK(ra.transcript() == rb.transcript());
  // Export of an import is the same text.
  SlobStrategy c(config(), logger);
  REQUIRE(c.import_state(*a.export_state()).is_ok());
  CHECK(*c.export_state() == *a.export_state());
  const Json state = Json::parse(*a.export_state());
  CHECK(state["format"] == "slob-strategy-state");
  CHECK(state["version"] == 1);
  CHECK(state["day"] == "20260106");
  CHECK(state["lse_high"] == 25440.0);
  REQUIRE(state["candidates"].size() == 1);
  CHECK(state["candidates"][0]["state"] == "WAITING_ENTRY");
}

TEST_CASE("import rejects garbage with a clear status and keeps the previous state") {
  const auto day = worked_example();
  RecordingLogger logger;
  SlobStrategy s(config(), logger);
  Run run;
  feed(s, until(day, jan6("16:20")), run);
  const std::string before = *s.export_state();
  Json good = Json::parse(before);

  auto rejects = [&](const std::string& text, slob::sdk::StatusCode code, const std::string& says) {
    const auto st = s.import_state(text);
    CHECK(st.code() == code);
    CHECK_THAT(st.message(), Catch::Contains(says));
    CHECK(*s.export_state() == before);
  };
  rejects("not json", slob::sdk::StatusCode::kCorruption, "not valid JSON");
  rejects("{\"format\":\"other\"}", slob::sdk::StatusCode::kCorruption, "not a slob strategy state");
  Json v2 = good;
  v2["version"] = 2;
  rejects(v2.dump(), slob::sdk::StatusCode::kFailedPrecondition, "version 2");
  Json missing = good;
  missing["candidates"][0].erase("high_count");
  rejects(missing.dump(), slob::sdk::StatusCode::kCorruption, "high_count");
  Json wrong_type = good;
  wrong_type["candidates"][0]["high"] = "high";
  rejects(wrong_type.dump(), slob::sdk::StatusCode::kCorruption, "\"high\" must be a number");
  Json bad_time = good;
  bad_time["candidates"][0]["liq1_time"] = "yesterday";
  rejects(bad_time.dump(), slob::sdk::StatusCode::kCorruption, "liq1_time");
  Json finished = good;
  finished["candidates"][0]["state"] = "SETUP_COMPLETE";
  rejects(finished.dump(), slob::sdk::StatusCode::kCorruption, "not an active state");
  Json twice = good;
  twice["candidates"].push_back(good["candidates"][0]);
  rejects(twice.dump(), slob::sdk::StatusCode::kCorruption, "two active candidates");

  // Written under another trading-day zone: the day no longer matches.
  SlobStrategy tokyo(config({}, "Asia/Tokyo"), logger);
  const auto st = tokyo.import_state(before);
  CHECK(st.code() == slob::sdk::StatusCode::kFailedPrecondition);
  CHECK_THAT(st.message(), Catch::Contains("20260106"));
}

TEST_CASE("an imported fresh state is a fresh strategy") {
  RecordingLogger logger;
  SlobStrategy fresh(config(), logger);
  SlobStrategy s(config(), logger);
  REQUIRE(s.import_state(*fresh.export_state()).is_ok());
  CHECK(run_day(worked_example()).transcript() == [&] {
    Run r;
    feed(s, worked_example(), r);
    return r.transcript();
  }());
}
