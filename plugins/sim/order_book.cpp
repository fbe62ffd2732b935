#include "order_book.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>

#include "price_rule.hpp"

namespace slob::plugins::sim {
namespace {

bool is_final(const SimOrder& o) { return sdk::order_state_is_final(o.report.state); }

sdk::Side opposite(sdk::Side s) { return s == sdk::Side::kBuy ? sdk::Side::kSell : sdk::Side::kBuy; }

}  // namespace

OrderBook::OrderBook(BookParams params, BookState state)
    : params_(std::move(params)), state_(std::move(state)) {
  index_from(0);
}

void OrderBook::index_from(std::size_t first) {
  for (std::size_t i = first; i < state_.orders.size(); ++i)
    by_ref_[state_.orders[i].report.client_ref] = i;
}

SimOrder* OrderBook::find(const std::string& client_ref) {
  const auto it = by_ref_.find(client_ref);
  return it == by_ref_.end() ? nullptr : &state_.orders[it->second];
}

void OrderBook::append(SimOrder order) {
  by_ref_[order.report.client_ref] = state_.orders.size();
  state_.orders.push_back(std::move(order));
}

std::size_t OrderBook::settled_orders() {
  while (first_open_ < state_.orders.size() && is_final(state_.orders[first_open_])) ++first_open_;
  return first_open_;
}

OrderBook::Mark OrderBook::mark() {
  Mark m;
  m.settled = settled_orders();
  m.tail.assign(state_.orders.begin() + static_cast<std::ptrdiff_t>(m.settled), state_.orders.end());
  m.executions = state_.executions.size();
  // The counters without the history: the two vectors step aside for the copy.
  std::vector<SimOrder> orders = std::move(state_.orders);
  std::vector<sdk::Execution> executions = std::move(state_.executions);
  m.counters = state_;
  state_.orders = std::move(orders);
  state_.executions = std::move(executions);
  return m;
}

void OrderBook::rollback(Mark m) {
  for (std::size_t i = m.settled; i < state_.orders.size(); ++i)
    by_ref_.erase(state_.orders[i].report.client_ref);
  state_.orders.resize(m.settled);
  for (auto& o : m.tail) state_.orders.push_back(std::move(o));
  index_from(m.settled);
  state_.executions.resize(m.executions);
  m.counters.orders = std::move(state_.orders);
  m.counters.executions = std::move(state_.executions);
  state_ = std::move(m.counters);
  first_open_ = std::min(first_open_, m.settled);
}

sdk::Status OrderBook::check_new_ref(const std::string& client_ref,
                                     std::int64_t broker_order_id) const {
  if (client_ref.empty()) return sdk::Status::invalid_argument("order has no client reference");
  if (by_ref_.count(client_ref) != 0)
    return sdk::Status::invalid_argument("duplicate order reference \"" + client_ref + "\"");
  // IB refuses an order id at or below one it has seen ("Duplicate order id").
  if (broker_order_id <= state_.max_order_id) {
    return sdk::Status::invalid_argument("order id " + std::to_string(broker_order_id) + " of \"" +
                                         client_ref + "\" is not above the highest used, " +
                                         std::to_string(state_.max_order_id));
  }
  return sdk::Status::ok();
}

sdk::Status OrderBook::check_price(const char* leg, double price) const {
  if (auto why = price_problem(price, params_.tick_size))
    return sdk::Status::invalid_argument(std::string(leg) + " price " + *why);
  return sdk::Status::ok();
}

SimOrder OrderBook::make_order(const sdk::OrderLeg& leg, std::int64_t quantity, sdk::Time now) {
  SimOrder o;
  o.report.client_ref = leg.client_ref;
  o.report.broker_order_id = leg.broker_order_id;
  o.report.perm_id = ++state_.perm_seq;
  o.report.symbol = params_.symbol;
  o.report.side = leg.side;
  o.report.type = leg.type;
  o.report.price = leg.price;
  o.report.quantity = quantity;
  o.report.state = sdk::OrderState::kWorking;
  o.leg = leg.leg;
  o.active_from = now;
  return o;
}

sdk::Status OrderBook::place_bracket(const sdk::BracketOrder& order, sdk::Time now,
                                     BookEvents& out) {
  if (order.symbol != params_.symbol) {
    return sdk::Status::invalid_argument("symbol \"" + order.symbol + "\" is not traded here (\"" +
                                         params_.symbol + "\")");
  }
  if (order.quantity <= 0) return sdk::Status::invalid_argument("bracket quantity must be positive");
  const sdk::Side entry_side =
      order.direction == sdk::Direction::kShort ? sdk::Side::kSell : sdk::Side::kBuy;
  struct Expect {
    const sdk::OrderLeg* leg;
    sdk::Leg kind;
    sdk::Side side;
    sdk::OrderType type;
  };
  const Expect expect[] = {
      {&order.entry, sdk::Leg::kEntry, entry_side, sdk::OrderType::kLimit},
      {&order.take_profit, sdk::Leg::kTakeProfit, opposite(entry_side), sdk::OrderType::kLimit},
      {&order.stop_loss, sdk::Leg::kStopLoss, opposite(entry_side), sdk::OrderType::kStop},
  };
  std::set<std::string> refs;
  std::int64_t previous_id = state_.max_order_id;
  for (const auto& e : expect) {
    const char* name = sdk::leg_name(e.kind);
    if (e.leg->leg != e.kind || e.leg->side != e.side || e.leg->type != e.type) {
      return sdk::Status::invalid_argument(
          std::string("bracket ") + name + " leg of \"" + order.setup_id + "\" must be a " +
          sdk::side_name(e.side) + " " + sdk::order_type_name(e.type) + " for a " +
          sdk::direction_name(order.direction));
    }
    if (auto st = check_new_ref(e.leg->client_ref, e.leg->broker_order_id); !st.is_ok()) return st;
    if (!refs.insert(e.leg->client_ref).second || e.leg->broker_order_id <= previous_id) {
      return sdk::Status::invalid_argument("bracket legs of \"" + order.setup_id +
                                           "\" need distinct references and rising order ids");
    }
    previous_id = e.leg->broker_order_id;
    if (auto st = check_price(name, e.leg->price); !st.is_ok()) return st;
  }

  SimOrder entry = make_order(order.entry, order.quantity, now);
  SimOrder tp = make_order(order.take_profit, order.quantity, now);
  SimOrder sl = make_order(order.stop_loss, order.quantity, now);
  for (SimOrder* child : {&tp, &sl}) {
    child->parent_ref = entry.report.client_ref;
    child->held = true;
    child->report.state = sdk::OrderState::kAcknowledged;
  }
  tp.peer_ref = sl.report.client_ref;
  sl.peer_ref = tp.report.client_ref;
  state_.max_order_id = previous_id;
  for (SimOrder* o : {&entry, &tp, &sl}) {
    out.emplace_back(o->report);
    append(std::move(*o));
  }
  return sdk::Status::ok();
}

void OrderBook::cancel_one(SimOrder& order, const std::string& reason, BookEvents& out) {
  order.report.state = sdk::OrderState::kCancelled;
  order.report.reason = reason;
  order.held = false;
  out.emplace_back(order.report);
}

sdk::Status OrderBook::cancel(const std::string& client_ref, BookEvents& out) {
  SimOrder* o = find(client_ref);
  if (!o) return sdk::Status::not_found("no order with reference \"" + client_ref + "\"");
  if (is_final(*o)) {
    return sdk::Status::failed_precondition("order \"" + client_ref + "\" is already " +
                                            sdk::order_state_name(o->report.state));
  }
  cancel_one(*o, "cancelled", out);
  if (o->leg == sdk::Leg::kEntry && !o->flatten) {
    // IB cancels the children of a cancelled parent; children follow their entry.
    for (std::size_t i = by_ref_.at(client_ref) + 1; i < state_.orders.size(); ++i) {
      SimOrder& child = state_.orders[i];
      if (child.parent_ref == client_ref && !is_final(child)) cancel_one(child, "parent cancelled", out);
    }
  }
  return sdk::Status::ok();
}

sdk::Status OrderBook::flatten(const std::string& symbol, const std::string& client_ref,
                               std::int64_t broker_order_id, sdk::Time now, BookEvents& out) {
  if (symbol != params_.symbol) {
    return sdk::Status::invalid_argument("symbol \"" + symbol + "\" is not traded here (\"" +
                                         params_.symbol + "\")");
  }
  if (auto st = check_new_ref(client_ref, broker_order_id); !st.is_ok()) return st;
  if (state_.position.quantity == 0)
    return sdk::Status::failed_precondition("no position in " + symbol + " to flatten");
  sdk::OrderLeg leg;
  leg.client_ref = client_ref;
  leg.side = state_.position.quantity > 0 ? sdk::Side::kSell : sdk::Side::kBuy;
  leg.type = sdk::OrderType::kMarket;
  leg.broker_order_id = broker_order_id;
  SimOrder o = make_order(leg, std::llabs(state_.position.quantity), now);
  o.flatten = true;
  state_.max_order_id = broker_order_id;
  out.emplace_back(o.report);
  append(std::move(o));
  return sdk::Status::ok();
}

void OrderBook::place_manual(sdk::Side side, std::int64_t quantity, sdk::Time now, BookEvents& out) {
  sdk::OrderLeg leg;
  leg.client_ref = "manual-" + std::to_string(state_.perm_seq + 1);  // perm ids are unique
  leg.side = side;
  leg.type = sdk::OrderType::kMarket;
  SimOrder o = make_order(leg, quantity, now);
  o.flatten = true;  // a market order of its own, no bracket children
  out.emplace_back(o.report);
  append(std::move(o));
}

std::size_t OrderBook::cancel_all(BookEvents& out) {
  std::size_t n = 0;
  for (std::size_t i = first_open_; i < state_.orders.size(); ++i) {
    SimOrder& o = state_.orders[i];
    if (is_final(o) || !sdk::is_bot_ref(o.report.client_ref)) continue;
    cancel_one(o, "cancelled by hand", out);
    ++n;
  }
  return n;
}

void OrderBook::apply_to_position(sdk::Side side, std::int64_t quantity, double price) {
  sdk::Position& p = state_.position;
  p.symbol = params_.symbol;
  const std::int64_t signed_qty = side == sdk::Side::kBuy ? quantity : -quantity;
  if (p.quantity == 0 || (p.quantity > 0) == (signed_qty > 0)) {
    const double held = static_cast<double>(std::llabs(p.quantity));
    const double added = static_cast<double>(quantity);
    p.average_cost = (p.average_cost * held + price * added) / (held + added);
    p.quantity += signed_qty;
    return;
  }
  const std::int64_t closing = std::min<std::int64_t>(std::llabs(p.quantity), quantity);
  const double direction = p.quantity > 0 ? 1.0 : -1.0;
  state_.realised_pnl +=
      (price - p.average_cost) * static_cast<double>(closing) * direction * params_.multiplier;
  p.quantity += signed_qty;
  if (p.quantity == 0) p.average_cost = 0;
  else if ((p.quantity > 0) == (signed_qty > 0)) p.average_cost = price;  // flipped through zero
}

void OrderBook::fill(SimOrder& order, double price, sdk::Time when, BookEvents& out) {
  const std::int64_t qty = order.report.quantity;
  sdk::Execution e;
  e.exec_id = "sim-" + std::to_string(++state_.exec_seq);
  e.client_ref = order.report.client_ref;
  e.broker_order_id = order.report.broker_order_id;
  e.symbol = order.report.symbol;
  e.side = order.report.side;
  e.quantity = qty;
  e.price = price;
  e.time = when;
  e.commission = static_cast<double>(qty) * params_.commission_per_contract;
  apply_to_position(e.side, qty, price);
  state_.commission += e.commission;
  state_.executions.push_back(e);
  order.report.filled = qty;
  order.report.avg_fill_price = price;
  order.report.state = sdk::OrderState::kFilled;
  // Execution first: when the host sees "filled" the fill is already in its ledger.
  out.emplace_back(e);
  out.emplace_back(order.report);
}

bool OrderBook::fill_market_orders_at(double price, sdk::Time when, BookEvents& out) {
  const std::size_t before = out.size();
  for (std::size_t i = settled_orders(); i < state_.orders.size(); ++i) {
    SimOrder& o = state_.orders[i];
    if (!is_final(o) && !o.held && o.report.type == sdk::OrderType::kMarket) fill(o, price, when, out);
  }
  return out.size() != before;
}

bool OrderBook::evaluate(const sdk::Candle& bar, BookEvents& out) {
  const std::size_t before = out.size();
  const std::size_t first = settled_orders();
  auto eligible = [&](const SimOrder& o) {
    return !is_final(o) && !o.held && bar.start >= o.active_from;
  };
  auto fill_child = [&](SimOrder& o, double price) {
    fill(o, price, bar.start, out);
    if (SimOrder* peer = find(o.peer_ref); peer && !is_final(*peer)) cancel_one(*peer, "OCA", out);
  };
  // Index loops: fill() and cancel_one() never add orders, so indices stay valid.
  for (std::size_t i = first; i < state_.orders.size(); ++i) {
    SimOrder& o = state_.orders[i];
    if (eligible(o) && o.report.type == sdk::OrderType::kMarket) fill(o, bar.open, bar.start, out);
  }
  for (std::size_t i = first; i < state_.orders.size(); ++i) {
    SimOrder& o = state_.orders[i];
    if (!eligible(o) || o.report.type != sdk::OrderType::kStop) continue;
    if (o.report.side == sdk::Side::kBuy && bar.high >= o.report.price)
      fill_child(o, std::max(o.report.price, bar.open));
    else if (o.report.side == sdk::Side::kSell && bar.low <= o.report.price)
      fill_child(o, std::min(o.report.price, bar.open));
  }
  auto limit_hit = [&](const SimOrder& o) {
    return o.report.side == sdk::Side::kSell ? bar.high >= o.report.price
                                              : bar.low <= o.report.price;
  };
  for (std::size_t i = first; i < state_.orders.size(); ++i) {
    SimOrder& o = state_.orders[i];
    if (eligible(o) && o.leg == sdk::Leg::kTakeProfit && limit_hit(o)) fill_child(o, o.report.price);
  }
  for (std::size_t i = first; i < state_.orders.size(); ++i) {
    SimOrder& o = state_.orders[i];
    if (!eligible(o) || o.leg != sdk::Leg::kEntry || o.flatten || !limit_hit(o)) continue;
    fill(o, o.report.price, bar.start, out);
    for (std::size_t j = i + 1; j < state_.orders.size(); ++j) {  // children follow their entry
      SimOrder& child = state_.orders[j];
      if (child.parent_ref != o.report.client_ref || !child.held) continue;
      child.held = false;
      child.active_from = bar.start + std::chrono::minutes(1);
      child.report.state = sdk::OrderState::kWorking;
      out.emplace_back(child.report);
    }
  }
  return out.size() != before;
}

sdk::BrokerSnapshot OrderBook::snapshot(sdk::Time executions_since, sdk::Time now) const {
  sdk::BrokerSnapshot s;
  s.taken = now;
  if (state_.position.quantity != 0) s.positions.push_back(state_.position);
  for (const auto& o : state_.orders) {
    (is_final(o) ? s.completed_orders : s.open_orders).push_back(o.report);
  }
  for (const auto& e : state_.executions)
    if (e.time >= executions_since) s.executions.push_back(e);
  s.equity = equity();
  s.next_valid_order_id = next_valid_order_id();
  return s;
}

double OrderBook::equity() const {
  return params_.starting_equity + state_.realised_pnl - state_.commission;
}

}  // namespace slob::plugins::sim
