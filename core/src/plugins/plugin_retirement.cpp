#include "plugins/plugin_retirement.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace slob::core {

PluginRetirement::PluginRetirement(boost::asio::io_context& io, sdk::Clock& wall_clock,
                                   sdk::Logger& log,
                                   std::vector<std::shared_ptr<PluginLibrary>>& pins,
                                   sdk::Duration stop_timeout)
    : io_(io), wall_clock_(wall_clock), log_(log), pins_(pins), stop_timeout_(stop_timeout) {}

PluginRetirement::~PluginRetirement() {
  *alive_ = false;
  for (const auto& entry : entries_) {
    if (entry->timer != sdk::kNoTimer) wall_clock_.cancel(entry->timer);
    if (!entry->destroyed && entry->destroy) entry->destroy();
  }
}

void PluginRetirement::begin(std::string what, std::shared_ptr<PluginLibrary> library,
                             sdk::Plugin& plugin, std::function<void()> destroy_fn) {
  auto entry = std::make_shared<Entry>();
  entry->what = std::move(what);
  entry->library = library;
  entry->destroy = std::move(destroy_fn);
  entries_.insert(entry);
  pins_.push_back(std::move(library));

  std::weak_ptr<Entry> weak = entry;
  entry->timer = wall_clock_.call_after(stop_timeout_, [this, weak] {
    auto e = weak.lock();
    if (!e || e->destroyed) return;
    e->timer = sdk::kNoTimer;
    log_.warn("SLOB_PLUGIN_STOP_TIMEOUT",
              e->what + " did not finish stop() in time; destroyed anyway");
    destroy(e);
  });
  // done() may come inline from stop(): destruction always waits for a later loop turn.
  auto done = [this, weak, alive = alive_] {
    if (!*alive) return;
    boost::asio::post(io_, [this, weak, alive] {
      auto e = weak.lock();
      if (*alive && e && !e->destroyed) destroy(e);
    });
  };
  try {
    plugin.stop(done);
  } catch (const std::exception& e) {
    log_.error("SLOB_PLUGIN_STOP_THREW", entry->what + ": " + e.what());
    done();
  }
}

void PluginRetirement::destroy(const std::shared_ptr<Entry>& entry) {
  entry->destroyed = true;
  if (entry->timer != sdk::kNoTimer) {
    wall_clock_.cancel(entry->timer);
    entry->timer = sdk::kNoTimer;
  }
  auto fn = std::move(entry->destroy);
  entry->destroy = nullptr;
  fn();
  // Two turns: handlers the destruction completed are queued now and run in the first.
  boost::asio::post(io_, [this, entry, alive = alive_] {
    if (!*alive) return;
    boost::asio::post(io_, [this, entry, alive] {
      if (*alive) release(entry);
    });
  });
}

void PluginRetirement::release(const std::shared_ptr<Entry>& entry) {
  std::weak_ptr<PluginLibrary> library = entry->library;
  auto pin = std::find(pins_.begin(), pins_.end(), entry->library);
  if (pin != pins_.end()) pins_.erase(pin);
  entry->library.reset();
  entries_.erase(entry);
  if (library.expired()) {
    ++unloaded_;
    log_.info("SLOB_PLUGIN_UNLOADED", entry->what + " unloaded");
  } else {
    // Another instance uses the same library (a config-only swap), or work it posted holds it.
    log_.info("SLOB_PLUGIN_UNLOADED", entry->what + " released; its library is still in use");
  }
}

}  // namespace slob::core
