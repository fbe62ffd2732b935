#pragma once

// The host configuration file (ARCHITECTURE §11), read with toml++.
//
// Every problem is collected and reported, one per line, as `FILE:LINE:COL: message`: unknown
// keys (a typo must not silently fall back to a default), wrong types, bad durations and values
// out of range. Relative paths resolve against the directory of the config file, so a config
// and its data can move together. The host's own paths are also checked against the disk
// (host_paths.hpp): nothing is created, but a file where the state directory or the control
// socket belongs, or a socket path too long to bind, is an error here, before anything runs.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/log_options.hpp"
#include "slob/sdk/config.hpp"
#include "slob/sdk/records.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::core {

enum class ShutdownPolicy { kLeave, kCancelEntries, kFlatten };
const char* shutdown_policy_name(ShutdownPolicy p);

struct HostSection {
  std::filesystem::path state_dir = "/var/lib/slob";
  std::vector<std::filesystem::path> plugin_dirs;  // default: the packaged plugin directory
  std::filesystem::path control_socket = "/run/slob/slob.sock";
  sdk::Duration shutdown_timeout = std::chrono::seconds(30);
  sdk::Duration shutdown_step_timeout = std::chrono::seconds(5);
  ShutdownPolicy on_shutdown = ShutdownPolicy::kLeave;
  // How long a reload that swaps the broker waits for orders whose outcome is unknown.
  sdk::Duration reload_wait = std::chrono::seconds(10);

  bool operator==(const HostSection&) const = default;
};

struct ConnectionSection {
  sdk::Duration heartbeat_interval = std::chrono::seconds(30);
  sdk::Duration heartbeat_timeout = std::chrono::seconds(10);
  sdk::Duration backoff_initial = std::chrono::seconds(1);
  sdk::Duration backoff_max = std::chrono::seconds(60);
  std::int64_t startup_attempts = 10;
  std::int64_t runtime_attempts = 5;
  // A reconciliation whose positions disagree with the store asks the broker again after this
  // long before it acts (closes a trade, enters safe mode): a position report can predate a fill
  // the same snapshot carries, or a fill still on its way. Longer than the broker's own delivery
  // delay of a live fill (ib: commission_wait, 2 s).
  sdk::Duration position_recheck = std::chrono::seconds(5);
  // While Running the host reconciles at least this often, as the backstop for whatever the
  // broker does not push (a working order that vanished, a position change it did not report).
  sdk::Duration reconcile_interval = std::chrono::minutes(5);

  bool operator==(const ConnectionSection&) const = default;
};

// IB's nightly reset and weekend restart (ib-api.md §9), New York time.
struct MaintenanceSection {
  std::string timezone = "America/New_York";
  std::vector<std::string> windows = {"daily 00:15-01:45", "fri 23:00-03:00"};

  bool operator==(const MaintenanceSection&) const = default;
};

struct RiskSection {
  double risk_per_trade = 0.01;
  std::int64_t max_contracts = 5;
  std::int64_t max_trades_per_day = 2;
  double max_daily_loss = 1000.0;
  double contract_multiplier = 20.0;  // NQ: 20 USD per point
  std::string symbol = "NQ";
  std::string timezone = "Europe/Stockholm";  // the trading day the daily limits count

  bool operator==(const RiskSection&) const = default;
};

struct PluginSlot {
  std::string plugin;
  sdk::SourcePosition position;  // of the `plugin` key, for loader errors
  sdk::ConfigTable config;
};

// [alerts]: when the host itself raises an event about something that did not happen.
struct AlertsSection {
  // The broker's order channel down this long (while the daemon wants it up): broker.unreachable;
  // broker.back when it returns.
  sdk::Duration broker_unreachable_after = std::chrono::minutes(5);
  // No bar this long while Running outside maintenance windows (market time): market_data.stalled;
  // market_data.back with the next bar.
  sdk::Duration market_data_stall_after = std::chrono::minutes(5);
  // How long a stopping daemon waits for observers to deliver what is pending (the rest is
  // delivered after the next start). Shorter than [host] shutdown_step_timeout, so a receiver
  // that is down never turns a clean shutdown into a timed-out one.
  sdk::Duration shutdown_grace = std::chrono::seconds(3);
  bool operator==(const AlertsSection&) const = default;
};

// One [[observer]] table: a plugin told the operator events (sdk/include/slob/sdk/observer.hpp).
struct ObserverSection {
  std::string name;  // unique; keys its durable cursor
  PluginSlot slot;   // plugin and its [observer.config]
  sdk::Severity min_severity = sdk::Severity::kNotice;
  // Type patterns: "safe_mode.entered", "trade.*", "*". Empty: every type.
  std::vector<std::string> types;
  sdk::Duration timeout = std::chrono::seconds(30);  // one delivery, then cancel() and retry
  // Events older than this (market time) when their turn comes go out as one summary.
  sdk::Duration summarise_after = std::chrono::hours(1);
  std::int64_t max_batch = 20;  // events per delivery (a burst coalesced into one message)
  sdk::Duration backoff_initial = std::chrono::seconds(5);
  sdk::Duration backoff_max = std::chrono::minutes(10);
};

struct HostConfig {
  std::filesystem::path file;        // as given on the command line
  std::filesystem::path directory;   // absolute directory of the file
  HostSection host;
  ConnectionSection connection;
  MaintenanceSection maintenance;
  RiskSection risk;
  PluginSlot broker;
  PluginSlot store;
  PluginSlot strategy;
  AlertsSection alerts;
  std::vector<ObserverSection> observers;
  LogOptions logging;  // [logging]; [host] log_level and log_file are its deprecated aliases
  // Keys that still work but will go ("[host] log_file is deprecated: use [logging] file"),
  // logged as SLOB_CONFIG_DEPRECATED once logging is set up.
  std::vector<std::string> deprecated;
};

// The facts plugins take from the host's config instead of keeping their own copy.
inline sdk::HostSettings host_settings(const HostConfig& c) {
  return {c.risk.symbol, c.risk.timezone, c.connection.heartbeat_interval, c.connection.heartbeat_timeout};
}

// Reads and validates `path`. On failure the Status message holds every error, one per line.
sdk::Result<HostConfig> load_config(const std::filesystem::path& path,
                                    const std::filesystem::path& default_plugin_dir);

}  // namespace slob::core
