// IbBroker: brackets, cancels, flatten, executions and reconciliation snapshots.
#include <algorithm>
#include <cmath>

#include "bracket.hpp"
#include "ib_broker.hpp"
#include "ib_time.hpp"
#include "outgoing.hpp"

namespace slob::plugins::ib {

std::int64_t IbBroker::min_order_id() const { return std::max(next_valid_id_, max_used_id_ + 1); }

sdk::Status IbBroker::order_channel_ready() const {
  if (phase_ != Phase::kReady) return sdk::Status::unavailable("ib: not connected");
  if (orders_offline_) return sdk::Status::unavailable("ib: IB connectivity lost (1100/2110); no new orders");
  if (!front_) return sdk::Status::unavailable("ib: front-month contract not resolved yet");
  return sdk::Status::ok();
}

sdk::Status IbBroker::subscribe(const sdk::MarketDataRequest& request) { return feed_.subscribe(request); }

sdk::Status IbBroker::place_bracket(const sdk::BracketOrder& order) {
  if (auto st = order_channel_ready(); !st) return st;
  if (order.symbol != config_.symbol) {
    return sdk::Status::invalid_argument("ib: bracket for \"" + order.symbol + "\", but this broker trades \"" +
                                         config_.symbol + "\"");
  }
  LegDefaults defaults{config_.time_in_force, config_.outside_rth, config_.account};
  auto legs = build_bracket(order, defaults, min_order_id());
  if (!legs) return legs.status();
  // Encode all three before sending any: a bracket goes out whole or not at all.
  std::vector<std::string> payloads;
  for (const auto& leg : *legs) {
    auto p = encode_place_order(leg.order_id, *front_, leg.fields);
    if (!p) return p.status();
    payloads.push_back(std::move(*p));
  }
  std::int64_t highest = 0;
  for (const PlacedLeg& leg : *legs) {
    tracker_.track(leg.order_id, leg.leg->client_ref, order.symbol, leg.leg->side, leg.leg->type, leg.leg->price,
                   order.quantity);
    highest = std::max(highest, leg.order_id);
  }
  max_used_id_ = std::max(max_used_id_, highest);
  // The connection drops its queue (and this callback) before this broker goes away.
  connection_->send_together(payloads, [this, highest] { max_written_id_ = std::max(max_written_id_, highest); });
  host_.logger().info("SLOB_IB_BRACKET_SENT", "bracket " + order.setup_id + ": entry " +
                                                  std::to_string(order.entry.broker_order_id) + ", tp " +
                                                  std::to_string(order.take_profit.broker_order_id) + ", sl " +
                                                  std::to_string(order.stop_loss.broker_order_id) + " on " +
                                                  front_->local_symbol);
  return sdk::Status::ok();
}

sdk::Status IbBroker::cancel_order(const std::string& client_ref) {
  if (phase_ != Phase::kReady) return sdk::Status::unavailable("ib: not connected");
  const auto id = tracker_.find_by_ref(client_ref);
  if (!id) return sdk::Status::not_found("ib: no order with reference \"" + client_ref + "\"");
  send_request(encode_cancel_order(*id));
  host_.logger().info("SLOB_IB_CANCEL_SENT", "cancel " + client_ref + " (order " + std::to_string(*id) + ")");
  return sdk::Status::ok();
}

sdk::Status IbBroker::flatten(const std::string& symbol, const std::string& client_ref, std::int64_t broker_order_id) {
  if (auto st = order_channel_ready(); !st) return st;
  if (symbol != config_.symbol) return sdk::Status::invalid_argument("ib: cannot flatten \"" + symbol + "\"");
  if (flatten_) return sdk::Status::failed_precondition("ib: a flatten is already in progress");
  if (broker_order_id < min_order_id()) {
    return sdk::Status::invalid_argument("ib: flatten order id " + std::to_string(broker_order_id) +
                                         " is below the next usable id " + std::to_string(min_order_id()));
  }
  if (client_ref.empty()) return sdk::Status::invalid_argument("ib: flatten needs a client reference");
  max_used_id_ = std::max(max_used_id_, broker_order_id);
  flatten_ = PendingFlatten{symbol, client_ref, broker_order_id, {}, std::nullopt};
  // The position is read fresh from IB: the order must close what IB holds, not what we think.
  request_positions(PositionsFor::kFlatten);
  return sdk::Status::ok();
}

void IbBroker::request_positions(PositionsFor purpose) {
  position_answers_.push_back(purpose);
  send_request(encode_req_positions());
}

void IbBroker::handle_position(const PositionMsg& m) {
  const bool ours = config_.account.empty() || m.account == config_.account;
  if (position_answers_.empty()) {
    // Pushed by IB on the subscription: the account's position changed, whoever traded.
    if (ours && listener_) listener_->on_position(to_position(m));
    return;
  }
  switch (position_answers_.front()) {
    case PositionsFor::kSubscription: return;  // the initial list: the host's snapshot follows
    case PositionsFor::kSnapshot:
      if (snapshot_) snapshot_->on_position(m);
      return;
    case PositionsFor::kFlatten:
      if (flatten_ && ours && m.contract.symbol == flatten_->symbol) {
        flatten_->positions[{m.account, m.contract.con_id}] = m.position;
        Contract c = m.contract;
        c.sec_type = c.sec_type.empty() ? "FUT" : c.sec_type;
        c.exchange = config_.exchange;
        c.currency = config_.currency;
        if (m.position != 0) flatten_->contract = c;
      }
      return;
  }
}

void IbBroker::handle_position_end() {
  if (position_answers_.empty()) return;  // not an answer we asked for
  const PositionsFor purpose = position_answers_.front();
  position_answers_.pop_front();
  if (purpose == PositionsFor::kSnapshot) {
    if (snapshot_) snapshot_->on_position_end();
    return;
  }
  if (purpose != PositionsFor::kFlatten || !flatten_) return;
  PendingFlatten f = std::move(*flatten_);
  flatten_.reset();
  double total = 0;
  for (const auto& [key, q] : f.positions) total += q;
  const auto qty = std::llround(total);
  if (qty == 0 || !f.contract) {
    sdk::OrderReport r;
    r.client_ref = f.client_ref;
    r.broker_order_id = f.order_id;
    r.symbol = f.symbol;
    r.type = sdk::OrderType::kMarket;
    r.state = sdk::OrderState::kCancelled;
    r.reason = "flatten: no position in " + f.symbol;
    host_.logger().info("SLOB_IB_FLATTEN_NOTHING", r.reason);
    if (listener_) listener_->on_order(r);
    return;
  }
  // Working brackets would reopen the position after the market order: cancel them first.
  for (std::int64_t id : tracker_.working(f.symbol)) send_request(encode_cancel_order(id));
  OrderFields o;
  o.action = qty > 0 ? "SELL" : "BUY";
  o.quantity = std::llabs(qty);
  o.order_type = "MKT";
  o.tif = "DAY";
  o.account = config_.account;
  o.order_ref = f.client_ref;
  o.transmit = true;
  o.outside_rth = config_.outside_rth;
  tracker_.track(f.order_id, f.client_ref, f.symbol, qty > 0 ? sdk::Side::kSell : sdk::Side::kBuy,
                 sdk::OrderType::kMarket, 0, std::llabs(qty));
  const Payload placed = encode_place_order(f.order_id, *f.contract, o);
  if (!placed || !connection_) {
    send_request(placed);  // logs the encoding error
    return;
  }
  connection_->send_together({*placed}, [this, id = f.order_id] { max_written_id_ = std::max(max_written_id_, id); });
  host_.logger().warn("SLOB_IB_FLATTEN_SENT", "flatten " + f.symbol + ": " + o.action + " " + std::to_string(o.quantity) +
                                                  " at market (order " + std::to_string(f.order_id) + ")");
}

sdk::Status IbBroker::request_snapshot(sdk::Time executions_since) {
  if (phase_ != Phase::kReady) return sdk::Status::unavailable("ib: not connected");
  if (snapshot_) return sdk::Status::failed_precondition("ib: a snapshot is already being collected");
  const std::int64_t exec_req = next_request_id();
  const std::int64_t summary_req = next_request_id();
  snapshot_.emplace(exec_req, summary_req, host_.clock().now(), zone_);
  request_positions(PositionsFor::kSnapshot);
  send_request(encode_req_all_open_orders());
  send_request(encode_req_completed_orders(false));
  ExecutionFilter filter;
  filter.time = format_ib_utc(executions_since);
  send_request(encode_req_executions(exec_req, filter));
  send_request(encode_req_account_summary(summary_req, "All", "NetLiquidation"));
  snapshot_timer_ = host_.clock().call_after(config_.request_timeout, [this] {
    snapshot_timer_ = sdk::kNoTimer;
    const std::string reason = "snapshot timed out waiting for: " + snapshot_->missing();
    host_.logger().error("SLOB_IB_SNAPSHOT_TIMEOUT", reason);
    fail_snapshot(sdk::Status::unavailable("ib: " + reason));
  });
  return sdk::Status::ok();
}

void IbBroker::fail_snapshot(const sdk::Status& status) {
  cancel_timer(snapshot_timer_);
  snapshot_.reset();
  if (listener_) listener_->on_snapshot(status);
}

void IbBroker::maybe_finish_snapshot() {
  if (!snapshot_ || !snapshot_->complete()) return;
  cancel_timer(snapshot_timer_);
  sdk::BrokerSnapshot s = snapshot_->take(min_order_id());
  snapshot_.reset();
  host_.logger().info("SLOB_IB_SNAPSHOT_DONE",
                      std::to_string(s.positions.size()) + " position(s), " + std::to_string(s.open_orders.size()) +
                          " open, " + std::to_string(s.completed_orders.size()) + " completed order(s), " +
                          std::to_string(s.executions.size()) + " execution(s)");
  if (listener_) listener_->on_snapshot(std::move(s));
}

void IbBroker::handle_open_order(const OrderMsg& m) {
  if (snapshot_) snapshot_->on_open_order(m);
  if (auto r = tracker_.on_open_order(m); r && listener_) listener_->on_order(*r);
}

void IbBroker::handle_execution(const ExecDetailsMsg& m) {
  if (snapshot_ && m.req_id == snapshot_->exec_req_id()) {
    if (!snapshot_->on_execution(m)) {
      host_.logger().error("SLOB_IB_BAD_EXECUTION", "execution " + m.exec_id + ": unreadable time \"" + m.time +
                                                        "\"; using the snapshot time");
    }
    return;
  }
  if (m.req_id != -1) return;  // an answer to a request that is no longer pending
  bool time_ok = false;
  sdk::Execution e = to_execution(m, zone_, host_.clock().now(), time_ok);
  if (!time_ok) {
    host_.logger().error("SLOB_IB_BAD_EXECUTION", "execution " + m.exec_id + ": unreadable time \"" + m.time +
                                                      "\"; using the receive time");
  }
  if (pending_executions_.count(e.exec_id)) return;  // duplicate delivery
  PendingExecution& p = pending_executions_[e.exec_id];
  p.execution = e;
  p.timer = host_.clock().call_after(config_.commission_wait, [this, id = e.exec_id] {
    auto it = pending_executions_.find(id);
    if (it != pending_executions_.end()) it->second.timer = sdk::kNoTimer;
    deliver_execution(id);
  });
}

void IbBroker::handle_commission(const CommissionReportMsg& m) {
  if (snapshot_) snapshot_->on_commission(m);
  auto it = pending_executions_.find(m.exec_id);
  if (it == pending_executions_.end()) return;
  it->second.execution.commission = m.commission.value_or(0);
  deliver_execution(m.exec_id);
}

void IbBroker::deliver_execution(const std::string& exec_id) {
  auto it = pending_executions_.find(exec_id);
  if (it == pending_executions_.end()) return;
  cancel_timer(it->second.timer);
  const sdk::Execution e = it->second.execution;
  pending_executions_.erase(it);
  host_.logger().info("SLOB_IB_EXECUTION", e.exec_id + " " + e.client_ref + " " + sdk::side_name(e.side) + " " +
                                               std::to_string(e.quantity) + " @ " + std::to_string(e.price));
  if (listener_) listener_->on_execution(e);
}

}  // namespace slob::plugins::ib
