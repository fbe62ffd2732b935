#pragma once

// Turns a condition that lasts into two operator events: raised once it has held for `after`
// (broker.unreachable, market_data.stalled), cleared when it ends after being raised
// (broker.back, market_data.back). A short blip raises nothing; a condition that starts while
// `may_raise()` is false (a maintenance window) is checked again `after` later.
//
// Threading: loop thread; the timer runs on `clock`.

#include <functional>
#include <optional>
#include <string>

#include "slob/sdk/clock.hpp"

namespace slob::core {

class OutageAlarm {
 public:
  struct Callbacks {
    std::function<bool()> may_raise;
    std::function<void(sdk::Time since, const std::string& why)> raised;
    std::function<void(sdk::Time since, const std::string& why)> cleared;
  };
  OutageAlarm(sdk::Clock& clock, sdk::Duration after, Callbacks callbacks);
  ~OutageAlarm();
  OutageAlarm(const OutageAlarm&) = delete;
  OutageAlarm& operator=(const OutageAlarm&) = delete;

  // The condition holds (again); `why` is kept from its start. Idempotent while it holds.
  void begin(const std::string& why);
  // The condition ended: cleared() when it had been raised.
  void end();
  // Forget the condition without an event (the daemon is stopping).
  void reset();

  bool raised() const { return raised_; }

 private:
  void arm();

  sdk::Clock& clock_;
  sdk::Duration after_;
  Callbacks callbacks_;
  std::optional<sdk::Time> since_;
  std::string why_;
  bool raised_ = false;
  sdk::TimerId timer_ = sdk::kNoTimer;
};

}  // namespace slob::core
