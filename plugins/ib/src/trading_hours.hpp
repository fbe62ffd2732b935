#pragma once

// The tradingHours/liquidHours of contractDetails: "yyyymmdd:hhmm-yyyymmdd:hhmm;..." sessions,
// "yyyymmdd:CLOSED" days, in the contract's timeZoneId. Used so the bar watchdog only re-requests
// while the market trades (a stalled feed on a Saturday is not a fault).
//
// Threading: none; a value type.

#include <string_view>
#include <vector>

#include "slob/sdk/status.hpp"
#include "slob/sdk/time.hpp"

namespace slob::plugins::ib {

class TradingHours {
 public:
  // Unknown zone or malformed sessions: an error naming the offending item.
  static sdk::Result<TradingHours> parse(std::string_view sessions, std::string_view time_zone_id);
  // Nothing known: always open (the safe default for a watchdog).
  static TradingHours always_open() { return TradingHours(); }

  bool is_open(sdk::Time t) const;
  bool known() const { return known_; }

 private:
  struct Session {
    sdk::Time start;
    sdk::Time end;
  };
  bool known_ = false;
  std::vector<Session> sessions_;
  // The span the published days cover (CLOSED days included); outside it nothing is known.
  sdk::Time window_start_;
  sdk::Time window_end_;
};

}  // namespace slob::plugins::ib
