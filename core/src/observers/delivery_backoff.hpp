#pragma once

// How long an observer waits before the next delivery attempt after a failed one: `initial`, then
// multiplied by `factor` after each failure up to `max`. With `jitter` j > 0 each delay is drawn
// from [d·(1−j), d] so many senders that failed together do not retry together; the draw comes
// from a seeded splitmix64, so a given seed gives the same delays on every machine (tests and
// replays are reproducible). Pure: no clock, no I/O — the caller arms its own timer.

#include <chrono>
#include <cstdint>

#include "slob/sdk/status.hpp"

namespace slob::core {

struct DeliveryBackoffPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{std::chrono::minutes(5)};
  double factor = 2.0;
  double jitter = 0.0;  // 0..1, the fraction a delay may be shortened by
};

// Invalid (initial ≤ 0, max < initial, factor < 1, jitter outside 0..1): one line naming the key.
sdk::Status validate(const DeliveryBackoffPolicy& policy);

class DeliveryBackoff {
 public:
  // Precondition: validate(policy) is ok.
  DeliveryBackoff(DeliveryBackoffPolicy policy, std::uint64_t seed);

  // The delay before the next attempt; each call counts one more failure.
  std::chrono::milliseconds next();
  // After a delivery: the next failure waits `initial` again.
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  double next_unit();  // uniform in [0, 1)

  DeliveryBackoffPolicy policy_;
  std::uint64_t state_;
  int failures_ = 0;
};

}  // namespace slob::core
