#pragma once

// `slob-host --config FILE scan DATA.csv`: runs a strategy over a file of 1-minute bars
// (ARCHITECTURE §10) and prints every finished setup's report as one JSON line, in the order the
// setups finished.
//
// The rows go through the same CandleBuilder as live bars (as 1-minute bars, the simulated clock
// moved to each bar's end first), so the strategy sees exactly the candles and holes a live run
// over the same data would. Setups still active at the end of the file are not printed.
//
// Fails, with nothing more read, on the first malformed row ("data.csv:17: ...") or the first
// error the strategy returns ("data.csv:17: strategy: ..."). Output written before the error
// stays written.

#include <istream>
#include <ostream>
#include <string>

#include "trading/candle_builder.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/strategy.hpp"

namespace slob::core {

sdk::Status run_strategy_scan(sdk::Strategy& strategy, std::istream& csv,
                              const std::string& csv_name, std::ostream& out,
                              const CandleBuilder::Options& options = {});

}  // namespace slob::core
