#include "control/ctl_format.hpp"

#include <sstream>

namespace slob::core {
namespace {

std::string text(const nlohmann::json& j) {
  if (j.is_null()) return "-";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

void format_status(std::ostringstream& out, const nlohmann::json& s) {
  out << "state:        " << text(s["state"]) << " since " << text(s["since"]) << " ("
      << text(s["reason"]) << ")\n";
  const auto& sm = s["safe_mode"];
  out << "safe mode:    "
      << (sm.value("active", false) ? "ACTIVE since " + text(sm["since"]) + ": " + text(sm["reason"])
                                    : std::string("off"))
      << "\n";
  const auto& h = s["halt"];
  out << "halt:         "
      << (h.value("active", false) ? "HALTED until " + text(h["until"]) + ": " + text(h["reason"])
                                   : std::string("off"))
      << "\n";
  const auto& m = s["maintenance"];
  if (m.is_object()) {
    out << "maintenance:  "
        << (m.value("active", false)
                ? "inside \"" + text(m["window"]) + "\" until " + text(m["until"]) + " (no new entries)"
                : std::string("outside every window"))
        << "\n";
  }
  out << "broker:       orders " << text(s["broker"]["orders"]) << ", market data "
      << text(s["broker"]["market_data"]) << "\n";
  const auto& p = s["progress"];
  out << "progress:     " << text(p["days"]) << " days, " << text(p["candles"]) << " candles, "
      << text(p["setups_complete"]) << " complete setups, " << text(p["trades_closed"])
      << " trades, P&L " << text(p["realised_pnl"]) << "\n";
  out << "market time:  " << text(s["market_time"]) << "\n";
  const auto& last = s["reload"]["last"];
  if (last.is_object()) {
    out << "last reload:  " << text(last["result"]) << " at " << text(last["at"]);
    if (last["pause_us"].is_number()) out << ", pause " << text(last["pause_us"]) << " us";
    out << " (" << text(s["reload"]["count"]) << " reloads)\n";
    for (const auto& line : last["details"]) out << "  " << text(line) << "\n";
  }
  out << "plugins:\n";
  for (const auto& pl : s["plugins"]) {
    out << "  " << text(pl["slot"]) << ": " << text(pl["name"]) << " " << text(pl["version"])
        << " (" << text(pl["file"]) << ")\n";
    out << "    built: " << text(pl["build"]) << "\n";
  }
}

// One block per observer: where it delivers, how far, and what went wrong last.
void format_observers(std::ostringstream& out, const nlohmann::json& list) {
  if (list.empty()) out << "(no observer configured)\n";
  for (const auto& o : list) {
    out << text(o["name"]) << " (" << text(o["plugin"]) << " -> " << text(o["destination"])
        << "): " << text(o["state"]) << "\n";
    out << "  cursor:     " << text(o["cursor"]) << " of " << text(o["newest_event"])
        << ", backlog " << text(o["backlog"])
        << (o.value("backlog_more_in_store", false) ? "+" : "") << " events\n";
    out << "  delivered:  " << text(o["delivered_events"]) << " events, last at "
        << text(o["last_delivered_at"]) << "\n";
    if (!o["last_error"].is_null()) {
      out << "  last error: " << text(o["last_error"]) << " (at " << text(o["last_error_at"])
          << ", " << text(o["failures"]) << " failures in a row; next attempt "
          << text(o["next_attempt_at"]) << ")\n";
    }
  }
}

}  // namespace

std::string format_answer(const std::string& command, const nlohmann::json& result) {
  std::ostringstream out;
  if (command == "status") {
    format_status(out, result);
  } else if (command == "metrics") {
    out << text(result["metrics"]);  // the Prometheus text format as it is, for promtool or a file
  } else if (command == "observers") {
    format_observers(out, result["observers"]);
  } else if (command == "alert-test") {
    out << "test event recorded for " << (text(result["sent_to"]) == "*" ? std::string("every observer")
                                                                         : text(result["sent_to"]))
        << "; `slob-ctl observers` shows its delivery\n";
  } else if (command == "reload") {
    out << "reload: " << text(result["result"]) << " (state " << text(result["state"]) << ")\n";
    for (const auto& line : result["swapped"]) out << "swapped: " << text(line) << "\n";
    for (const auto& line : result["needs_restart"]) out << "needs restart: " << text(line) << "\n";
  } else if (result.contains(command) && result[command].is_array()) {
    if (result[command].empty()) out << "(none)\n";
    for (const auto& row : result[command]) out << row.dump() << "\n";
  } else {
    out << result.dump() << "\n";
  }
  return out.str();
}

}  // namespace slob::core
