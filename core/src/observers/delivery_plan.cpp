#include "observers/delivery_plan.hpp"

#include <algorithm>

namespace slob::core {

std::optional<sdk::Delivery> plan_delivery(const std::string& observer,
                                           const std::deque<sdk::AuditEvent>& waiting,
                                           sdk::Time now, const DeliveryLimits& limits) {
  if (waiting.empty()) return std::nullopt;
  auto stale = [&](const sdk::AuditEvent& e) { return now - e.time > limits.summarise_after; };
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
    const std::size_t n = std::min(waiting.size(), std::max<std::size_t>(limits.max_batch, 1));
    d.events.assign(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(n));
  }
  d.idempotency_key = sdk::idempotency_key(d.events);
  return d;
}

}  // namespace slob::core
