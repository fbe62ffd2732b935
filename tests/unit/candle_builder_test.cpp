// The core's candle builder on the simulated clock: no sleeps, no real time.

#include <chrono>
#include <vector>

#include <catch2/catch.hpp>

#include "trading/candle_builder.hpp"
#include "runtime/simulated_clock.hpp"
#include "test_host_services.hpp"

using slob::core::CandleBuilder;
using slob::core::SimulatedClock;
using slob::sdk::Bar;
using slob::sdk::Candle;
using slob::sdk::Time;
using namespace std::chrono_literals;

namespace {

const Time kT0 = *slob::sdk::parse_rfc3339("2026-01-06T14:30:00Z");

struct Fixture {
  SimulatedClock clock{kT0};
  slob::test::RecordingLogger logger;
  std::vector<Candle> candles;
  std::vector<Time> holes;
  std::vector<std::string> order;  // "c <time>" / "h <time>" in callback order
  CandleBuilder builder;

  explicit Fixture(CandleBuilder::Options options = {})
      : builder(clock, logger, options,
                [this](const Candle& c) {
                  candles.push_back(c);
                  order.push_back("c " + slob::sdk::format_rfc3339(c.start));
                },
                [this](Time t) {
                  holes.push_back(t);
                  order.push_back("h " + slob::sdk::format_rfc3339(t));
                }) {}

  // A 5-second bar `i` (0..11) of the minute starting at `minute`, delivered at its end.
  void five(Time minute, int i, double o, double h, double l, double c, double v = 1) {
    const Bar b{minute + i * 5s, 5s, o, h, l, c, v, false};
    clock.advance_to(b.start + b.span);
    builder.on_bar(b);
  }
  void minute_bar(Time minute, double o, double h, double l, double c, bool backfill = false) {
    builder.on_bar(Bar{minute, 1min, o, h, l, c, 10, backfill});
  }
  void tick(Time at, double price) {
    clock.advance_to(std::max(clock.now(), at));
    builder.on_bar(Bar{at, 0s, price, price, price, price, 1, false});
  }
};

}  // namespace

TEST_CASE("candle builder: 5-second bars close the minute at the :55 bar, not later") {
  Fixture f;
  for (int i = 0; i < 11; ++i) f.five(kT0, i, 100 + i, 101 + i, 99 + i, 100.5 + i);
  CHECK(f.candles.empty());
  f.five(kT0, 11, 111, 120, 90, 112);
  REQUIRE(f.candles.size() == 1);
  const Candle& c = f.candles[0];
  CHECK(c.start == kT0);  // the bar's own time, not the clock's
  CHECK(c.open == 100);
  CHECK(c.high == 120);
  CHECK(c.low == 90);
  CHECK(c.close == 112);
  CHECK(c.volume == 12);
  CHECK(f.clock.now() == kT0 + 60s);
  CHECK(f.builder.last_closed() == kT0);
}

TEST_CASE("candle builder: without the last bar the clock closes at minute end + grace") {
  Fixture f(CandleBuilder::Options{3s, 5});
  f.tick(kT0 + 1s, 10);
  f.tick(kT0 + 30s, 12);
  f.tick(kT0 + 59s, 11);
  f.clock.advance_to(kT0 + 63s - 1us);
  CHECK(f.candles.empty());
  f.clock.advance_to(kT0 + 63s);
  REQUIRE(f.candles.size() == 1);
  CHECK(f.candles[0] == Candle{kT0, 10, 12, 10, 11, 3});
}

TEST_CASE("candle builder: data for a later minute closes the open one at once") {
  Fixture f;
  f.tick(kT0 + 10s, 10);
  f.tick(kT0 + 60s, 11);  // 14:31:00
  REQUIRE(f.candles.size() == 1);
  CHECK(f.candles[0].start == kT0);
  CHECK(f.candles[0].close == 10);
}

TEST_CASE("candle builder: a minute without data is a hole, reported by the clock, never a candle") {
  Fixture f(CandleBuilder::Options{2s, 3});
  f.minute_bar(kT0, 10, 11, 9, 10);
  f.clock.advance_to(kT0 + 122s - 1us);  // 14:31 ends at 14:32:00, + 2 s grace
  CHECK(f.holes.empty());
  f.clock.advance_to(kT0 + 122s);
  REQUIRE(f.holes.size() == 1);
  CHECK(f.holes[0] == kT0 + 1min);
  // Silence overnight: at most max_hole_run holes in a row, then nothing.
  f.clock.advance_to(kT0 + 10h);
  CHECK(f.holes.size() == 3);
  CHECK(f.holes[2] == kT0 + 3min);
  CHECK(f.candles.size() == 1);
  CHECK(f.builder.counters().holes == 3);
  // Data returns: a candle again, no late holes for the silent hours.
  f.clock.advance_to(kT0 + 10h + 1min);
  f.minute_bar(kT0 + 10h, 12, 13, 11, 12);
  CHECK(f.candles.size() == 2);
  CHECK(f.holes.size() == 3);
}

