#pragma once

// Outgoing message pacing: at most `limit` messages in any rolling `window` (TWS disconnects
// clients above 50 messages per second, error 100). Pure logic over the caller's clock.
//
// Threading: none.

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>

#include "slob/sdk/time.hpp"

namespace slob::plugins::ib {

class Pacer {
 public:
  Pacer(std::size_t limit, sdk::Duration window) : limit_(limit), window_(window) {}

  // Records `messages` sends at `now` and returns nullopt when allowed; otherwise returns the
  // earliest time they will be allowed and records nothing. A group larger than the limit goes
  // out once the window is empty (it never waits forever).
  std::optional<sdk::Time> admit(sdk::Time now, std::size_t messages = 1) {
    while (!sent_.empty() && now - sent_.front() >= window_) sent_.pop_front();
    const std::size_t needed = std::min(messages, limit_);
    if (sent_.size() + needed > limit_) return sent_[sent_.size() + needed - limit_ - 1] + window_;
    for (std::size_t i = 0; i < messages; ++i) sent_.push_back(now);
    return std::nullopt;
  }

 private:
  std::size_t limit_;
  sdk::Duration window_;
  std::deque<sdk::Time> sent_;
};

}  // namespace slob::plugins::ib
