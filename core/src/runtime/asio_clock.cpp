#include "runtime/asio_clock.hpp"

#include <chrono>

namespace slob::core {

AsioClock::~AsioClock() {
  for (auto& [id, timer] : timers_) timer->cancel();
}

sdk::Time AsioClock::now() const {
  return std::chrono::time_point_cast<sdk::Duration>(std::chrono::system_clock::now());
}

sdk::TimerId AsioClock::call_at(sdk::Time when, std::function<void()> fn) {
  const sdk::TimerId id = ++next_id_;
  auto timer = std::make_unique<boost::asio::system_timer>(io_, when);
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the map entry is already gone
    timers_.erase(id);
    fn();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioClock::cancel(sdk::TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  it->second->cancel();
  timers_.erase(it);
}

}  // namespace slob::core
