#pragma once

// The data of the dashboard page (core/dashboard/): one JSON document with everything the page
// shows, built from the store plus, in a running daemon, its status. The contract — every field,
// the caps below — is docs/dashboard.md; add fields, never rename or remove them.
//
// Two sources, one builder, so the live page and the static report cannot disagree:
//  - live (Host::view("dashboard")): `status` is the host's status report and `host_state` the
//    engine's in-memory state;
//  - report (`slob-host report`): no daemon is asked; `status` is null, `host_state` is the
//    stored one, and the document says mode "report".
// The P&L totals are computed here, not in the page: days are trading days in the [risk]
// timezone (slob/sdk/trading_day.hpp, the day the daily limits count), weeks are ISO weeks of
// those days, months their calendar months.
//
// Cost: the closed trades and the bracket orders of the shown ones are read on every call; the
// events only from the newest kDashboardEventWindow. Runs on the caller's thread (the host's
// loop: the store is not thread-safe); reads only.

#include <cstddef>

#include <nlohmann/json.hpp>

#include "runtime/config.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/store.hpp"
#include "slob/sdk/time.hpp"

namespace slob::core {

// The newest closed trades listed (and drawn in the P&L curve); the totals count them all.
inline constexpr std::size_t kDashboardMaxTrades = 500;
// The newest periods of each kind listed.
inline constexpr std::size_t kDashboardMaxDays = 90;
inline constexpr std::size_t kDashboardMaxWeeks = 52;
inline constexpr std::size_t kDashboardMaxMonths = 60;
// Warnings and critical events: the newest kDashboardMaxAlerts among the newest
// kDashboardEventWindow events of the stream.
inline constexpr std::size_t kDashboardMaxAlerts = 50;
inline constexpr std::uint64_t kDashboardEventWindow = 5000;

struct DashboardSource {
  sdk::Store& store;
  const sdk::HostState& host_state;
  const RiskSection& risk;     // limits, symbol and the trading day's zone
  nlohmann::json status;       // the host's status report (live); null for a report
  sdk::Time generated_at;      // wall time
};

// The document, or the store's error (or an unknown [risk] timezone, which a loaded config
// cannot have).
sdk::Result<nlohmann::json> build_dashboard(const DashboardSource& source);

}  // namespace slob::core
