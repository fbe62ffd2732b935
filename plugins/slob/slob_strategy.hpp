#pragma once

// The 5/1 SLOB strategy (slob-rules.md): completed 1-minute candles in, setup updates and one
// bracket intent per complete setup out.
//
// Per candle, in this order (rules "Counting time" and "Precedence"):
//   1. a new trading day resets the London levels;
//   2. cut-off (rule 9), then gap (rule 8), for every active candidate;
//   3. every active candidate advances (rules 2-7), in order of creation;
//   4. the candle extends the London levels when it starts inside the London window;
//   5. in the New York window of a weekday with London levels, a candle beyond a level creates
//      a candidate of that direction when none of that direction is active (rule 1).
// Holes (on_hole) finish active candidates as early as their fate is certain: a hole at or after
// the cut-off is market_closed, and a hole that makes more than max_missing_minutes missing
// candles since the last candle is gap_detected. See README.md, "Decisions".
//
// Threading: loop thread only. Deterministic: output depends on the input sequence alone.
// Contract failures (a candle not after the previous one, malformed prices) return
// invalid_argument and change nothing.

#include <optional>
#include <string>
#include <vector>

#include "candidate.hpp"
#include "setup_report.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/strategy.hpp"
#include "slob_config.hpp"
#include "state_codec.hpp"
#include "trading_calendar.hpp"

namespace slob::plugins::slob {

class SlobStrategy final : public sdk::Strategy {
 public:
  // `logger` must outlive the strategy.
  SlobStrategy(const SlobConfig& config, sdk::Logger& logger);

  sdk::Result<sdk::StrategyOutput> on_candle(const sdk::Candle& candle) override;
  sdk::Result<sdk::StrategyOutput> on_hole(sdk::Time minute_start) override;
  sdk::Result<std::string> export_state() const override;
  sdk::Status import_state(std::string_view state) override;

  // Active candidates, in creation order (for status and tests).
  std::vector<Candidate> active_candidates() const;

 private:
  struct Slot {
    Candidate candidate;
    std::optional<ReportView> reported;  // what the last update said; unset: never announced
  };

  void enter_day(sdk::Time t);
  void end_all(Reason why, sdk::Time when);
  void create_candidates(const sdk::Candle& c);
  // Emits updates for changed slots, the intent of a completed one, and drops finished slots.
  void publish(sdk::Time when, sdk::StrategyOutput& out);

  SlobConfig config_;
  TradingCalendar calendar_;
  sdk::Logger& logger_;

  std::optional<TradingDay> day_;
  std::optional<double> lse_high_;
  std::optional<double> lse_low_;
  std::optional<sdk::Candle> last_candle_;
  std::vector<Slot> slots_;
};

}  // namespace slob::plugins::slob
