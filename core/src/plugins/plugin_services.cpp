#include "plugins/plugin_services.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace slob::core {
namespace {

// Members are destroyed in reverse order: the plugin's function object first, then the
// reference that keeps its code mapped. (Lambda capture destruction order is unspecified.)
struct GuardedCall {
  std::shared_ptr<PluginLibrary> library;
  std::function<void()> fn;
};

}  // namespace

GuardedClock::~GuardedClock() {
  *alive_ = false;
  for (sdk::TimerId id : pending_) inner_.cancel(id);
}

sdk::TimerId GuardedClock::call_at(sdk::Time when, std::function<void()> fn) {
  auto call = std::make_shared<GuardedCall>(GuardedCall{library_, std::move(fn)});
  auto id_holder = std::make_shared<sdk::TimerId>(sdk::kNoTimer);
  const sdk::TimerId id =
      inner_.call_at(when, [this, alive = alive_, call, id_holder]() {
        if (!*alive) return;
        pending_.erase(*id_holder);
        call->fn();
      });
  *id_holder = id;
  pending_.insert(id);
  return id;
}

void GuardedClock::cancel(sdk::TimerId id) {
  if (pending_.erase(id)) inner_.cancel(id);
}

PluginServices::PluginServices(const HostLoop& loop, std::shared_ptr<PluginLibrary> library,
                               const std::string& logger_name, bool may_drive_clock)
    : loop_(loop),
      library_(library),
      logger_(logger_name),
      clock_(loop.clock, library),
      wall_clock_(loop.wall_clock, library),
      may_drive_clock_(may_drive_clock),
      views_(loop.io, loop.loop_thread, loop.read_view) {}

void PluginServices::post(std::function<void()> fn) {
  auto call = std::make_shared<GuardedCall>(GuardedCall{library_, std::move(fn)});
  boost::asio::post(loop_.io, [call, alive = alive_]() {
    if (*alive) call->fn();
  });
}

}  // namespace slob::core