TEST_CASE("candle builder: holes before a later minute's data are reported first, in order") {
  Fixture f;
  f.minute_bar(kT0, 10, 11, 9, 10);
  f.minute_bar(kT0 + 3min, 10, 11, 9, 10);  // the clock never moved: arrival reports the holes
  CHECK(f.order == std::vector<std::string>{"c 2026-01-06T14:30:00Z", "h 2026-01-06T14:31:00Z",
                                            "h 2026-01-06T14:32:00Z", "c 2026-01-06T14:33:00Z"});
  // A bar for a minute already reported as a hole is late.
  f.minute_bar(kT0 + 2min, 10, 11, 9, 10);
  CHECK(f.builder.counters().dropped_late == 1);
}

TEST_CASE("candle builder: no holes before the first data") {
  Fixture f;
  f.clock.advance_to(kT0 + 1h);
  CHECK(f.holes.empty());
  CHECK(f.candles.empty());
}

TEST_CASE("candle builder: duplicates and out-of-order input are dropped, counted and logged") {
  Fixture f;
  f.five(kT0, 0, 10, 11, 9, 10);
  f.five(kT0, 1, 10, 12, 9, 11);
  f.builder.on_bar(Bar{kT0 + 5s, 5s, 10, 50, 1, 11, 1, false});  // repeated 5 s bar
  f.builder.on_bar(Bar{kT0, 5s, 10, 50, 1, 11, 1, false});       // older one
  f.builder.on_bar(Bar{kT0, 1min, 10, 50, 1, 11, 1, false});     // a 1-minute bar on top
  CHECK(f.builder.counters().dropped_out_of_order == 3);
  for (int i = 2; i < 12; ++i) f.five(kT0, i, 11, 12, 10, 11);
  REQUIRE(f.candles.size() == 1);
  CHECK(f.candles[0].high == 12);  // nothing of the dropped bars was merged
  CHECK(f.candles[0].low == 9);
  // After the close: anything for that minute is late and never merged into it.
  f.builder.on_bar(Bar{kT0 + 55s, 5s, 11, 99, 1, 11, 1, false});
  CHECK(f.builder.counters().dropped_late == 1);
  CHECK(f.candles.size() == 1);
  CHECK(f.builder.dropped_count() == 4);
  CHECK(f.logger.contains_id("SLOB_CANDLE_INPUT_DROPPED"));
}

TEST_CASE("candle builder: malformed bars are dropped") {
  Fixture f;
  f.builder.on_bar(Bar{kT0, 7s, 10, 11, 9, 10, 1, false});        // 7 s does not divide a minute
  f.builder.on_bar(Bar{kT0 + 3s, 5s, 10, 11, 9, 10, 1, false});   // not aligned to its span
  f.builder.on_bar(Bar{kT0, 5s, 10, 9, 11, 10, 1, false});        // high below low
  f.builder.on_bar(Bar{kT0, 2min, 10, 11, 9, 10, 1, false});      // longer than a minute
  f.builder.on_bar(Bar{kT0, 5s, 10, 11, 9, 10, -1, false});       // negative volume
  CHECK(f.builder.counters().dropped_malformed == 5);
  CHECK(f.candles.empty());
}

TEST_CASE("candle builder: backfill then live, no minute processed twice") {
  Fixture f;
  f.clock.advance_to(kT0 + 5min + 30s);
  for (int m = 0; m < 5; ++m) f.minute_bar(kT0 + m * 1min, 10 + m, 11 + m, 9 + m, 10 + m, true);
  CHECK(f.candles.size() == 5);
  // The live stream starts inside 14:34 (already closed from the backfill): dropped as late.
  f.builder.on_bar(Bar{kT0 + 4min + 50s, 5s, 1, 1, 1, 1, 1, false});
  CHECK(f.builder.counters().dropped_late == 1);
  for (int i = 0; i < 12; ++i) f.five(kT0 + 5min, i, 20, 21, 19, 20);
  REQUIRE(f.candles.size() == 6);
  CHECK(f.candles[5].start == kT0 + 5min);
  CHECK(f.holes.empty());
}

TEST_CASE("candle builder: resume_after drops what a previous run already handled") {
  Fixture f;
  f.builder.resume_after(kT0 + 2min);
  f.clock.advance_to(kT0 + 3min + 1s);  // before 14:33's deadline: no hole yet
  for (int m = 0; m < 5; ++m) f.minute_bar(kT0 + m * 1min, 10, 11, 9, 10, true);
  CHECK(f.builder.counters().dropped_late == 3);
  REQUIRE(f.candles.size() == 2);
  CHECK(f.candles[0].start == kT0 + 3min);
  CHECK(f.holes.empty());
}

TEST_CASE("candle builder: destroying it cancels its timer") {
  SimulatedClock clock{kT0};
  slob::test::RecordingLogger logger;
  int calls = 0;
  {
    CandleBuilder b(clock, logger, {}, [&](const Candle&) { ++calls; }, [&](Time) { ++calls; });
    b.on_bar(Bar{kT0, 0s, 1, 1, 1, 1, 1, false});
    CHECK(clock.pending_timers() == 1);
  }
  CHECK(clock.pending_timers() == 0);
  clock.advance_to(kT0 + 1h);
  CHECK(calls == 0);
}
