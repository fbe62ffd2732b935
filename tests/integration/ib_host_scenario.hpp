#pragma once

// One scripted NQ morning for the ib-in-slob-host tests (ib_host_test.cpp): 1-minute candles on
// Monday 5 January 2099 (a weekday whose previous day is a Sunday, far ahead of any wall clock
// so the host's candle builder closes every minute by its :55 bar) expanded into the 5-second
// bars the gateway simulator streams, with pauses where a test acts.
//
// With the strategy config of kStrategyConfig (a short London window and short confirmations)
// the bars make exactly one SHORT setup, 20990105-S-HH05 (its id carries the New York open, 08:05
// UTC, in the trading day's zone: 0905 in Stockholm): London 09:00–09:04 Stockholm sets the
// LSE high 20010 and low 19990; LIQ #1 at 09:05, HIGH 20030 at 09:06, LOW 20005 at 09:08, the
// no-wick candle at 09:11, LIQ #2 at 09:12 (spike 20034), trigger at 09:13 closing 20014: entry
// 20014, stop 20035, target 19989, 2 contracts on the simulator's 100,000 of equity.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace slob::test::ib_host {

// 2099-01-05T07:55:00Z = 08:55 in Stockholm (UTC+1 in January).
constexpr std::int64_t kScriptStart = 4071282900;

constexpr const char* kStrategyConfig =
    "ny_open = \"09:05 Europe/Stockholm\"\n"
    "high_confirm_minutes = 2\n"
    "low_confirm_minutes = 2\n"
    "consol_min_minutes = 3\n"
    "liq2_min_wait_minutes = 1\n";

struct Minute {
  double open, high, low, close;
};

// A pause marker between minutes: the simulator stops streaming there until `bars on`.
struct Step {
  bool pause = false;
  Minute minute{};
};

// The script, in order. Pauses: 1 after London (the daemon connects there and backfills it),
// 2 after the trigger candle (the bracket is placed), 3 after the entry fill, 4 after the
// take-profit fill.
inline std::vector<Step> morning() {
  auto m = [](double o, double h, double l, double c) { return Step{false, {o, h, l, c}}; };
  const Step pause{true, {}};
  return {
      // 08:55–08:59: before London.
      m(20000, 20001, 19999, 20000), m(20000, 20001, 19999, 20001), m(20001, 20002, 20000, 20000),
      m(20000, 20001, 19998, 19999), m(19999, 20001, 19998, 20000),
      // 09:00–09:04: London. LSE high 20010 (09:01), low 19990 (09:03).
      m(20000, 20004, 19996, 20002), m(20002, 20010, 20001, 20006), m(20006, 20007, 19995, 19997),
      m(19997, 19999, 19990, 19994), m(19994, 20004, 19993, 20003),
      pause,
      // 09:05 LIQ #1, 09:06 HIGH, 09:07–09:08 pull back (HIGH confirmed, LOW 20005), 09:09–09:10
      // LOW confirmed, 09:11 no-wick candle, 09:12 LIQ #2, 09:13 trigger.
      m(20003, 20015, 20002, 20012), m(20012, 20030, 20011, 20025), m(20025, 20028, 20010, 20012),
      m(20012, 20018, 20005, 20008), m(20008, 20015, 20006, 20014), m(20014, 20020, 20012, 20018),
      m(20018, 20026, 20018, 20026), m(20026, 20034, 20020, 20021), m(20021, 20023, 20012, 20014),
      pause,
      // 09:14: trades at 20014 (the short entry fills).
      m(20014, 20016, 20013, 20015),
      pause,
      // 09:15: down through 19989 (the take-profit fills).
      m(20015, 20015, 19985, 19986),
      pause,
  };
}

// Live minutes from pause 1 to pause 2 (09:05–09:13).
constexpr int kSetupMinutes = 9;

inline double to_tick(double p) { return std::round(p * 4.0) / 4.0; }

// The simulator's --script CSV: each minute as twelve 5-second bars whose aggregate is exactly
// the minute (open → first extreme → second extreme → close, the low first for a rising minute).
inline std::string script_csv(const std::vector<Step>& steps, std::int64_t start = kScriptStart) {
  std::string csv = "time,open,high,low,close,volume\n";
  std::int64_t t = start;
  for (const Step& s : steps) {
    if (s.pause) {
      csv += "pause\n";
      continue;
    }
    const Minute& m = s.minute;
    const bool rising = m.close >= m.open;
    const double first = rising ? m.low : m.high;
    const double second = rising ? m.high : m.low;
    // Thirteen points: 0 open, 4 first extreme, 8 second extreme, 12 close.
    double p[13];
    for (int i = 0; i <= 12; ++i) {
      const double a = i <= 4 ? m.open : i <= 8 ? first : second;
      const double b = i <= 4 ? first : i <= 8 ? second : m.close;
      const int k = i <= 4 ? i : i <= 8 ? i - 4 : i - 8;
      p[i] = to_tick(a + (b - a) * k / 4.0);
    }
    for (int i = 0; i < 12; ++i) {
      const double o = p[i], c = p[i + 1];
      csv += std::to_string(t + 5 * i) + "," + std::to_string(o) + "," + std::to_string(std::max(o, c)) + "," +
             std::to_string(std::min(o, c)) + "," + std::to_string(c) + ",10\n";
    }
    t += 60;
  }
  return csv;
}

}  // namespace slob::test::ib_host
