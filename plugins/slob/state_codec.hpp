#pragma once

// The strategy's exported state: a versioned JSON object holding everything a new instance needs
// to continue exactly where the old one stopped (the day's London levels, the last candle, every
// active candidate with all its counters). Times are RFC 3339 UTC strings (microseconds kept);
// prices are JSON numbers, which round-trip doubles exactly.
//
//   {"format":"slob-strategy-state","version":1,"day":"20260106","lse_high":25440.0,...,
//    "last_candle":{...},"candidates":[{...}]}
//
// decode_state() accepts only this format and version and checks every field's type; anything
// else is a Status naming the first problem.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "candidate.hpp"
#include "slob/sdk/market.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::slob {

inline constexpr const char* kStateFormat = "slob-strategy-state";
inline constexpr int kStateVersion = 1;

struct EngineState {
  std::optional<sdk::Candle> last_candle;
  std::string day;  // trading day key of last_candle; empty when none
  std::optional<double> lse_high;  // London levels of `day` so far
  std::optional<double> lse_low;
  std::vector<Candidate> candidates;  // active ones, in creation order
};

std::string encode_state(const EngineState& state);
sdk::Result<EngineState> decode_state(std::string_view text);

}  // namespace slob::plugins::slob
