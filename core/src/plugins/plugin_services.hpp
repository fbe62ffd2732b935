#pragma once

// The HostServices one plugin instance gets. It ties every handler the plugin hands to the host
// (posted work, timers) to the plugin's library, so the library stays mapped until they have run
// or been cancelled, and it cancels the instance's outstanding timers when it is destroyed (the
// instance is gone by then; a late timer would call into freed memory).

#include <memory>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "plugins/loop_views.hpp"
#include "runtime/logging.hpp"
#include "plugins/plugin_library.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/host_services.hpp"

namespace slob::core {

// A Clock that forwards to the host's clock and guards callbacks as described above.
class GuardedClock final : public sdk::Clock {
 public:
  GuardedClock(sdk::Clock& inner, std::shared_ptr<PluginLibrary> library)
      : inner_(inner), library_(std::move(library)), alive_(std::make_shared<bool>(true)) {}
  ~GuardedClock() override;

  sdk::Time now() const override { return inner_.now(); }
  sdk::TimerId call_at(sdk::Time when, std::function<void()> fn) override;
  void cancel(sdk::TimerId id) override;

 private:
  sdk::Clock& inner_;
  std::shared_ptr<PluginLibrary> library_;
  std::shared_ptr<bool> alive_;  // lets fired callbacks know whether `this` still exists
  std::set<sdk::TimerId> pending_;
};

struct HostLoop {
  boost::asio::io_context& io;
  sdk::Clock& clock;
  sdk::Clock& wall_clock;
  sdk::ClockDriver* clock_driver;  // non-null when the host runs on simulated time
  std::string config_dir;
  std::string state_dir;
  bool check_only = false;  // slob-host --check: validate, touch nothing
  sdk::HostSettings settings;  // from [risk] and [connection]
  bool read_only = false;   // slob-host export: read the stored state, write nothing
  bool fresh_start = false;  // slob-host --fresh: the first instances discard their own state
  // HostServices::read_view: the host's read-only views (control/host_views); unset in the
  // offline commands, where every view is kUnavailable. Called on `loop_thread` only
  // (LoopViews brings calls from other threads there).
  std::function<sdk::Result<std::string>(std::string_view)> read_view = nullptr;
  // The thread that runs `io`: the one that made this HostLoop (the host's main thread).
  std::thread::id loop_thread = std::this_thread::get_id();
};

class PluginServices final : public sdk::HostServices {
 public:
  // `logger_name` is e.g. "broker.sim". `may_drive_clock`: the descriptor asked for it.
  PluginServices(const HostLoop& loop, std::shared_ptr<PluginLibrary> library,
                 const std::string& logger_name, bool may_drive_clock);
  // Work posted by the instance that has not run yet is dropped (the instance is gone).
  ~PluginServices() override { *alive_ = false; }

  sdk::Logger& logger() override { return logger_; }
  sdk::Clock& clock() override { return clock_; }
  sdk::Clock& wall_clock() override { return wall_clock_; }
  void post(std::function<void()> fn) override;
  boost::asio::io_context& io_context() override { return loop_.io; }
  sdk::ClockDriver* clock_driver() override { return may_drive_clock_ ? loop_.clock_driver : nullptr; }
  const std::string& config_dir() const override { return loop_.config_dir; }
  const std::string& state_dir() const override { return loop_.state_dir; }
  bool check_only() const override { return loop_.check_only; }
  const sdk::HostSettings& settings() const override { return loop_.settings; }
  bool read_only() const override { return loop_.read_only || loop_.check_only; }
  bool fresh_start() const override { return loop_.fresh_start; }
  // From any thread (loop_views.hpp).
  sdk::Result<std::string> read_view(std::string_view view) const override {
    return views_.read(view);
  }
  // Before the instance is stopped or destroyed: read_view calls waiting on another thread
  // return at once, and later ones too (loop_views.hpp).
  void close_views() { views_.close(); }

 private:
  HostLoop loop_;
  std::shared_ptr<PluginLibrary> library_;
  NamedLogger logger_;
  GuardedClock clock_;
  GuardedClock wall_clock_;
  bool may_drive_clock_;
  LoopViews views_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace slob::core
