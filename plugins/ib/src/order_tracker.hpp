#pragma once

// What the connector knows about each order id: the leg it placed (client reference, side,
// type, price, quantity) merged with openOrder/orderStatus/error reports into one
// sdk::OrderReport. orderStatus carries no orderRef and is often duplicated, so reports are
// keyed by order id and only changes are returned.
//
// Threading: none; owned by the broker on the loop thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "incoming.hpp"
#include "slob/sdk/orders.hpp"

namespace slob::plugins::ib {

// IB order state text -> host order state (ib-api.md §6 "Order states").
sdk::OrderState map_order_state(const std::string& ib_status);

// Error codes that are warnings even with an order id (ib_async's list, ib-api.md §7).
bool is_order_warning(int code);

class OrderTracker {
 public:
  void track(std::int64_t order_id, const std::string& client_ref, const std::string& symbol, sdk::Side side,
             sdk::OrderType type, double price, std::int64_t quantity);

  std::optional<sdk::OrderReport> on_open_order(const OrderMsg& m);
  std::optional<sdk::OrderReport> on_order_status(const OrderStatusMsg& m);
  // A rejection (or 202 cancel) of a known order; nullopt for unknown ids and warnings.
  std::optional<sdk::OrderReport> on_error(std::int64_t order_id, int code, const std::string& text);

  bool knows(std::int64_t order_id) const { return orders_.count(order_id) > 0; }
  std::optional<std::int64_t> find_by_ref(const std::string& client_ref) const;
  // Ids of orders in `symbol` that are not final (placed or reported working).
  std::vector<std::int64_t> working(const std::string& symbol) const;
  std::optional<std::int64_t> id_for_perm(std::int64_t perm_id) const;
  // Converts an openOrder/completedOrder into a report without tracking it (snapshots).
  static sdk::OrderReport to_report(const OrderMsg& m);

 private:
  std::optional<sdk::OrderReport> changed(std::int64_t order_id, const sdk::OrderReport& before);

  std::map<std::int64_t, sdk::OrderReport> orders_;
  std::map<std::string, std::int64_t> by_ref_;
};

}  // namespace slob::plugins::ib
