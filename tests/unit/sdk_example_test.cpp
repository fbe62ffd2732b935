// The SDK's example plugin (sdk/example/, libslob-breakout.so), loaded the way the host loads
// it: the breakout it reports, its state round trip and its config errors.

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <map>
#include <string>
#include <variant>

#include "plugins/plugin_loader.hpp"
#include "runtime/simulated_clock.hpp"
#include "slob/sdk/strategy.hpp"

namespace {

using slob::sdk::Candle;

struct Host {
  boost::asio::io_context io;
  slob::core::SimulatedClock clock;
  slob::core::SimulatedClock wall;
  slob::core::HostLoop loop{io, clock, wall, nullptr, ".", ".", false, {}};
  slob::core::PluginLoader loader{{SLOB_TEST_PLUGIN_DIR}, false};

  std::unique_ptr<slob::core::PluginInstance<slob::sdk::Strategy>> breakout(
      std::map<std::string, std::variant<std::int64_t, double>> values) {
    auto lib = loader.load("breakout", slob::sdk::PluginKind::kStrategy);
    REQUIRE(lib.is_ok());
    auto inst = slob::core::PluginLoader::create_strategy(*lib, table(values), loop);
    REQUIRE(inst.is_ok());
    return std::move(*inst);
  }

  static slob::sdk::ConfigTable table(
      const std::map<std::string, std::variant<std::int64_t, double>>& values) {
    slob::sdk::ConfigTable t{"strategy.config", {"slob.toml", 20, 1}, {}};
    int line = 21;
    for (const auto& [key, v] : values) {
      slob::sdk::ConfigValue cv;
      std::visit([&](auto x) { cv.value = x; }, v);
      cv.position = {"slob.toml", line++, 1};
      t.values[key] = cv;
    }
    return t;
  }
};

Candle candle(int minute, double high, double low, double close) {
  Candle c;
  c.start = *slob::sdk::parse_rfc3339("2026-01-06T14:00:00Z") + std::chrono::minutes(minute);
  c.open = close;
  c.high = high;
  c.low = low;
  c.close = close;
  c.volume = 10;
  return c;
}

}  // namespace

TEST_CASE("sdk example: a close above the channel is a complete LONG setup with its bracket") {
  Host host;
  auto s = host.breakout({{"lookback", std::int64_t{3}}, {"reward_risk", 2.0}});
  CHECK(s->name() == "breakout");
  for (int m = 0; m < 3; ++m) REQUIRE(s->get().on_candle(candle(m, 100.5, 99.0, 100.0))->empty());
  // Inside the channel: nothing.
  REQUIRE(s->get().on_candle(candle(3, 100.5, 99.5, 100.25))->empty());

  auto out = s->get().on_candle(candle(4, 101.25, 100.0, 101.0));
  REQUIRE(out.is_ok());
  REQUIRE(out->updates.size() == 1);
  const auto& u = out->updates[0];
  CHECK(u.finished());
  CHECK(u.outcome == slob::sdk::SetupOutcome::kComplete);
  CHECK_FALSE(u.record.live);
  CHECK(u.record.id == "brk-202601061404-L");
  CHECK(u.record.state == "SETUP_COMPLETE");
  CHECK(u.record.direction == slob::sdk::Direction::kLong);
  REQUIRE(out->intents.size() == 1);
  const auto& i = out->intents[0];
  CHECK(i.setup_id == u.record.id);
  CHECK(i.entry == 101.0);
  CHECK(i.stop == 99.0);          // lowest low of the three candles before
  CHECK(i.target == 105.0);       // 2 x (101 - 99) above the entry
  CHECK(i.time == candle(4, 0, 0, 0).start);

  // The channel starts over: three more candles before the next setup can come.
  for (int m = 5; m < 8; ++m) REQUIRE(s->get().on_candle(candle(m, 90.0, 80.0, 81.0))->empty());
  auto shorted = s->get().on_candle(candle(8, 81.0, 79.0, 79.5));
  REQUIRE(shorted->intents.size() == 1);
  CHECK(shorted->intents[0].direction == slob::sdk::Direction::kShort);
  CHECK(shorted->intents[0].stop == 90.0);
  CHECK(shorted->intents[0].target == 58.5);  // 79.5 - 2 x 10.5, on the 0.25 tick
}

TEST_CASE("sdk example: an imported state continues the channel exactly") {
  Host host;
  auto a = host.breakout({{"lookback", std::int64_t{3}}});
  auto b = host.breakout({{"lookback", std::int64_t{3}}});
  a->get().on_candle(candle(0, 100.5, 99.0, 100.0));
  a->get().on_candle(candle(1, 100.75, 99.25, 100.0));
  a->get().on_candle(candle(2, 100.1, 98.9, 100.0));
  auto state = a->get().export_state();
  REQUIRE(state.is_ok());
  REQUIRE(b->get().import_state(*state).is_ok());

  const Candle next = candle(3, 101.0, 100.0, 100.8);
  auto from_a = a->get().on_candle(next);
  auto from_b = b->get().on_candle(next);
  REQUIRE(from_a->intents.size() == 1);
  REQUIRE(from_b->intents.size() == 1);
  CHECK(from_b->intents[0].stop == from_a->intents[0].stop);
  CHECK(from_b->intents[0].target == from_a->intents[0].target);
  CHECK(from_b->updates[0].record.report == from_a->updates[0].record.report);
}

TEST_CASE("sdk example: a damaged state is refused and the old one kept") {
  Host host;
  auto s = host.breakout({{"lookback", std::int64_t{2}}});
  s->get().on_candle(candle(0, 100.0, 99.0, 99.5));
  const std::string before = *s->get().export_state();
  for (const char* bad : {"", "breakout-v1 3 1 0 1 0 1 0", "breakout-v1 1 99 100",
                          "breakout-v1 1 100 99 extra", "other 0"}) {
    CAPTURE(bad);
    auto st = s->get().import_state(bad);
    CHECK_FALSE(st.is_ok());
    CHECK_THAT(st.message(), Catch::Contains("breakout: stored state refused"));
    CHECK(*s->get().export_state() == before);
  }
}

TEST_CASE("sdk example: a bad [strategy.config] is refused with every error and its position") {
  Host host;
  auto lib = host.loader.load("breakout", slob::sdk::PluginKind::kStrategy);
  REQUIRE(lib.is_ok());
  auto inst = slob::core::PluginLoader::create_strategy(
      *lib, Host::table({{"lookback", std::int64_t{1}}, {"reward_rsk", 2.0}}), host.loop);
  REQUIRE_FALSE(inst.is_ok());
  CHECK_THAT(inst.status().message(), Catch::Contains("slob.toml:21:1:"));
  CHECK_THAT(inst.status().message(), Catch::Contains("lookback must be between 2 and 10000"));
  CHECK_THAT(inst.status().message(), Catch::Contains("unknown key \"reward_rsk\""));
}
