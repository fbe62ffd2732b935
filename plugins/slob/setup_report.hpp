#pragma once

// What a setup reports (slob-rules.md, "What a finished setup reports"), in real prices and
// literal high/low terms: for LONG the swept extreme is the LOW (low_time, low_confirm_time) and
// the consolidation's top is the HIGH, so a LONG mirror of a SHORT day swaps high_* and low_*.
//
// ReportView is the comparable snapshot the strategy uses to emit an update only when a reported
// field changed; to_json() is the SetupRecord.report text and the scan command's output line.

#include <optional>
#include <string>

#include "candidate.hpp"
#include "slob/sdk/records.hpp"

namespace slob::plugins::slob {

struct ReportView {
  State state = State::kWatchingConsol;
  Reason reason = Reason::kNone;
  sdk::Time liq1_time;
  double liq1_price = 0;
  double high = 0;
  sdk::Time high_time;
  std::optional<sdk::Time> high_confirm_time;
  double low = 0;
  sdk::Time low_time;
  std::optional<sdk::Time> low_confirm_time;
  std::optional<sdk::Time> liq2_time;
  std::optional<double> liq2_price;
  std::optional<sdk::Time> nowick_time;
  std::optional<double> spike;
  std::optional<sdk::Time> entry_time;
  std::optional<double> entry;
  std::optional<double> stop;
  std::optional<double> target;
  std::optional<double> rr;
  std::optional<sdk::Time> end_time;

  bool operator==(const ReportView&) const = default;
};

ReportView report_view(const Candidate& c);

// One JSON object, fields in a fixed order; times RFC 3339 UTC, null when not reached.
std::string report_json(const Candidate& c, const ReportView& view);

// The record the store keeps for `c`; `updated` is the start of the candle (or hole) that
// changed it, so replays and restarts write identical records.
sdk::SetupRecord setup_record(const Candidate& c, const ReportView& view, sdk::Time updated);

}  // namespace slob::plugins::slob
