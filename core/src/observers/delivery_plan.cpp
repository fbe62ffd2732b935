#include "observers/delivery_plan.hpp"


namespace slob::core {

std::optional<sdk::Delivery> plan_delivery(const std::string& observer,
                                           const std::deque<sdk::AuditEvent>& waiting,
                                           PlanClocks now, const DeliveryLimits& limits) {
  if (waiting.empty()) return std::nullopt;
  auto stale = [&](const sdk::AuditEvent& e) {
    const sdk::Time clock = sdk::event_stamped_with_wall_time(e) ? now.wall : now.market;
    return clock - e.time > limits.summarise_after;
  };
  sdk::Delivery d;
  d.observer = observer;
  if (stale(waiting.front())) {
    d.shape = sdk::Delivery::Shape::kSummary;
    for (const auto& e : waiting) {
      if (!stale(e) || d.events.size() == kMaxSummarised) break;
      d.events.push_back(e);
    }
  } else {
    d.shape = sdk::Delivery::Shape::kEvents;
    const std::size_t max = std::max<std::size_t>(limits.max_batch, 1);
    for (const auto& e : waiting) {
      if (stale(e) || d.events.size() == max) break;  // a stale one opens the next summary
      d.events.push_back(e);
    }
  }
  d.idempotency_key = sdk::idempotency_key(d.events);
  return d;
}

}  // namespace slob::core
