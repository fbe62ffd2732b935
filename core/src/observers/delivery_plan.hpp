#pragma once

// What an observer is sent next, from the events waiting for it. Pure: the runner
// (observer_runner.hpp) owns the queue, the clocks and the plugin.
//
// Rules (docs/decisions.md "Alerts: one durable stream, delivered at least once"):
// - Events whose age exceeds `summarise_after` when their turn comes go out as one kSummary
//   delivery listing them, up to kMaxSummarised: after a long outage the trader gets one
//   message, not hundreds of stale ones. Age is measured on the clock the event was stamped
//   with: market time, but wall time for daemon.* (docs/events.md).
// - Otherwise the oldest waiting events that are not stale go out in order, up to `max_batch`
//   in one kEvents delivery: a burst committed together (a reconciliation's findings, a fill and its trade) or
//   arriving while a delivery was in flight or backing off is coalesced into one message.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "slob/sdk/events.hpp"
#include "slob/sdk/observer.hpp"
#include "slob/sdk/time.hpp"

namespace slob::core {

inline constexpr std::size_t kMaxSummarised = 500;

struct DeliveryLimits {
  sdk::Duration summarise_after = std::chrono::hours(1);
  std::size_t max_batch = 20;
};

// The next delivery to `observer` of the first events of `waiting` (in sequence order), or
// nullopt when nothing waits. The delivery's events are the first delivery.events.size() of
// `waiting`.
struct PlanClocks {
  sdk::Time market;
  sdk::Time wall;
};

std::optional<sdk::Delivery> plan_delivery(const std::string& observer,
                                           const std::deque<sdk::AuditEvent>& waiting,
                                           PlanClocks now, const DeliveryLimits& limits);

}  // namespace slob::core
