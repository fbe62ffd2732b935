#pragma once

// The daemon: owns the event loop, the clocks, the three plugins, the lifecycle, the control
// channel, signals and the shutdown sequence. Everything runs on the one io_context of the main
// thread (ARCHITECTURE §3); no locks.
//
// Order of construction matters for destruction: the broker is destroyed first (it calls into
// the host through its BrokerPort), then the strategy, then the store, then the libraries.
//
// Hot reload (host_reload.cpp) swaps the broker and the strategy while the loop runs: the new
// instance is created and handed the old one's state first, the switch itself happens inside one
// loop handler, and the old instance goes to PluginRetirement.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>

#include "runtime/asio_clock.hpp"
#include "runtime/broker_port.hpp"
#include "runtime/config.hpp"
#include "runtime/connection_supervisor.hpp"
#include "control/control_server.hpp"
#include "runtime/lifecycle.hpp"
#include "observe/metrics.hpp"
#include "observers/observer_runner.hpp"
#include "observers/outage_alarm.hpp"
#include "trading/live_reconcile.hpp"
#include "runtime/logging.hpp"
#include "trading/maintenance_schedule.hpp"
#include "plugins/plugin_loader.hpp"
#include "plugins/plugin_retirement.hpp"
#include "trading/reconcile_session.hpp"
#include "plugins/reload_plan.hpp"
#include "runtime/shutdown_sequence.hpp"
#include "runtime/simulated_clock.hpp"
#include "runtime/state_dir_lock.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/events.hpp"
#include "runtime/systemd_notifier.hpp"
#include "trading/trading_engine.hpp"

namespace slob::core {

struct HostOptions {
  bool fresh = false;  // --fresh: the plugins discard their stored state (replays only)
};

class Host final : public sdk::BrokerListener {
 public:
  Host(HostConfig config, HostOptions options);
  ~Host() override;

  // Loads and creates every plugin (store, strategy, broker). On failure the Status holds every
  // error, one per line, and nothing stays loaded.
  sdk::Status load_plugins();

  // Runs the daemon until it stops; returns the process exit code.
  int run();

  // sdk::BrokerListener
  void on_health(const sdk::HealthEvent& event) override;
  void on_bar(const sdk::Bar& bar) override;
  void on_order(const sdk::OrderReport& report) override;
  void on_execution(const sdk::Execution& execution) override;
  void on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& snapshot) override;
  void on_end_of_data() override;
  void on_position(const sdk::Position& position) override;
  void on_heartbeat(sdk::Duration round_trip) override;

 private:
  // Lifecycle (host.cpp)
  void start();
  void move_to(LifecycleState to, const std::string& reason);
  void enter_safe_mode(const std::string& reason);
  void on_transition(const Transition& t);
  void attempt_connect(std::int64_t attempt);
  void connection_failed(const std::string& why, bool fatal = false);
  // What a reconciliation (reconcile_session.hpp) ended with: the lifecycle transition, safe
  // mode, or a live request to ask again; then the order path and market data resume.
  void on_reconcile_outcome(const ReconcileSession::Outcome& outcome);
  // Brackets reconciliation found never received go out once the order path is open.
  void send_resends_when_ready();
  // The maintenance window `t` falls in (wall time for connections, market time for entries).
  std::optional<ActiveMaintenance> maintenance_at(sdk::Time t) const;
  // An alarm recording `raised_type` after `after` of an outage of `what`, `cleared_type` after.
  std::unique_ptr<OutageAlarm> make_outage_alarm(sdk::Duration after, const char* raised_type,
                                                 const char* cleared_type, std::string what);
  void subscribe_market_data();

  // Live reconciliation (host_live.cpp): whether one may start now, and starting it.
  LiveReconcile::Readiness live_readiness() const;
  void begin_live_reconcile(const std::string& why);

  // Control channel and status (host_control.cpp)
  void handle_command(const nlohmann::json& request, ControlServer::Reply reply);
  nlohmann::json status_json() const;
  // What slob-ctl and observers (HostServices::read_view) read: "status", "positions",
  // "orders", "setups", "trades" (today's), "dashboard" (the dashboard page's data,
  // observe/dashboard_data.hpp). kNotFound for another name.
  sdk::Result<nlohmann::json> view(const std::string& name) const;
  // HostServices::read_view: a view as text — JSON, except "metrics" (the Prometheus text format).
  sdk::Result<std::string> view_text(const std::string& name) const;
  // One operator event (events.hpp) in a commit of its own; a failure is logged.
  void audit(const char* type, const std::string& subject, const std::string& reason,
             std::vector<sdk::EventField> fields = {});
  void record(sdk::AuditEvent event);

  // Metrics (observe/host_metrics.cpp): registers every metric of docs/metrics.md (in the
  // constructor; what reads the engine runs only at a scrape, once the engine exists).
  void register_metrics();

  // Shutdown (host_shutdown.cpp)
  void begin_shutdown(const std::string& why);
  // The daemon.stopped event: why, the state it stopped from and the exit code so far.
  void record_stop();
  std::vector<ShutdownStep> shutdown_steps();
  void apply_position_policy(std::function<void()> done);
  // Runs `then` once `settled()` holds, checking after each short wall-clock interval.
  void when_settled(std::function<bool()> settled, std::function<void()> then);
  void stop_plugin(sdk::Plugin& plugin, std::function<void()> done);
  void finish(int exit_code);
  void wait_for_signals();
  // SIGTERM or SIGINT: begins the shutdown; repeated within kRepeatedStopWindow of its start it
  // is the same request (ignored, logged), later it ends the process at once with code 1.
  void stop_signal(const std::string& name);
  void print_trade_summary();

