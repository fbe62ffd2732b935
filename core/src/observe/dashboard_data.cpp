#include "observe/dashboard_data.hpp"

#include <date/iso_week.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "control/record_json.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/trading_day.hpp"

namespace slob::core {
namespace {

nlohmann::json number_or_null(const nlohmann::json& report, const char* key) {
  if (!report.is_object()) return nullptr;
  auto it = report.find(key);
  return it != report.end() && it->is_number() ? *it : nlohmann::json(nullptr);
}

// A trade as listed: the record (record_json.hpp) plus the levels of its bracket — the stop and
// target orders the host sent, and the entry order's price — and its setup as the strategy
// last reported it. A level without its order (a trade the broker had before the bot knew it)
// is null.
sdk::Result<nlohmann::json> trade_json(sdk::Store& store, const sdk::TradeRecord& t) {
  nlohmann::json j = to_json(t);
  const std::pair<sdk::Leg, const char*> legs[] = {{sdk::Leg::kEntry, "entry_order_price"},
                                                   {sdk::Leg::kStopLoss, "stop"},
                                                   {sdk::Leg::kTakeProfit, "target"}};
  for (const auto& [leg, key] : legs) {
    auto order = store.find_order(sdk::make_client_ref(t.id, leg));
    if (!order) return order.status();
    j[key] = *order ? nlohmann::json((*order)->price) : nlohmann::json(nullptr);
  }
  auto setup = store.find_setup(t.id);
  if (!setup) return setup.status();
  if (!*setup) {
    j["setup"] = nullptr;
  } else {
    const nlohmann::json report =
        nlohmann::json::parse((*setup)->report, nullptr, /*allow_exceptions=*/false);
    j["setup"] = {{"state", (*setup)->state},
                  {"updated", sdk::format_rfc3339((*setup)->updated)},
                  {"entry", number_or_null(report, "entry")},
                  {"stop", number_or_null(report, "stop")},
                  {"target", number_or_null(report, "target")},
                  {"rr", number_or_null(report, "rr")}};
  }
  return j;
}

struct Totals {
  double pnl = 0;
  std::int64_t trades = 0;
  std::int64_t wins = 0;
  std::int64_t losses = 0;

  void add(double p) {
    pnl += p;
    ++trades;
    if (p > 0) ++wins;
    if (p < 0) ++losses;
  }
  nlohmann::json json(const std::string& period) const {
    return {{"period", period}, {"pnl", pnl}, {"trades", trades}, {"wins", wins}, {"losses", losses}};
  }
};

// The newest `keep` periods, oldest first (period names sort in time order).
nlohmann::json newest(const std::map<std::string, Totals>& periods, std::size_t keep) {
  nlohmann::json rows = nlohmann::json::array();
  std::size_t skip = periods.size() > keep ? periods.size() - keep : 0;
  for (const auto& [name, totals] : periods) {
    if (skip > 0) {
      --skip;
      continue;
    }
    rows.push_back(totals.json(name));
  }
  return rows;
}

std::string iso_week_name(date::local_days day) {
  const iso_week::year_weeknum_weekday w{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02u", static_cast<int>(w.year()),
                static_cast<unsigned>(w.weeknum()));
  return buf;
}

std::string month_name(date::local_days day) {
  const date::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()));
  return buf;
}

// The P&L curve (one point per shown trade, at its exit), the totals by period and overall.
nlohmann::json pnl_json(const date::time_zone& zone, const std::vector<sdk::TradeRecord>& closed,
                        std::size_t first_shown) {
  std::map<std::string, Totals> days, weeks, months;
  Totals all;
  double cumulative = 0, peak = 0, max_drawdown = 0, start = 0;
  std::optional<double> best, worst;
  nlohmann::json curve = nlohmann::json::array();
  for (std::size_t i = 0; i < closed.size(); ++i) {
    const sdk::TradeRecord& t = closed[i];
    const sdk::TradingDay day = sdk::trading_day(zone, *t.exit_time);
    days[day.iso()].add(t.pnl);
    weeks[iso_week_name(day.local_date)].add(t.pnl);
    months[month_name(day.local_date)].add(t.pnl);
    all.add(t.pnl);
    best = std::max(best.value_or(t.pnl), t.pnl);
    worst = std::min(worst.value_or(t.pnl), t.pnl);
    if (i == first_shown) start = cumulative;
    cumulative += t.pnl;
    peak = std::max(peak, cumulative);
    max_drawdown = std::max(max_drawdown, peak - cumulative);
    if (i >= first_shown) {
      curve.push_back({{"time", sdk::format_rfc3339(*t.exit_time)},
                       {"id", t.id},
                       {"pnl", t.pnl},
                       {"cumulative", cumulative}});
    }
  }
  nlohmann::json summary = all.json("all");
  summary.erase("period");
  summary["best"] = best ? nlohmann::json(*best) : nlohmann::json(nullptr);
  summary["worst"] = worst ? nlohmann::json(*worst) : nlohmann::json(nullptr);
  summary["max_drawdown"] = max_drawdown;
  return {{"start", start},
          {"curve", std::move(curve)},
          {"daily", newest(days, kDashboardMaxDays)},
          {"weekly", newest(weeks, kDashboardMaxWeeks)},
          {"monthly", newest(months, kDashboardMaxMonths)},
          {"summary", std::move(summary)}};
}

