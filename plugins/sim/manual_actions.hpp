#pragma once

// The sim's operator hook (README.md "Manual actions"): what a trader does by hand in the same
// account while the bot runs — a market order from another client, a cancel of one of the bot's
// orders, closing the position — scripted in a file so the live-reconciliation paths can be
// exercised without IB, in a replay as in a paced run.
//
// One action per line, `TIME VERB [ARGUMENT]`, `#` starts a comment:
//   2026-01-14T15:40:00Z buy 1                        another client buys 1 at market
//   2026-01-14T15:40:00Z sell 2                       another client sells 2 at market
//   2026-01-14T15:41:00Z cancel slob:20260114-S-1533:sl   one of the bot's orders cancelled by hand
//   2026-01-14T15:42:00Z close                        every working order of the bot cancelled,
//                                                     then the position closed at market
// An action takes effect in the first bar starting at or after TIME, before that bar is evaluated
// (a market order fills at its open). Actions apply as part of the bar's evaluation, so the
// persisted `evaluated_through` says which ones already happened: each happens once, across
// restarts.

#include <cstdint>
#include <string>
#include <vector>

#include "slob/sdk/orders.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::sim {

struct ManualAction {
  enum class Verb { kBuy, kSell, kCancel, kClose };
  sdk::Time time{};
  Verb verb = Verb::kBuy;
  std::int64_t quantity = 0;  // buy, sell
  std::string client_ref;     // cancel
  std::string where;          // FILE:LINE, for the log line
};

// Reads `path`; errors name FILE:LINE. Actions come back sorted by time (stable: equal times keep
// file order).
sdk::Result<std::vector<ManualAction>> load_manual_actions(const std::string& path);

}  // namespace slob::plugins::sim
