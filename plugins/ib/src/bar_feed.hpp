#pragma once

// Market data for the broker: per symbol, a 1-minute backfill (reqHistoricalData, formatDate=2)
// from the requested time or from the end of what was already delivered, then 5-second
// real-time TRADES bars. Live bars that arrive during the backfill are held and released after
// it, and every bar starting before what was already delivered is dropped, so no candle is ever
// processed twice across backfills, reconnects and re-requests. The minute in progress at
// backfill time is not delivered from history (it is partial); its live bars follow.
//
// A per-subscription watchdog re-requests (with a gap backfill) when no bar arrives for
// `bar_watchdog` during trading hours, backing off while the feed stays silent.
//
// Threading: loop thread only. Timers through HostServices::clock(); all cancelled by stop() and
// the destructor.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "contract.hpp"
#include "ib_config.hpp"
#include "incoming.hpp"
#include "outgoing.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/host_services.hpp"
#include "trading_hours.hpp"

namespace date {
class time_zone;
}

namespace slob::plugins::ib {

class BarFeedOutput {
 public:
  virtual ~BarFeedOutput() = default;
  virtual void send_request(const Payload& payload) = 0;
  virtual std::int64_t next_request_id() = 0;
  // The feed stalled (watchdog) or recovered (a bar after a stall).
  virtual void feed_health(bool healthy, const std::string& reason) = 0;
};

class BarFeed {
 public:
  BarFeed(sdk::HostServices& host, BarFeedOutput& out, const IbConfig& config, const date::time_zone* zone);
  ~BarFeed();
  BarFeed(const BarFeed&) = delete;
  BarFeed& operator=(const BarFeed&) = delete;

  void set_listener(sdk::BrokerListener* listener) { listener_ = listener; }

  // Records the subscription; issues it at once when the feed is running, unless the same
  // subscription is already active and covers the requested history (then nothing is sent:
  // the feed re-issues by itself after a reconnect or 1101).
  sdk::Status subscribe(const sdk::MarketDataRequest& request);
  // The connection and the front month are ready: issue every subscription.
  void start(const Contract& front, TradingHours hours);
  // The socket is gone: subscriptions died with it; they are re-issued by the next start().
  void stop();
  // Cancel and re-issue everything on the live connection (1101).
  void resubscribe();
  // The front month rolled: re-issue everything for the new contract.
  void change_contract(const Contract& front, TradingHours hours);
  // 1102: subscriptions should have survived; check that bars still arrive.
  void verify();

  // Each returns true when the message belonged to one of the feed's requests.
  bool on_realtime_bar(const RealtimeBarMsg& m);
  bool on_historical(const HistoricalDataMsg& m);
  bool on_error(std::int64_t req_id, int code, const std::string& text);

  bool running() const { return running_; }
  std::size_t subscriptions() const { return subs_.size(); }

 private:
  enum class Phase { kIdle, kBackfilling, kLive };
  struct Sub {
    sdk::MarketDataRequest request;
    std::optional<sdk::Time> delivered_until;
    std::optional<sdk::Time> backfill_from;
    Phase phase = Phase::kIdle;
    std::int64_t rt_req_id = 0;
    std::int64_t hist_req_id = 0;
    std::vector<sdk::Bar> held;
    sdk::TimerId watchdog = sdk::kNoTimer;
    int stalls = 0;
  };

  void issue(Sub& sub);
  void cancel_requests(Sub& sub);
  void go_live(Sub& sub);
  void deliver(Sub& sub, const sdk::Bar& bar);
  void arm_watchdog(Sub& sub);
  void on_watchdog(const std::string& symbol);
  Sub* by_rt(std::int64_t req_id);
  Sub* by_hist(std::int64_t req_id);

  sdk::HostServices& host_;
  BarFeedOutput& out_;
  const IbConfig& config_;
  const date::time_zone* zone_;
  sdk::BrokerListener* listener_ = nullptr;
  std::map<std::string, Sub> subs_;
  Contract front_;
  TradingHours hours_;
  bool running_ = false;
};

}  // namespace slob::plugins::ib
