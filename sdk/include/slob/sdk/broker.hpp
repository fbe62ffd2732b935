#pragma once

// The broker: market data in, orders out, positions/orders/fills for reconciliation
// (ARCHITECTURE §4, §5).
//
// Contract:
// - Every call returns at once; results arrive later through the BrokerListener, on the loop
//   thread. A Status error from a call means the request was not sent.
// - Reconnect policy belongs to the core: connect() makes one attempt and reports the outcome;
//   the plugin never retries on its own. After a loss it reports kDown and waits to be asked.
// - The order channel and market data have separate health; a data-farm flap never reports the
//   order channel down.
// - Every order leg carries its client reference in the broker's order reference, and reports
//   and executions carry it back, so orders survive crashes and reconnects by reference.
// - The listener outlives the broker: the host destroys the broker first.

#include <cstdint>
#include <optional>
#include <string>

#include "slob/sdk/market.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/plugin.hpp"
#include "slob/sdk/status.hpp"

namespace slob::sdk {

enum class Channel { kOrders, kMarketData };
enum class Health { kDown, kConnecting, kUp, kDegraded };

inline const char* channel_name(Channel c) { return c == Channel::kOrders ? "orders" : "market_data"; }
inline const char* health_name(Health h) {
  switch (h) {
    case Health::kDown: return "down";
    case Health::kConnecting: return "connecting";
    case Health::kUp: return "up";
    case Health::kDegraded: return "degraded";
  }
  return "?";
}

struct HealthEvent {
  Channel channel = Channel::kOrders;
  Health health = Health::kDown;
  std::string reason;
  // Orders channel kUp: the broker's next valid order id (the host uses
  // max(this, persisted high-water mark + 1)).
  std::int64_t next_valid_order_id = 0;
  // Market data kUp after a loss: subscriptions were lost and must be re-issued.
  bool resubscribe = false;
  // The attempt failed in a way retrying soon cannot fix (e.g. clientId in use): back off.
  // On an orders-channel kDown after it was up: the broker cannot go on (the sim could not
  // persist its book); the host enters safe mode instead of reconnecting.
  bool fatal = false;
};

struct MarketDataRequest {
  std::string symbol;
  // Backfill 1-minute bars (marked backfill) from this time before live bars flow; unset: none.
  std::optional<Time> backfill_from;
};

class BrokerListener {
 public:
  virtual ~BrokerListener() = default;
  virtual void on_health(const HealthEvent& event) = 0;
  virtual void on_bar(const Bar& bar) = 0;
  virtual void on_order(const OrderReport& report) = 0;
  virtual void on_execution(const Execution& execution) = 0;
  // The answer to request_snapshot().
  virtual void on_snapshot(const Result<BrokerSnapshot>& snapshot) = 0;
  // A replaying broker has no more data (sim with exit_at_end); live brokers never call it.
  virtual void on_end_of_data() = 0;
  // A position the broker pushed on its own (a change of the account's position in a symbol,
  // whoever caused it), outside any snapshot. Brokers that cannot push positions never call it.
  virtual void on_position(const Position& position) = 0;
  // SDK 2.2. A heartbeat the broker sent on its own connection was answered after `round_trip`
  // (ib: reqCurrentTime → currentTime), for the host's metrics. A broker without a heartbeat
  // never calls it; a listener that does not measure ignores it.
  virtual void on_heartbeat(Duration round_trip) { (void)round_trip; }
};

class Broker : public Plugin {
 public:
  // Must be called once, before anything else. The listener must outlive the broker.
  virtual void set_listener(BrokerListener& listener) = 0;

  virtual Status connect() = 0;
  virtual void disconnect() = 0;

  virtual Status subscribe(const MarketDataRequest& request) = 0;

  // Places entry, take-profit and stop-loss so that the children only work after the entry fills
  // and cancel each other (OCA). broker_order_id of every leg is set by the host.
  virtual Status place_bracket(const BracketOrder& order) = 0;
  virtual Status cancel_order(const std::string& client_ref) = 0;
  // Closes the whole position in `symbol` with a market order tagged `client_ref`.
  virtual Status flatten(const std::string& symbol, const std::string& client_ref,
                         std::int64_t broker_order_id) = 0;

  // Positions, open and completed orders, executions since `executions_since`, equity.
  virtual Status request_snapshot(Time executions_since) = 0;
};

}  // namespace slob::sdk
