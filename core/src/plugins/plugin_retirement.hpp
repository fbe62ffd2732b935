#pragma once

// Takes the plugin instances a reload swapped out to their end without breaking the library
// contract of plugin_library.hpp (nothing from a library runs after it is unmapped):
//
//   1. stop(done): the plugin flushes, disconnects and cancels its timers (its read_view calls
//      from other threads were ended first: plugins/loop_views.hpp);
//   2. when done is called (on a later loop turn, never inside the plugin's own stop()), or after
//      `stop_timeout` without it (SLOB_PLUGIN_STOP_TIMEOUT), the instance is destroyed: the
//      object, then its services (cancelling its timers, dropping its unrun posted work), then
//      whatever it kept alive (the broker's listener port);
//   3. two loop turns later the library reference is released. By then the handlers that the
//      destruction completed have run: aborted socket operations and cancelled timers the plugin
//      owned directly on the io_context hold plugin code but no reference of their own.
//
// The library unmaps when its last reference goes (SLOB_PLUGIN_UNLOADED); work the plugin posted
// through HostServices holds a reference of its own and may delay that.
//
// `pins` belongs to the host and is declared before its io_context, so a library still pinned
// when the host stops outlives the loop's last handlers.
//
// Threading: loop thread only.

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "plugins/plugin_loader.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"

namespace slob::core {

class PluginRetirement {
 public:
  PluginRetirement(boost::asio::io_context& io, sdk::Clock& wall_clock, sdk::Logger& log,
                   std::vector<std::shared_ptr<PluginLibrary>>& pins, sdk::Duration stop_timeout);
  // Destroys the instances still retiring (the host is going away); their libraries stay pinned.
  ~PluginRetirement();
  PluginRetirement(const PluginRetirement&) = delete;
  PluginRetirement& operator=(const PluginRetirement&) = delete;

  // `slot` names it in logs ("strategy"); `keep_alive` is destroyed right after the instance.
  template <typename T>
  void retire(const std::string& slot, std::unique_ptr<PluginInstance<T>> instance,
              std::shared_ptr<void> keep_alive = nullptr) {
    instance->close_views();
    sdk::Plugin& plugin = instance->get();
    const std::string what = slot + " " + instance->name() + " " + instance->version() + " (" +
                             instance->library().file().string() + ")";
    auto library = instance->library_ref();
    auto owned = std::make_shared<std::unique_ptr<PluginInstance<T>>>(std::move(instance));
    begin(what, std::move(library), plugin, [owned, keep_alive = std::move(keep_alive)]() mutable {
      owned->reset();
      keep_alive.reset();
    });
  }

  // Instances stopped or being stopped whose libraries are not yet released.
  std::size_t in_progress() const { return entries_.size(); }
  // Libraries released so far whose last reference that was (they are unmapped).
  std::uint64_t unloaded() const { return unloaded_; }

 private:
  struct Entry {
    std::string what;
    std::shared_ptr<PluginLibrary> library;
    std::function<void()> destroy;
    sdk::TimerId timer = sdk::kNoTimer;
    bool destroyed = false;
  };

  void begin(std::string what, std::shared_ptr<PluginLibrary> library, sdk::Plugin& plugin,
             std::function<void()> destroy);
  void destroy(const std::shared_ptr<Entry>& entry);
  void release(const std::shared_ptr<Entry>& entry);

  boost::asio::io_context& io_;
  sdk::Clock& wall_clock_;
  sdk::Logger& log_;
  std::vector<std::shared_ptr<PluginLibrary>>& pins_;
  sdk::Duration stop_timeout_;
  std::set<std::shared_ptr<Entry>> entries_;
  std::uint64_t unloaded_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace slob::core
