#pragma once

// The live Clock: system time, timers on the host's io_context. This file and
// simulated_clock.cpp are the only places that read a real clock (the Clock seam).

#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/system_timer.hpp>

#include "slob/sdk/clock.hpp"

namespace slob::core {

class AsioClock final : public sdk::Clock {
 public:
  explicit AsioClock(boost::asio::io_context& io) : io_(io) {}
  ~AsioClock() override;

  sdk::Time now() const override;
  sdk::TimerId call_at(sdk::Time when, std::function<void()> fn) override;
  void cancel(sdk::TimerId id) override;

  std::size_t pending_timers() const { return timers_.size(); }

 private:
  boost::asio::io_context& io_;
  sdk::TimerId next_id_ = 0;
  std::map<sdk::TimerId, std::unique_ptr<boost::asio::system_timer>> timers_;
};

}  // namespace slob::core
