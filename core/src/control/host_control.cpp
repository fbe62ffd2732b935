// Host: the control channel's commands and the status report.

#include <unistd.h>

#include "runtime/host.hpp"
#include "trading/operator_events.hpp"
#include "control/record_json.hpp"
#include "observe/dashboard_data.hpp"
#include "plugins/build_compatibility.hpp"

namespace slob::core {
namespace {

nlohmann::json optional_time(const std::optional<sdk::Time>& t) {
  return t ? nlohmann::json(sdk::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

// Judged on market time, like the entry gate (in live trading market time is wall time).
nlohmann::json maintenance_json(const std::optional<ActiveMaintenance>& m) {
  if (!m) return {{"active", false}, {"window", nullptr}, {"until", nullptr}};
  return {{"active", true}, {"window", m->spec}, {"until", sdk::format_rfc3339(m->ends)}};
}

std::string reason_of(const nlohmann::json& request) {
  auto it = request.find("reason");
  return it != request.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void Host::audit(const char* type, const std::string& subject, const std::string& reason,
                 std::vector<sdk::EventField> fields) {
  record(events::make(clock_->now(), type, subject, reason, std::move(fields)));
}

void Host::record(sdk::AuditEvent event) {
  if (!engine_) return;
  if (auto s = engine_->record_event(event); !s) {
    log_.error("SLOB_AUDIT_FAILED", event.type + " " + event.subject + ": " + s.message());
    if (observers_) observers_->tell_volatile(std::move(event));
  }
}

nlohmann::json Host::status_json() const {
  nlohmann::json plugins = nlohmann::json::array();
  auto add = [&](const char* slot, const auto& inst) {
    if (!inst) return;
    plugins.push_back({{"slot", slot},
                       {"name", inst->name()},
                       {"version", inst->version()},
                       {"file", inst->library().file().string()},
                       {"build", describe_build(inst->library().descriptor().build)}});
  };
  add("broker", broker_);
  add("store", store_);
  add("strategy", strategy_);
  const sdk::HostState& hs = engine_->host_state();
  const EngineStats& st = engine_->stats();
  nlohmann::json j = {
      {"state", lifecycle_state_name(lifecycle_.state())},
      {"since", sdk::format_rfc3339(lifecycle_.since())},
      {"reason", lifecycle_.reason()},
      {"pid", static_cast<long>(::getpid())},
      {"version", SLOB_VERSION},
      {"started", sdk::format_rfc3339(started_at_)},
      {"market_time", sdk::format_rfc3339(clock_->now())},
      {"plugins", plugins},
      {"broker", {{"orders", sdk::health_name(orders_health_)},
                  {"market_data", sdk::health_name(market_data_health_)},
                  {"reason", health_reason_}}},
      {"safe_mode", {{"active", hs.safe_mode},
                     {"reason", hs.safe_mode_reason},
                     {"since", optional_time(hs.safe_mode_since)}}},
      {"maintenance", maintenance_json(maintenance_at(clock_->now()))},
      {"halt", {{"active", hs.halted},
                {"reason", hs.halt_reason},
                {"until", optional_time(hs.halted_until)}}},
      {"risk", {{"day", hs.risk_day},
                {"trades_today", hs.trades_today},
                {"realised_pnl_today", hs.realised_pnl_today},
                {"equity", engine_->equity() ? nlohmann::json(*engine_->equity()) : nlohmann::json(nullptr)}}},
      {"progress", {{"candles", engine_->candle_builder().counters().candles},
                    {"holes", engine_->candle_builder().counters().holes},
                    {"days", st.days.size()},
                    {"setups_complete", st.setups_complete},
                    {"setups_invalidated", st.setups_invalidated},
                    {"brackets_sent", st.brackets_sent},
                    {"intents_skipped", st.intents_skipped},
                    {"trades_closed", st.trades_closed},
                    {"realised_pnl", st.realised_pnl}}},
      {"candle_builder", {{"dropped", engine_->candle_builder().dropped_count()}}},
      {"order_id_high_water", hs.order_id_high_water},
      {"live_reconcile", {{"started", live_.started()}, {"last_reason", live_.last_reason()}}},
      {"reload", {{"count", reloads_},
                  {"retiring", retirement_.in_progress()},
                  {"unloaded", retirement_.unloaded()},
                  {"last", last_reload_}}},
  };
  return j;
}

void Host::handle_command(const nlohmann::json& request, ControlServer::Reply reply) {
  const std::string command = request.value("command", "");
  const std::string reason = reason_of(request);
  if (command == "status") {
    reply(ControlServer::ok(status_json()));
    return;
  }
  if (command == "shutdown") {
    audit(sdk::event_type::kCommand, "shutdown", reason, {{"command", "shutdown"}, {"reason", reason}});
    reply(ControlServer::ok({{"state", "Draining"}}));
    begin_shutdown("slob-ctl shutdown" + (reason.empty() ? "" : ": " + reason));
    return;
  }
  if (command == "clear-safe-mode") {
    if (reason.empty()) {
      reply(ControlServer::error("clear-safe-mode needs --reason TEXT (it is audited)"));
      return;
    }
    if (!engine_->host_state().safe_mode) {
      reply(ControlServer::error("not in safe mode"));
      return;
    }
    if (auto s = engine_->set_safe_mode(false, "cleared by operator: " + reason); !s) {
      reply(ControlServer::error("cannot persist: " + s.message()));
      return;
    }
    log_.warn("SLOB_SAFE_MODE_CLEARED", "safe mode cleared by operator: " + reason);
    move_to(LifecycleState::kConnecting, "safe mode cleared: " + reason);
    if (orders_health_ == sdk::Health::kUp) {
      move_to(LifecycleState::kReconciling, "broker already connected");
      reconcile_->begin();
    } else {
      supervisor_.start_initial();
    }
    reply(ControlServer::ok({{"state", lifecycle_state_name(lifecycle_.state())}}));
    return;
  }
  if (command == "halt" || command == "resume") {
    const bool halt = command == "halt";
    if (halt && reason.empty()) {
      reply(ControlServer::error("halt needs --reason TEXT (it is audited)"));
      return;
    }
    if (auto s = engine_->set_halt(halt, halt ? "operator: " + reason : reason, std::nullopt); !s) {
      reply(ControlServer::error("cannot persist: " + s.message()));
      return;
    }
    log_.warn(halt ? "SLOB_HALTED" : "SLOB_RESUMED",
              std::string(halt ? "new entries halted by operator" : "entries resumed by operator") +
                  (reason.empty() ? "" : ": " + reason));
    reply(ControlServer::ok({{"halted", halt}}));
    return;
  }
  if (command == "orders" || command == "setups" || command == "positions" || command == "trades" ||
      command == "dashboard") {
    auto rows = view(command);
    if (!rows) reply(ControlServer::error(rows.status().message()));
    else reply(ControlServer::ok(std::move(*rows)));
    return;
  }
  if (command == "metrics") {
    reply(ControlServer::ok({{"metrics", metrics_.render()}}));
    return;
  }
  if (command == "observers") {
    reply(ControlServer::ok({{"observers", observers_->status()}}));
    return;
  }
  if (command == "alert-test") {
    const std::string target = request.value("observer", "");
    if (!target.empty() && !observers_->config(target)) {
      reply(ControlServer::error("no observer named \"" + target + "\" (slob-ctl observers lists them)"));
      return;
    }
    if (observers_->names().empty()) {
      reply(ControlServer::error("no observer is configured ([[observer]] in the config)"));
      return;
    }
    const std::string to = target.empty() ? "*" : target;
    auto s = engine_->record_event(events::make(clock_->now(), sdk::event_type::kAlertTest, to,
                                                "a test alert asked for with slob-ctl alert-test" +
                                                    (reason.empty() ? "" : ": " + reason),
                                                {{"observer", to}}));
    if (!s) reply(ControlServer::error("cannot record the test event: " + s.message()));
    else reply(ControlServer::ok({{"sent_to", to}}));
    return;
  }
  if (command == "reload") {
    if (request.value("source", "") != "SIGHUP")
      log_.info("SLOB_RELOAD_REQUESTED", "slob-ctl reload");
    reload(std::move(reply));
    return;
  }
  reply(ControlServer::error("unknown command \"" + command +
                             "\" (status, positions, orders, setups, trades, metrics, dashboard, "
                             "observers, halt, resume, clear-safe-mode, alert-test, reload, shutdown)"));
}

sdk::Result<nlohmann::json> Host::view(const std::string& name) const {
  if (name == "status") return status_json();
  if (name == "dashboard") {
    return build_dashboard({store_->get(), engine_->host_state(), config_.risk, status_json(),
                            wall_clock_.now()});
  }
  nlohmann::json rows = nlohmann::json::array();
  auto add = [&rows](const auto& record) {
    rows.push_back(to_json(record));
    return true;
  };
  sdk::Store& store = store_->get();
  sdk::Status s;
  if (name == "orders") {
    s = store.scan_unresolved_orders(add);
  } else if (name == "setups") {
    s = store.scan_live_setups(add);
  } else if (name == "positions") {
    s = store.scan_open_trades(add);
  } else if (name == "trades") {
    // Today's: entered since the trading day began (the whole history is `slob-host export`).
    const sdk::Time day = engine_->trading_day_start(clock_->now());
    s = store.scan_trades([&](const sdk::TradeRecord& t) { return t.entry_time < day || add(t); });
  } else {
    return sdk::Status::not_found("no view \"" + name +
                                  "\" (status, positions, orders, setups, trades, metrics, dashboard)");
  }
  if (!s) return s;
  return nlohmann::json{{name, rows}};
}

sdk::Result<std::string> Host::view_text(const std::string& name) const {
  if (name == "metrics") return metrics_.render();
  auto j = view(name);
  if (!j) return j.status();
  return j->dump();
}

}  // namespace slob::core
