#include "observers/delivery_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace slob::core {

sdk::Status validate(const DeliveryBackoffPolicy& policy) {
  if (policy.initial.count() <= 0)
    return sdk::Status::invalid_argument("backoff initial must be > 0");
  if (policy.max < policy.initial) {
    return sdk::Status::invalid_argument("backoff max must be >= initial");
  }
  if (!(policy.factor >= 1.0) || !std::isfinite(policy.factor)) {
    return sdk::Status::invalid_argument("backoff factor must be >= 1");
  }
  if (!(policy.jitter >= 0.0 && policy.jitter <= 1.0)) {
    return sdk::Status::invalid_argument("backoff jitter must be from 0 to 1");
  }
  return sdk::Status::ok();
}

DeliveryBackoff::DeliveryBackoff(DeliveryBackoffPolicy policy, std::uint64_t seed) : policy_(policy), state_(seed) {}

std::chrono::milliseconds DeliveryBackoff::next() {
  // In double, clamped before converting: initial·factor^n overflows an integer after a few
  // dozen failures of a long outage.
  const double grown =
      static_cast<double>(policy_.initial.count()) * std::pow(policy_.factor, failures_);
  const double capped = std::min(grown, static_cast<double>(policy_.max.count()));
  ++failures_;
  const double delay =
      policy_.jitter > 0.0 ? capped * (1.0 - policy_.jitter * next_unit()) : capped;
  return std::chrono::milliseconds(std::max<std::int64_t>(1, std::llround(delay)));
}

double DeliveryBackoff::next_unit() {
  // splitmix64 (Steele, Lea, Flood 2014): defined by its arithmetic, unlike the standard
  // distributions, whose output differs between standard libraries.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace slob::core
