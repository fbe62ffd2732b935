#pragma once

// An observer: a plugin that is told the operator events (events.hpp) and tells a person —
// a webhook, an e-mail, a chat message. It can read what `slob-ctl` can read
// (HostServices::read_view) and can never change trading state.
//
// Contract:
// - The host hands over one Delivery at a time, in sequence order, and waits for `done` before
//   the next: at most one delivery is in flight per observer.
// - `done` is called once, on the loop thread (post() from any other thread). The host bounds
//   the wait ([[observer]] timeout); after it, the host calls cancel() and treats the delivery
//   as failed — a late `done` is ignored, so a delivery the receiver did take is sent again
//   (at-least-once: receivers de-duplicate by Delivery::idempotency_key).
// - deliver() must not block the loop thread: trading runs on it. Do network I/O with
//   Boost.Asio on HostServices::io_context(), or on a thread of the plugin's own.
// - kDelivered confirms every event of the delivery: the host then moves the observer's durable
//   cursor past them. kRetry and kRefused do not; the host retries the same events later
//   (kRetry with its backoff, kRefused at the longest backoff: a refusal such as a wrong token
//   or an unknown chat needs an operator, and no event is ever skipped). `reason` is one line
//   naming the peer, shown by `slob-ctl observers`.

#include <functional>
#include <string>
#include <vector>

#include "slob/sdk/plugin.hpp"
#include "slob/sdk/records.hpp"

namespace slob::sdk {

struct Delivery {
  enum class Shape {
    kEvents,   // one message telling each event (one, or a burst coalesced into one message)
    kSummary,  // events older than the observer's summarise_after: one message listing them
  };
  Shape shape = Shape::kEvents;
  std::string observer;          // the [[observer]] name
  std::vector<AuditEvent> events;  // in sequence order, never empty
  // "slob-<sequence>" for one event, "slob-<first>-<last>" for more: the same events always
  // give the same key, also after a restart.
  std::string idempotency_key;
};

struct DeliveryResult {
  enum class Outcome { kDelivered, kRetry, kRefused };
  Outcome outcome = Outcome::kRetry;
  std::string reason;  // empty when delivered
};

class Observer : public Plugin {
 public:
  virtual void deliver(const Delivery& delivery, std::function<void(DeliveryResult)> done) = 0;
  // The host stopped waiting for the delivery in flight: release its socket and timers.
  virtual void cancel() = 0;
  // One line for `slob-ctl observers`: where it delivers (never a secret), e.g.
  // "https://hooks.example.com/alert" or "smtp.example.com:587 -> ops@example.com".
  virtual std::string destination() const = 0;
};

inline std::string idempotency_key(const std::vector<AuditEvent>& events) {
  if (events.empty()) return {};
  std::string key = "slob-" + std::to_string(events.front().sequence);
  if (events.size() > 1) key += "-" + std::to_string(events.back().sequence);
  return key;
}

}  // namespace slob::sdk
