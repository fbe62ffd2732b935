#include "simulated_clock.hpp"

namespace slob::core {

sdk::TimerId SimulatedClock::call_at(sdk::Time when, std::function<void()> fn) {
  const sdk::TimerId id = ++next_id_;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  due_.emplace(id, when);
  return id;
}

void SimulatedClock::cancel(sdk::TimerId id) {
  auto it = due_.find(id);
  if (it == due_.end()) return;
  timers_.erase({it->second, id});
  due_.erase(it);
}

void SimulatedClock::advance_to(sdk::Time when) {
  while (!timers_.empty() && timers_.begin()->first.first <= when) {
    auto node = timers_.extract(timers_.begin());
    due_.erase(node.key().second);
    if (node.key().first > now_) now_ = node.key().first;
    node.mapped()();
  }
  if (when > now_) now_ = when;
}

}  // namespace slob::core
