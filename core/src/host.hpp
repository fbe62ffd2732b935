#pragma once

// The daemon: owns the event loop, the clocks, the three plugins, the lifecycle, the control
// channel, signals and the shutdown sequence. Everything runs on the one io_context of the main
// thread (ARCHITECTURE §3); no locks.
//
// Order of construction matters for destruction: the broker is destroyed first (it calls into
// the host as its listener), then the strategy, then the store, then the libraries.

#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>

#include "asio_clock.hpp"
#include "config.hpp"
#include "connection_supervisor.hpp"
#include "control_server.hpp"
#include "lifecycle.hpp"
#include "logging.hpp"
#include "maintenance_schedule.hpp"
#include "plugin_loader.hpp"
#include "shutdown_sequence.hpp"
#include "simulated_clock.hpp"
#include "slob/sdk/broker.hpp"
#include "systemd_notifier.hpp"
#include "trading_engine.hpp"

namespace slob::core {

struct HostOptions {
  bool fresh = false;  // --fresh: ignore stored trading state (the store is wiped first)
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

 private:
  // Lifecycle (host.cpp)
  void start();
  void move_to(LifecycleState to, const std::string& reason);
  void enter_safe_mode(const std::string& reason);
  void on_transition(const Transition& t);
  void attempt_connect(std::int64_t attempt);
  void connection_failed(const std::string& why);
  void begin_reconcile();
  // The maintenance window `t` falls in (wall time for connections, market time for entries).
  std::optional<ActiveMaintenance> maintenance_at(sdk::Time t) const;

  // Control channel and status (host_control.cpp)
  void handle_command(const nlohmann::json& request, ControlServer::Reply reply);
  nlohmann::json status_json() const;
  void audit(const std::string& kind, const std::string& subject, const std::string& reason);

  // Shutdown (host_shutdown.cpp)
  void begin_shutdown(const std::string& why);
  std::vector<ShutdownStep> shutdown_steps();
  void apply_position_policy(std::function<void()> done);
  // Runs `then` once `settled()` holds, checking after each short wall-clock interval.
  void when_settled(std::function<bool()> settled, std::function<void()> then);
  void stop_plugin(sdk::Plugin& plugin, std::function<void()> done);
  void finish(int exit_code);
  void wait_for_signals();
  void print_trade_summary();
  void reload(ControlServer::Reply reply);

  HostConfig config_;
  HostOptions options_;
  // Declared before io_ so they outlive it: the loop's pending handlers (a plugin's aborted
  // socket reads, say) are destroyed with io_, and their code must still be mapped then.
  std::vector<std::shared_ptr<PluginLibrary>> pinned_libraries_;
  boost::asio::io_context io_;
  AsioClock wall_clock_;
  std::unique_ptr<SimulatedClock> simulated_clock_;  // set when the broker drives time
  sdk::Clock* clock_ = &wall_clock_;                  // market time
  NamedLogger log_{"host"};
  PluginLoader loader_;
  Lifecycle lifecycle_;
  std::optional<MaintenanceSchedule> maintenance_;  // set by load_plugins()

  std::unique_ptr<PluginInstance<sdk::Store>> store_;
  std::unique_ptr<PluginInstance<sdk::Strategy>> strategy_;
  std::unique_ptr<TradingEngine> engine_;
  std::unique_ptr<PluginInstance<sdk::Broker>> broker_;

  ConnectionSupervisor supervisor_;
  ControlServer control_;
  boost::asio::signal_set signals_;
  ShutdownSequence shutdown_;
  SystemdNotifier systemd_;

  sdk::Health orders_health_ = sdk::Health::kDown;
  sdk::Health market_data_health_ = sdk::Health::kDown;
  std::string health_reason_;
  bool subscribed_ = false;
  bool awaiting_first_bar_ = false;  // since the last subscribe: SLOB_MARKET_DATA_FLOWING pending
  bool reconcile_pending_ = false;
  int exit_code_ = 0;
  sdk::Time started_at_;
};

}  // namespace slob::core
