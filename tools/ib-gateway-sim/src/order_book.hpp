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
// Every report goes through `notify(client_id, payload)`, to the sessions of the owning client.
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

  OrderBook(Notify notify, double commission_per_contract)
      : notify_(std::move(notify)), commission_(commission_per_contract) {}

  std::optional<PlaceError> place(SimOrder order, double last_price, std::int64_t now);
  std::optional<PlaceError> cancel(std::int64_t order_id, std::int64_t now);
  // Checks every working order against one bar, in order-id order.
  void on_bar(const SimBar& bar, std::int64_t now);

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
  SimExecution& record_execution(const Contract& c, const std::string& side, double qty, double price,
                                 std::int64_t now, const SimOrder* order);

  Notify notify_;
  double commission_;
  std::map<std::int64_t, SimOrder> orders_;
  std::map<std::int64_t, SimPosition> positions_;  // by conId
  std::vector<SimExecution> executions_;
  std::int64_t next_perm_id_ = 900000001;
  std::int64_t next_exec_ = 1;
};

}  // namespace slob::tools::ib_gateway_sim
