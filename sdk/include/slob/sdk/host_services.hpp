#pragma once

// What the host offers a plugin. One HostServices per plugin instance; it outlives the instance.
//
// Threading: call only from the loop thread, except post() and read_view(), which any thread
// may call (a plugin that must block owns a thread and posts results back).
//
// Lifetime: work posted and timers set through these services keep the plugin's library mapped
// until they have run or been cancelled, so a swapped-out plugin is never unmapped under a
// pending handler.

#include <functional>
#include <string>
#include <string_view>

#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace boost::asio {
class io_context;
}

namespace slob::sdk {

// Settings the host's config owns and plugins must follow (one place for each setting): a plugin
// reads them here and refuses a key of its own for the same fact (ConfigReader::refuse_host_key),
// so two places can never disagree.
struct HostSettings {
  std::string symbol = "NQ";                          // [risk] symbol: the one instrument traded
  std::string trading_timezone = "Europe/Stockholm";  // [risk] timezone: the trading day's zone
  // [connection]: a broker with a connection to watch sends a round trip every interval and
  // treats a missing answer within the timeout as a dead connection.
  Duration heartbeat_interval = std::chrono::seconds(30);
  Duration heartbeat_timeout = std::chrono::seconds(10);
};

class HostServices {
 public:
  virtual ~HostServices() = default;

  // Named after the plugin ("broker.ib", "store.lmdb", ...).
  virtual Logger& logger() = 0;
  // Market time: the system clock live, simulated time during a replay. Strategy-visible time,
  // heartbeats, watchdogs and every timer tied to market events use this clock.
  virtual Clock& clock() = 0;
  // Real time even during a replay: only for pacing a replay at xN speed and for timeouts that
  // must not depend on simulated time (connect timeouts in a replaying test harness).
  virtual Clock& wall_clock() = 0;
  virtual void post(std::function<void()> fn) = 0;
  // The host's one event loop, for plugins that do socket I/O with Boost.Asio. Handlers run on
  // the loop thread; do not run() or stop() it.
  virtual boost::asio::io_context& io_context() = 0;

  // Non-null only for a plugin whose descriptor has kPluginDrivesClock: the host then runs on
  // simulated time and this plugin moves it forward.
  virtual ClockDriver* clock_driver() = 0;

  // Directory of the config file: relative paths in a plugin's config resolve against it.
  virtual const std::string& config_dir() const = 0;
  // The host's state directory ([host] state_dir).
  virtual const std::string& state_dir() const = 0;

  // True when the host only validates (`slob-host --check`): a factory then checks its config
  // (and may inspect existing files read-only) without creating or changing anything, and may
  // return no object (a null pointer) instead of a working instance.
  virtual bool check_only() const { return false; }
  // True when the host only reads the stored state (`slob-host export`, and `--check`): a store
  // then opens read-only, also while a daemon writes it, and creates, migrates and changes
  // nothing; an older schema is read as it is.
  virtual bool read_only() const { return check_only(); }

  // True when the operator started over (`slob-host --fresh`, replays only): the factory deletes
  // the state its plugin persisted — its own files, nothing else — before it opens any. Never
  // set for an instance a reload creates.
  virtual bool fresh_start() const { return false; }

  virtual const HostSettings& settings() const = 0;

  // SDK 2.1. What `slob-ctl` shows, as the JSON text `slob-ctl --json <view>` prints: "status",
  // "positions", "orders", "setups", "trades", "dashboard"; since SDK 2.2 also "metrics", not JSON
  // but the Prometheus text format 0.0.4 (`slob-ctl metrics`). Read-only for every plugin;
  // observers use it to add context to a message. kNotFound for another name; kUnavailable while
  // the host cannot answer (before recovery).
  // From any thread (host 2.1 and newer; a documentation change, the ABI is 2.1's): off the loop
  // thread the call is run on the loop and waited for, at most 2 s (then kUnavailable "the host
  // is busy"): it blocks the calling thread that long at worst. Once the host begins to stop
  // or destroy the instance, calls from other threads return kUnavailable at once: a stop()
  // that joins such a thread never waits on the loop it runs on.
  virtual Result<std::string> read_view(std::string_view view) const = 0;
};

}  // namespace slob::sdk
