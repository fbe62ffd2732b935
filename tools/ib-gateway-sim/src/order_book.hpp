#pragma once

// Orders, fills, positions and executions of the simulated gateway.
//
// Rules (IB's, simplified where the docs leave room; see the README):
// - transmit=0 orders are held and invisible until a transmit=1 order releases its bracket (the
//   parent and every held child of that parent); held orders vanish on restart.
// - A released parent works (Submitted); its children wait (PreSubmitted) until it fills.
// - LMT fills at its limit when a bar trades through it; STP fills at its trigger; MKT fills at
//   the last price at once. Fills are whole-quantity.
// - A fill cancels the other members of its OCA group; cancelling a parent cancels its children.
// - Reusing the id of a final order, or of an order with a different orderRef, is error 103.
//
// Every report goes through `notify(client_id, payload)`, to the sessions of the owning client;
// every change of a position goes to the position listener (the gateway pushes it to every
// session subscribed with reqPositions, as IB does for the whole account).
//
// Threading: single-threaded, the simulator's loop.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim_types.hpp"

namespace slob::tools::ib_gateway_sim {

struct PlaceError {
  int code = 0;
  std::string text;
};

class OrderBook {
 public:
  using Notify = std::function<void(std::int64_t client_id, const std::string& payload)>;
  using PositionListener = std::function<void(const SimPosition& position)>;

  OrderBook(Notify notify, double commission_per_contract)
      : notify_(std::move(notify)), commission_(commission_per_contract) {}

  std::optional<PlaceError> place(SimOrder order, double last_price, std::int64_t now);
  std::optional<PlaceError> cancel(std::int64_t order_id, std::int64_t now);
  // Checks every working order against one bar, in order-id order.
  void on_bar(const SimBar& bar, std::int64_t now);

  void set_position_listener(PositionListener listener) { position_listener_ = std::move(listener); }

  // What a trader does in TWS (clientId 0, no orderRef): a market order filled at `price` at once,
  // and a cancel or a price change of any working order, reported to the order's own client.
  void manual_order(const Contract& contract, const std::string& account, const std::string& action, double quantity,
                    double price, std::int64_t now);
  bool manual_cancel(const std::string& order_ref, std::int64_t now);
  bool manual_modify(const std::string& order_ref, double price);
  // While on, fills of API orders move the order and the position at once but their execution
  // (execDetails, commissionReport, and reqExecutions' answers) waits until it is turned off:
  // a position report that runs ahead of the fill report, as IB's can.
  void hold_executions(bool on, std::int64_t now);

  void forget_untransmitted();
  void add_external_position(const SimPosition& position);
  // Closes a position outside the API at `price` (a TWS-side trade with no orderRef).
  bool close_external(const std::string& symbol, double price, std::int64_t now);

  const std::map<std::int64_t, SimOrder>& orders() const { return orders_; }
  const std::vector<SimExecution>& executions() const { return executions_; }
  std::vector<SimPosition> positions() const;

 private:
  void report(const SimOrder& o);
  void release(SimOrder& last, std::int64_t now, double last_price);
  void fill(SimOrder& o, double price, std::int64_t now);
  void cancel_one(SimOrder& o, std::int64_t now);
  void apply_fill_to_position(const SimOrder& o, double price);
  void position_changed(const SimPosition& p) const;
  void deliver_execution(const SimOrder& o, double price, std::int64_t now);
  SimOrder* find_working(const std::string& order_ref);
  SimExecution& record_execution(const Contract& c, const std::string& side, double qty, double price,
                                 std::int64_t now, const SimOrder* order);

  Notify notify_;
  double commission_;
  std::map<std::int64_t, SimOrder> orders_;
  std::map<std::int64_t, SimPosition> positions_;  // by conId
  std::vector<SimExecution> executions_;
  std::int64_t next_perm_id_ = 900000001;
  std::int64_t next_exec_ = 1;
  std::int64_t next_manual_id_ = 1000000000;  // TWS orders: far from any API client's ids
  PositionListener position_listener_;
  bool holding_executions_ = false;
  struct HeldExecution {
    std::int64_t order_id;
    double price;
  };
  std::vector<HeldExecution> held_executions_;
};

}  // namespace slob::tools::ib_gateway_sim