  // Hot reload (host_reload.cpp)
  struct PendingReload {
    HostConfig fresh;
    ReloadPlan plan;
    std::shared_ptr<PluginLibrary> strategy_library;  // set when the strategy is swapped
    std::shared_ptr<PluginLibrary> broker_library;    // set when the broker is swapped
    ControlServer::Reply reply;
    sdk::Time requested;  // wall time of the command
    sdk::TimerId deadline = sdk::kNoTimer;
    // [[observer]] changes, made by prepare_observers() and applied with the rest.
    std::vector<std::pair<ObserverSection, std::unique_ptr<ObserverInstance>>> observers;
    std::vector<std::string> observers_removed;
  };
  // Observers (host_observers.cpp), compared by name: a new or changed one gets a new instance
  // now (errors, one per line, refuse the reload); applied by apply_observers(), which adds the
  // lines it changed to `lines`. An observer keeps its cursor across a change.
  std::vector<std::string> prepare_observers(PendingReload& pending);
  void apply_observers(PendingReload& pending, std::vector<std::string>& lines);
  void reload(ControlServer::Reply reply);
  void continue_reload();
  void complete_reload(std::unique_ptr<PendingReload> pending);
  void refuse_reload(std::unique_ptr<PendingReload> pending, const std::vector<std::string>& reasons);
  // Counts, logs and shows the reload in status; audits it unless its record already went out
  // (a strategy swap writes it with the new checkpoint, in one commit).
  void record_reload(const std::string& result, const std::vector<std::string>& lines,
                     const ReloadPlan& plan, bool audited = false);
  void note_first_candle_after_reload(sdk::Time handling_started);
  HostLoop host_loop(bool check_only);

  HostConfig config_;
  HostOptions options_;
  std::unique_ptr<StateDirLock> state_lock_;  // held from load_plugins() until the process ends
  // Declared before io_ so they outlive it: the loop's pending handlers (a plugin's aborted
  // socket reads, say) are destroyed with io_, and their code must still be mapped then.
  // A reload replaces the entry of a swapped-out plugin when PluginRetirement releases it.
  std::vector<std::shared_ptr<PluginLibrary>> pinned_libraries_;
  boost::asio::io_context io_;
  AsioClock wall_clock_;
  std::unique_ptr<SimulatedClock> simulated_clock_;  // set when the broker drives time
  sdk::Clock* clock_ = &wall_clock_;                  // market time
  NamedLogger log_{"host"};
  PluginLoader loader_;
  Lifecycle lifecycle_;
  std::optional<MaintenanceSchedule> maintenance_;  // set by load_plugins()
  PluginRetirement retirement_;  // after the clocks: retiring instances use them

  std::unique_ptr<PluginInstance<sdk::Store>> store_;
  std::unique_ptr<PluginInstance<sdk::Strategy>> strategy_;
  std::unique_ptr<TradingEngine> engine_;
  std::unique_ptr<ReconcileSession> reconcile_;  // set with engine_; its timer is on the clocks
  std::unique_ptr<BrokerPort> broker_port_;  // outlives broker_, which holds a reference
  std::unique_ptr<PluginInstance<sdk::Broker>> broker_;
  std::unique_ptr<ObserverRunner> observers_;  // set with engine_; reads the store
  // [alerts]: broker.unreachable / broker.back and market_data.stalled / market_data.back.
  std::unique_ptr<OutageAlarm> broker_alarm_;
  std::unique_ptr<OutageAlarm> market_data_alarm_;

  ConnectionSupervisor supervisor_;
  LiveReconcile live_;  // wall clock; after engine_, whose state its callbacks read
  ControlServer control_;
  boost::asio::signal_set signals_;
  ShutdownSequence shutdown_;
  SystemdNotifier systemd_;

  sdk::Health orders_health_ = sdk::Health::kDown;
  sdk::Health market_data_health_ = sdk::Health::kDown;
  std::string health_reason_;
  bool subscribed_ = false;
  bool awaiting_first_bar_ = false;  // since the last subscribe: SLOB_MARKET_DATA_FLOWING pending
  int exit_code_ = 0;
  sdk::Time started_at_;
  static constexpr sdk::Duration kRepeatedStopWindow = std::chrono::seconds(1);
  sdk::Time shutdown_began_;  // wall time; set by begin_shutdown()
  std::string shutdown_why_;  // set by begin_shutdown()
  LifecycleState state_before_shutdown_ = LifecycleState::kStarting;

  std::unique_ptr<PendingReload> pending_reload_;  // waiting for unknown orders to resolve
  std::uint64_t reloads_ = 0;
  nlohmann::json last_reload_;  // for status
  // Wall time of the reload command whose new instances have not handled a candle yet.
  std::optional<sdk::Time> reload_pause_from_;

  // Metrics: the registry, and what only the host sees as it happens (register_metrics()).
  MetricsRegistry metrics_;
  Counter* bars_in_ = nullptr;
  Counter* reconnects_ = nullptr;
  Histogram* heartbeat_rtt_ = nullptr;
  EngineInstruments engine_instruments_;     // handed to the engine when it is made
  bool orders_were_up_ = false;              // the order channel has been up since the start
  std::optional<sdk::Time> last_bar_at_;     // wall time the last bar arrived
  std::optional<sdk::Time> last_bar_start_;  // and its own (market) time
};

}  // namespace slob::core
