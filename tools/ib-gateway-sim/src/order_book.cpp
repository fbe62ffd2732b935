#include "order_book.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

#include "server_messages.hpp"

namespace slob::tools::ib_gateway_sim {
namespace {

bool is_final(SimOrderStatus s) { return s == SimOrderStatus::kFilled || s == SimOrderStatus::kCancelled; }

double multiplier_of(const Contract& c) {
  try {
    return c.multiplier.empty() ? 1.0 : std::stod(c.multiplier);
  } catch (const std::exception&) {
    return 1.0;
  }
}

}  // namespace

void OrderBook::report(const SimOrder& o) {
  notify_(o.client_id, msg_open_order(o));
  notify_(o.client_id, msg_order_status(o));
}

std::optional<PlaceError> OrderBook::place(SimOrder order, double last_price, std::int64_t now) {
  if (order.order_id <= 0) return PlaceError{103, "Duplicate order id"};
  if (order.quantity <= 0) return PlaceError{10161, "Invalid order quantity"};
  if (order.action != "BUY" && order.action != "SELL") return PlaceError{201, "Order rejected - reason: bad action"};
  if (order.order_type != "LMT" && order.order_type != "STP" && order.order_type != "MKT") {
    return PlaceError{387, "Unsupported order type " + order.order_type};
  }
  if ((order.order_type == "LMT" && !order.limit_price) || (order.order_type == "STP" && !order.aux_price)) {
    return PlaceError{201, "Order rejected - reason: price missing"};
  }
  auto it = orders_.find(order.order_id);
  if (it != orders_.end()) {
    SimOrder& existing = it->second;
    if (is_final(existing.status) || existing.order_ref != order.order_ref ||
        existing.client_id != order.client_id) {
      return PlaceError{103, "Duplicate order id"};
    }
    // A modify: same id and reference, new prices or quantity.
    existing.limit_price = order.limit_price;
    existing.aux_price = order.aux_price;
    existing.quantity = order.quantity;
    if (existing.status == SimOrderStatus::kHeld && order.transmit) release(existing, now, last_price);
    else if (existing.status != SimOrderStatus::kHeld) report(existing);
    return std::nullopt;
  }
  if (order.parent_id != 0) {
    auto parent = orders_.find(order.parent_id);
    if (parent == orders_.end() || parent->second.status == SimOrderStatus::kCancelled) {
      return PlaceError{135, "Can't find order with id =" + std::to_string(order.parent_id)};
    }
  }
  order.perm_id = next_perm_id_++;
  order.status = SimOrderStatus::kHeld;
  auto& stored = orders_.emplace(order.order_id, std::move(order)).first->second;
  if (stored.transmit) release(stored, now, last_price);
  return std::nullopt;
}

void OrderBook::release(SimOrder& last, std::int64_t now, double last_price) {
  const std::int64_t root = last.parent_id != 0 ? last.parent_id : last.order_id;
  std::vector<SimOrder*> batch;
  for (auto& [id, o] : orders_) {
    if (o.status != SimOrderStatus::kHeld) continue;
    if (id == root || o.parent_id == root || &o == &last) batch.push_back(&o);
  }
  for (SimOrder* o : batch) {
    const bool child_waiting = o->parent_id != 0 && orders_.at(o->parent_id).status != SimOrderStatus::kFilled;
    o->status = child_waiting ? SimOrderStatus::kPreSubmitted : SimOrderStatus::kSubmitted;
    report(*o);
  }
  for (SimOrder* o : batch) {
    if (o->status == SimOrderStatus::kSubmitted && o->order_type == "MKT") fill(*o, last_price, now);
  }
}

std::optional<PlaceError> OrderBook::cancel(std::int64_t order_id, std::int64_t now) {
  auto it = orders_.find(order_id);
  if (it == orders_.end()) {
    return PlaceError{10147, "OrderId " + std::to_string(order_id) + " that needs to be cancelled is not found."};
  }
  if (is_final(it->second.status)) {
    return PlaceError{161, "Cancel attempted when order is not in a cancellable state. Order permId =" +
                               std::to_string(it->second.perm_id)};
  }
  cancel_one(it->second, now);
  for (auto& [id, o] : orders_) {
    if (o.parent_id == order_id && !is_final(o.status)) cancel_one(o, now);
  }
  return std::nullopt;
}

void OrderBook::cancel_one(SimOrder& o, std::int64_t now) {
  const bool was_held = o.status == SimOrderStatus::kHeld;
  o.status = SimOrderStatus::kCancelled;
  o.completed_time = format_tws_time(now);
  if (was_held) return;
  notify_(o.client_id, msg_order_status(o));
  notify_(o.client_id, msg_error(o.order_id, 202, "Order Canceled - reason:"));
}

void OrderBook::on_bar(const SimBar& bar, std::int64_t now) {
  std::vector<std::int64_t> ids;
  for (const auto& [id, o] : orders_)
    if (o.status == SimOrderStatus::kSubmitted) ids.push_back(id);
  for (std::int64_t id : ids) {
    SimOrder& o = orders_.at(id);
    if (o.status != SimOrderStatus::kSubmitted) continue;  // cancelled by an OCA sibling meanwhile
    const bool buy = o.action == "BUY";
    std::optional<double> price;
    if (o.order_type == "LMT") {
      if (buy && bar.low <= *o.limit_price) price = *o.limit_price;
      if (!buy && bar.high >= *o.limit_price) price = *o.limit_price;
    } else if (o.order_type == "STP") {
      if (buy && bar.high >= *o.aux_price) price = *o.aux_price;
      if (!buy && bar.low <= *o.aux_price) price = *o.aux_price;
    } else if (o.order_type == "MKT") {
      price = bar.close;
    }
    if (price) fill(o, *price, now);
  }
}

void OrderBook::fill(SimOrder& o, double price, std::int64_t now) {
  o.filled = o.quantity;
  o.avg_fill_price = price;
  o.status = SimOrderStatus::kFilled;
  o.completed_time = format_tws_time(now);
  apply_fill_to_position(o, price);
  notify_(o.client_id, msg_order_status(o));
  notify_(o.client_id, msg_open_order(o));
  if (holding_executions_ && o.client_id != 0) held_executions_.push_back({o.order_id, price});
  else deliver_execution(o, price, now);
  // Children of a filled parent start working.
  for (auto& [id, child] : orders_) {
    if (child.parent_id == o.order_id && child.status == SimOrderStatus::kPreSubmitted) {
      child.status = SimOrderStatus::kSubmitted;
      notify_(child.client_id, msg_order_status(child));
    }
  }
  if (!o.oca_group.empty()) {
    for (auto& [id, other] : orders_) {
      if (id != o.order_id && other.oca_group == o.oca_group && !is_final(other.status)) cancel_one(other, now);
    }
  }
}

void OrderBook::deliver_execution(const SimOrder& o, double price, std::int64_t now) {
  const SimExecution& e = record_execution(o.contract, o.action == "BUY" ? "BOT" : "SLD", o.quantity, price, now, &o);
  notify_(o.client_id, msg_exec_details(-1, e));
  notify_(o.client_id, msg_commission_report(e));
}

void OrderBook::hold_executions(bool on, std::int64_t now) {
  holding_executions_ = on;
  if (on) return;
  for (const HeldExecution& h : std::exchange(held_executions_, {})) deliver_execution(orders_.at(h.order_id), h.price, now);
}

void OrderBook::position_changed(const SimPosition& p) const {
  if (position_listener_) position_listener_(p);
}

SimOrder* OrderBook::find_working(const std::string& order_ref) {
  for (auto& [id, o] : orders_)
    if (o.order_ref == order_ref && !is_final(o.status) && o.status != SimOrderStatus::kHeld) return &o;
  return nullptr;
}

void OrderBook::manual_order(const Contract& contract, const std::string& account, const std::string& action,
                             double quantity, double price, std::int64_t now) {
  SimOrder o;
  o.order_id = next_manual_id_++;
  o.perm_id = next_perm_id_++;
  o.contract = contract;
  o.account = account;
  o.action = action;
  o.quantity = quantity;
  o.order_type = "MKT";
  o.tif = "DAY";
  o.status = SimOrderStatus::kSubmitted;
  fill(orders_.emplace(o.order_id, o).first->second, price, now);
}

bool OrderBook::manual_cancel(const std::string& order_ref, std::int64_t now) {
  SimOrder* o = find_working(order_ref);
  if (!o) return false;
  cancel(o->order_id, now);
  return true;
}

bool OrderBook::manual_modify(const std::string& order_ref, double price) {
  SimOrder* o = find_working(order_ref);
  if (!o || o->order_type == "MKT") return false;
  if (o->order_type == "LMT") o->limit_price = price;
  else o->aux_price = price;
  report(*o);
  return true;
}

void OrderBook::apply_fill_to_position(const SimOrder& o, double price) {
  const double signed_qty = o.action == "BUY" ? o.quantity : -o.quantity;
  auto [it, inserted] = positions_.try_emplace(o.contract.con_id);
  SimPosition& p = it->second;
  if (inserted) {
    p.contract = o.contract;
    p.account = o.account;
  }
  const double mult = multiplier_of(o.contract);
  const double before = p.quantity;
  const double after = before + signed_qty;
  if (before == 0 || (before > 0) != (after > 0) || after == 0) {
    p.avg_cost = after == 0 ? 0 : price * mult;
  } else if (std::abs(after) > std::abs(before)) {
    p.avg_cost = (p.avg_cost * std::abs(before) + price * mult * std::abs(signed_qty)) / std::abs(after);
  }
  p.quantity = after;
  position_changed(p);
}

SimExecution& OrderBook::record_execution(const Contract& c, const std::string& side, double qty, double price,
                                          std::int64_t now, const SimOrder* order) {
  SimExecution e;
  char id[48];
  std::snprintf(id, sizeof id, "0000e5a1.%08lld.01.01", static_cast<long long>(next_exec_++));
  e.exec_id = id;
  e.contract = c;
  e.epoch_seconds = now;
  e.side = side;
  e.shares = qty;
  e.price = price;
  e.cum_qty = qty;
  e.avg_price = price;
  e.commission = commission_ * qty;
  if (order) {
    e.order_id = order->order_id;
    e.client_id = order->client_id;
    e.perm_id = order->perm_id;
    e.account = order->account;
    e.order_ref = order->order_ref;
  }
  executions_.push_back(std::move(e));
  return executions_.back();
}

void OrderBook::forget_untransmitted() {
  for (auto it = orders_.begin(); it != orders_.end();) {
    if (it->second.status == SimOrderStatus::kHeld) it = orders_.erase(it);
    else ++it;
  }
}

void OrderBook::add_external_position(const SimPosition& position) {
  auto [it, inserted] = positions_.try_emplace(position.contract.con_id, position);
  if (!inserted) {
    it->second.quantity += position.quantity;
    it->second.avg_cost = position.avg_cost;
  }
  position_changed(it->second);
}

bool OrderBook::close_external(const std::string& symbol, double price, std::int64_t now) {
  for (auto& [con_id, p] : positions_) {
    if (p.contract.symbol != symbol || p.quantity == 0) continue;
    SimExecution& e = record_execution(p.contract, p.quantity > 0 ? "SLD" : "BOT", std::abs(p.quantity), price,
                                       now, nullptr);
    e.account = p.account;
    p.quantity = 0;
    p.avg_cost = 0;
    position_changed(p);
    return true;
  }
  return false;
}

std::vector<SimPosition> OrderBook::positions() const {
  std::vector<SimPosition> out;
  for (const auto& [id, p] : positions_)
    if (p.quantity != 0) out.push_back(p);
  return out;
}

}  // namespace slob::tools::ib_gateway_sim
