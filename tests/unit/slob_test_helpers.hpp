#pragma once

// Helpers for the slob strategy tests: candles at Stockholm wall-clock times, the worked-example
// fixture, price mirrors, and a runner that records everything the strategy says.

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "slob/sdk/candle_csv.hpp"
#include "slob/sdk/config.hpp"
#include "slob/sdk/strategy.hpp"
#include "slob_config.hpp"
#include "slob_strategy.hpp"
#include "test_host_services.hpp"

namespace slob::test {

using sdk::Candle;
using sdk::Time;
using Json = nlohmann::json;

inline const std::string kWorkedExample =
    std::string(SLOB_TEST_FIXTURES_DIR) + "/slob/worked_example_20260106.csv";

// The UTC instant of a Stockholm wall-clock time "HH:MM" on y-m-d.
inline Time sthlm(int y, unsigned m, unsigned d, const std::string& hhmm) {
  const int h = std::stoi(hhmm.substr(0, 2));
  const int mi = std::stoi(hhmm.substr(3, 2));
  const auto local = date::local_days{date::year{y} / m / d} + std::chrono::hours(h) +
                     std::chrono::minutes(mi);
  return std::chrono::time_point_cast<sdk::Duration>(
      date::locate_zone("Europe/Stockholm")->to_sys(local));
}

inline Time jan6(const std::string& hhmm) { return sthlm(2026, 1, 6, hhmm); }

inline Time utc(const std::string& rfc3339) { return *sdk::parse_rfc3339(rfc3339); }

inline std::vector<Candle> load_csv(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  sdk::CandleCsvReader reader(in, path);
  std::vector<Candle> out;
  Candle c;
  for (;;) {
    auto more = reader.next(c);
    REQUIRE(more.is_ok());
    if (!*more) break;
    out.push_back(c);
  }
  return out;
}

inline std::vector<Candle> worked_example() { return load_csv(kWorkedExample); }

// The exact price mirror around `axis`: p -> axis - p, high and low swapped.
inline std::vector<Candle> mirror(const std::vector<Candle>& in, double axis = 51000) {
  std::vector<Candle> out;
  for (const Candle& c : in)
    out.push_back({c.start, axis - c.open, axis - c.low, axis - c.high, axis - c.close, c.volume});
  return out;
}

inline std::vector<Candle> shifted(const std::vector<Candle>& in, sdk::Duration by) {
  std::vector<Candle> out;
  for (Candle c : in) {
    c.start += by;
    out.push_back(c);
  }
  return out;
}

// Candles strictly before `t`.
inline std::vector<Candle> until(const std::vector<Candle>& in, Time t) {
  std::vector<Candle> out;
  for (const Candle& c : in)
    if (c.start < t) out.push_back(c);
  return out;
}

inline Candle& at(std::vector<Candle>& day, Time t) {
  for (Candle& c : day)
    if (c.start == t) return c;
  FAIL("no candle at " << sdk::format_rfc3339(t));
  return day.front();
}

inline void set(std::vector<Candle>& day, Time t, double o, double h, double l, double c) {
  Candle& x = at(day, t);
  x.open = o;
  x.high = h;
  x.low = l;
  x.close = c;
}

inline void erase(std::vector<Candle>& day, Time t) {
  for (auto it = day.begin(); it != day.end(); ++it)
    if (it->start == t) {
      day.erase(it);
      return;
    }
  FAIL("no candle at " << sdk::format_rfc3339(t));
}

// A [strategy.config] table; values are TOML-like: int64, double, string.
inline sdk::ConfigTable config_table(
    std::map<std::string, std::variant<std::int64_t, double, std::string>> values = {}) {
  sdk::ConfigTable t{"strategy.config", {"slob.toml", 10, 1}, {}};
  int line = 11;
  for (auto& [k, v] : values) {
    sdk::ConfigValue cv;
    std::visit([&](auto&& x) { cv.value = x; }, v);
    cv.position = {"slob.toml", line++, 1};
    t.values[k] = cv;
  }
  return t;
}

// `zone`: the trading day's zone, [risk] timezone in the host.
inline plugins::slob::SlobConfig config(
    std::map<std::string, std::variant<std::int64_t, double, std::string>> values = {},
    const std::string& zone = "Europe/Stockholm") {
  auto c = plugins::slob::parse_slob_config(config_table(std::move(values)), zone);
  REQUIRE(c.is_ok());
  return *c;
}

// Everything a strategy said over a run.
struct Run {
  std::vector<sdk::SetupUpdate> updates;
  std::vector<sdk::BracketIntent> intents;
  std::vector<Json> finished;  // reports of finished setups, in order

  void take(const sdk::StrategyOutput& out) {
    for (const auto& u : out.updates) {
      updates.push_back(u);
      if (u.finished()) finished.push_back(Json::parse(u.record.report));
    }
    for (const auto& i : out.intents) intents.push_back(i);
  }

  // A byte string of everything, to compare runs.
  std::string transcript() const {
    std::ostringstream s;
    for (const auto& u : updates)
      s << u.record.id << ' ' << u.record.state << ' ' << u.record.live << ' ' << u.finished() << ' '
        << sdk::format_rfc3339(u.record.updated) << ' ' << u.record.report << '\n';
    for (const auto& i : intents)
      s << "intent " << i.setup_id << ' ' << i.entry << ' ' << i.stop << ' ' << i.target << ' '
        << sdk::format_rfc3339(i.time) << '\n';
    return s.str();
  }
};

inline void feed(sdk::Strategy& s, const std::vector<Candle>& candles, Run& run) {
  for (const Candle& c : candles) {
    auto out = s.on_candle(c);
    REQUIRE(out.is_ok());
    run.take(*out);
  }
}

// Runs a fresh strategy with `cfg` over `candles`.
inline Run run_day(const std::vector<Candle>& candles,
                   const plugins::slob::SlobConfig& cfg = config()) {
  RecordingLogger logger;
  plugins::slob::SlobStrategy s(cfg, logger);
  Run run;
  feed(s, candles, run);
  return run;
}

inline std::vector<Json> finished_of(const Run& run, const std::string& direction) {
  std::vector<Json> out;
  for (const auto& j : run.finished)
    if (j["direction"] == direction) out.push_back(j);
  return out;
}

}  // namespace slob::test
