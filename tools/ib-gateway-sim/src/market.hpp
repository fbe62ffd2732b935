#pragma once

// The simulated market: a 5-second bar stream (from a CSV script, then generated), 1-minute
// history for any past range, and a price target a test can set to trigger fills.
//
// Deterministic for a given seed and start time: generated bars come from a fixed PRNG walk.
// History is what was streamed, aggregated per minute (as at IB), and a pure function of the
// minute before the stream began, so tests can predict candles.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim_types.hpp"
#include "slob/sdk/status.hpp"

namespace slob::tools::ib_gateway_sim {

class MarketFeed {
 public:
  MarketFeed(double start_price, std::int64_t start_time, std::uint64_t seed);

  // CSV `time,open,high,low,close,volume` (time RFC 3339 UTC or epoch seconds), 5-second bars
  // played before generated ones. A line `pause` stops the stream at that point (the gateway
  // turns its bars off until `bars on`), so a test can act between two scripted bars. Errors
  // name the file and line.
  sdk::Status load_script(const std::string& path);
  // True once when the stream reached a scripted pause.
  bool take_pause();

  // The next 5-second bar; market time moves to its end.
  SimBar next_bar();
  // The next generated bar moves to `price` (and so touches everything in between).
  void set_target(double price) { target_ = price; }

  std::int64_t now() const { return now_; }
  double last() const { return last_; }

  // 1-minute bars with start in [from, to); the minute in progress at now() is partial, as TWS
  // sends it.
  std::vector<SimBar> minute_bars(std::int64_t from, std::int64_t to) const;

 private:
  double history_close(std::int64_t minute) const;
  std::uint64_t rand();

  std::int64_t now_;
  double last_;
  double base_;
  std::uint64_t state_;
  std::optional<double> target_;
  std::deque<SimBar> script_;
  std::deque<std::size_t> pauses_;  // script bars played before each pause
  std::size_t script_played_ = 0;
  // Every streamed minute, aggregated from its bars: history matches what was streamed.
  std::map<std::int64_t, SimBar> streamed_;
};

// Rounds to the NQ tick (0.25).
double to_tick(double price);

}  // namespace slob::tools::ib_gateway_sim