// What the banner says: safe mode first (the state the daemon is in, or the stored flag), then
// a halt of new entries, then the lifecycle state — or, in a report, "Report".
nlohmann::json banner_json(const nlohmann::json& status, const sdk::HostState& hs) {
  const bool live = status.is_object();
  const std::string state = live ? status.value("state", std::string()) : std::string();
  if (state == "SafeMode" || hs.safe_mode) {
    const std::string reason =
        !hs.safe_mode_reason.empty() ? hs.safe_mode_reason : status.value("reason", std::string());
    return {{"state", "SafeMode"}, {"reason", reason}};
  }
  if (hs.halted && (!live || state == "Running")) {
    return {{"state", "Halted"},
            {"reason", hs.halt_reason},
            {"until", hs.halted_until ? nlohmann::json(sdk::format_rfc3339(*hs.halted_until))
                                      : nlohmann::json(nullptr)}};
  }
  if (!live) {
    return {{"state", "Report"}, {"reason", "generated from the store; not live"}};
  }
  return {{"state", state}, {"reason", status.value("reason", std::string())}};
}

nlohmann::json risk_json(const DashboardSource& src, const std::vector<sdk::TradeRecord>& open) {
  const sdk::HostState& hs = src.host_state;
  std::int64_t contracts = 0;
  for (const auto& t : open) contracts += t.direction == sdk::Direction::kLong ? t.quantity : -t.quantity;
  return {{"day", hs.risk_day},
          {"timezone", src.risk.timezone},
          {"trades_used", hs.trades_today},
          {"max_trades_per_day", src.risk.max_trades_per_day},
          {"realised_pnl", hs.realised_pnl_today},
          {"max_daily_loss", src.risk.max_daily_loss},
          {"loss_used", std::max(0.0, -hs.realised_pnl_today)},
          {"halted", hs.halted},
          {"halt_reason", hs.halt_reason},
          {"position", {{"symbol", src.risk.symbol},
                        {"contracts", contracts},
                        {"open_trades", open.size()}}}};
}

// The newest warnings and critical events, newest first.
sdk::Result<nlohmann::json> alerts_json(sdk::Store& store) {
  auto last = store.last_event_sequence();
  if (!last) return last.status();
  const std::uint64_t after = *last > kDashboardEventWindow ? *last - kDashboardEventWindow : 0;
  std::deque<sdk::AuditEvent> kept;
  auto s = store.scan_events(after, [&](const sdk::AuditEvent& e) {
    if (e.severity < sdk::Severity::kWarning) return true;
    kept.push_back(e);
    if (kept.size() > kDashboardMaxAlerts) kept.pop_front();
    return true;
  });
  if (!s) return s;
  nlohmann::json rows = nlohmann::json::array();
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) rows.push_back(to_json(*it));
  return rows;
}

}  // namespace

sdk::Result<nlohmann::json> build_dashboard(const DashboardSource& src) {
  auto zone = sdk::find_zone(src.risk.timezone);
  if (!zone) return zone.status();
  sdk::Store& store = src.store;

  std::vector<sdk::TradeRecord> closed;
  auto s = store.scan_trades([&](const sdk::TradeRecord& t) {
    if (!t.open()) closed.push_back(t);
    return true;
  });
  if (!s) return s;
  std::stable_sort(closed.begin(), closed.end(), [](const auto& a, const auto& b) {
    return *a.exit_time < *b.exit_time;
  });
  const std::size_t first_shown = closed.size() > kDashboardMaxTrades ? closed.size() - kDashboardMaxTrades : 0;
  nlohmann::json trades = nlohmann::json::array();
  for (std::size_t i = first_shown; i < closed.size(); ++i) {
    auto j = trade_json(store, closed[i]);
    if (!j) return j.status();
    trades.push_back(std::move(*j));
  }

  std::vector<sdk::TradeRecord> open;
  s = store.scan_open_trades([&](const sdk::TradeRecord& t) {
    open.push_back(t);
    return true;
  });
  if (!s) return s;
  nlohmann::json positions = nlohmann::json::array();
  for (const auto& t : open) {
    auto j = trade_json(store, t);
    if (!j) return j.status();
    positions.push_back(std::move(*j));
  }

  nlohmann::json setups = nlohmann::json::array();
  s = store.scan_live_setups([&](const sdk::SetupRecord& r) {
    setups.push_back(to_json(r));
    return true;
  });
  if (!s) return s;

  auto alerts = alerts_json(store);
  if (!alerts) return alerts.status();

  const bool live = src.status.is_object();
  return nlohmann::json{
      {"schema", 1},
      {"mode", live ? "live" : "report"},
      {"generated_at", sdk::format_rfc3339(src.generated_at)},
      {"banner", banner_json(src.status, src.host_state)},
      {"status", src.status},
      {"host_state", to_json(src.host_state)},
      {"risk", risk_json(src, open)},
      {"trades", std::move(trades)},
      {"trades_total", closed.size()},
      {"trades_limit", kDashboardMaxTrades},
      {"open_positions", std::move(positions)},
      {"setups", std::move(setups)},
      {"alerts", std::move(*alerts)},
      {"pnl", pnl_json(**zone, closed, first_shown)},
  };
}

}  // namespace slob::core
