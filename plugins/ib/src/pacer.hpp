#pragma once

// Outgoing message pacing: at most `limit` messages in any rolling `window` (TWS disconnects
// clients above 50 messages per second, error 100). Pure logic over the caller's clock.
//
// Threading: none.

#include <cstddef>
#include <deque>
#include <optional>

#include "slob/sdk/time.hpp"

namespace slob::plugins::ib {

class Pacer {
 public:
  Pacer(std::size_t limit, sdk::Duration window) : limit_(limit), window_(window) {}

  // Records a send at `now` and returns nullopt when allowed; otherwise returns the earliest time
  // a send will be allowed and records nothing.
  std::optional<sdk::Time> admit(sdk::Time now) {
    while (!sent_.empty() && now - sent_.front() >= window_) sent_.pop_front();
    if (sent_.size() >= limit_) return sent_.front() + window_;
    sent_.push_back(now);
    return std::nullopt;
  }

 private:
  std::size_t limit_;
  sdk::Duration window_;
  std::deque<sdk::Time> sent_;
};

}  // namespace slob::plugins::ib
