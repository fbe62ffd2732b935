// TradingEngine: the order side — sending journalled brackets, broker reports, the fill ledger,
// trades, reconciliation and the host-state changes (safe mode, halts).

#include <algorithm>
#include <sstream>

#include "runtime/crash_points.hpp"
#include "trading/trading_engine.hpp"

namespace slob::core {
namespace {

double direction_sign(sdk::Direction d) { return d == sdk::Direction::kLong ? 1.0 : -1.0; }

}  // namespace

void TradingEngine::send_bracket(const sdk::BracketOrder& order) {
  crash_point(CrashPoint::kAfterJournal, log_);
  sdk::Status s = broker_ ? broker_->place_bracket(order)
                          : sdk::Status::unavailable("no broker");
  if (s) {
    ++stats_.brackets_sent;
    log_.info("SLOB_ORDER_SENT", "bracket " + order.setup_id + ": " +
                                     std::string(sdk::direction_name(order.direction)) + " " +
                                     std::to_string(order.quantity) + " " + order.symbol +
                                     " entry " + std::to_string(order.entry.price) + " stop " +
                                     std::to_string(order.stop_loss.price) + " target " +
                                     std::to_string(order.take_profit.price));
    crash_point(CrashPoint::kAfterSend, log_);
    return;
  }
  // Refused before anything left: the legs are final, with the reason.
  log_.error("SLOB_ORDER_REFUSED", "bracket " + order.setup_id + ": " + s.message());
  sdk::WriteBatch batch;
  for (const sdk::OrderLeg* leg : {&order.entry, &order.take_profit, &order.stop_loss}) {
    auto it = live_orders_.find(leg->client_ref);
    if (it == live_orders_.end()) continue;
    it->second.state = sdk::OrderState::kRejected;
    it->second.updated = clock_.now();
    it->second.note = "refused by the broker plugin: " + s.message();
    batch.journal.push_back(it->second);
    live_orders_.erase(it);
  }
  commit(batch, "order refused");
}

void TradingEngine::on_order(const sdk::OrderReport& report) {
  auto it = live_orders_.find(report.client_ref);
  if (it == live_orders_.end()) {
    if (!sdk::is_bot_ref(report.client_ref)) {
      log_.warn("SLOB_ORDER_FOREIGN", "order " + std::to_string(report.broker_order_id) + " (" +
                                          report.symbol + ") has no slob reference: placed "
                                          "outside the bot");
    }
    return;  // already final here: a late or duplicate report changes nothing
  }
  sdk::JournalEntry& e = it->second;
  if (e.state == report.state && e.filled == report.filled &&
      (report.perm_id == 0 || e.perm_id == report.perm_id))
    return;
  // Fills move the journal through on_execution; a report never moves it backwards.
  if (order_state_is_final(e.state)) return;
  e.state = report.state;
  if (report.broker_order_id) e.broker_order_id = report.broker_order_id;
  if (report.perm_id) e.perm_id = report.perm_id;
  e.filled = std::max(e.filled, report.filled);
  e.updated = clock_.now();
  e.note = report.reason.empty() ? "broker reports " + std::string(sdk::order_state_name(report.state))
                                 : report.reason;
  sdk::WriteBatch batch;
  batch.journal.push_back(e);
  if (order_state_is_final(e.state)) live_orders_.erase(it);
  crash_point(CrashPoint::kBeforeAckRecord, log_);
  if (commit(batch, "order report")) crash_point(CrashPoint::kAfterAck, log_);
}

void TradingEngine::on_execution(const sdk::Execution& execution) {
  auto known = store_.has_fill(execution.exec_id);
  if (!known) {
    store_failed("fill lookup", known.status());
    return;
  }
  if (*known) return;  // the ledger is keyed by execution id: replays are harmless
  sdk::WriteBatch batch;
  record_fill(execution, batch);
  crash_point(CrashPoint::kBeforeFillRecord, log_);
  if (commit(batch, "fill")) crash_point(CrashPoint::kAfterFillRecord, log_);
}

// Entries before exits, each oldest first. An exit never precedes its own entry, but IB stamps
// executions to the second, and after a reconnect a stop filling now arrives live before the
// snapshot brings the entry that filled while we were away: read exit first, the exit would
// find no trade and the entry would then open one the broker has already closed.
void TradingEngine::apply_executions(std::vector<sdk::Execution> executions) {
  auto is_exit = [](const sdk::Execution& e) {
    auto ref = sdk::parse_client_ref(e.client_ref);
    return ref && ref->leg != sdk::Leg::kEntry;
  };
  std::sort(executions.begin(), executions.end(), [&](const auto& a, const auto& b) {
    if (is_exit(a) != is_exit(b)) return !is_exit(a);
    return a.time != b.time ? a.time < b.time : a.exec_id < b.exec_id;
  });
  for (const auto& e : executions) on_execution(e);
}

void TradingEngine::store_failed(const char* what, const sdk::Status& s) {
  log_.critical("SLOB_STORE_FAILED", std::string(what) + ": " + s.message());
  if (hooks_.on_store_failure) hooks_.on_store_failure("store failed (" + std::string(what) + "): " + s.message());
}

void TradingEngine::record_fill(const sdk::Execution& e, sdk::WriteBatch& batch) {
  batch.fills.push_back({e.exec_id, e.client_ref, e.broker_order_id, e.symbol, e.side, e.quantity,
                         e.price, e.time, e.commission});
  log_.info("SLOB_FILL", e.exec_id + " " + sdk::side_name(e.side) + " " +
                             std::to_string(e.quantity) + " " + e.symbol + " @ " +
                             std::to_string(e.price) + " (" + e.client_ref + ")");
  auto ref = sdk::parse_client_ref(e.client_ref);
  if (!ref) {
    log_.warn("SLOB_FILL_FOREIGN", "execution " + e.exec_id + " has no slob reference");
    return;
  }
  if (auto it = live_orders_.find(e.client_ref); it != live_orders_.end()) {
    it->second.filled += e.quantity;
    if (it->second.filled >= it->second.quantity) it->second.state = sdk::OrderState::kFilled;
    it->second.updated = clock_.now();
    it->second.note = "filled by " + e.exec_id;
    batch.journal.push_back(it->second);
    if (it->second.state == sdk::OrderState::kFilled) live_orders_.erase(it);
  }
  if (ref->leg == sdk::Leg::kEntry) {
    auto [it, fresh] = open_trades_.try_emplace(ref->setup_id);
    sdk::TradeRecord& t = it->second;
    if (fresh) {
      t.id = ref->setup_id;
      t.symbol = e.symbol;
      t.direction = e.side == sdk::Side::kSell ? sdk::Direction::kShort : sdk::Direction::kLong;
      t.entry_time = e.time;
    }
    const double total = t.entry_price * static_cast<double>(t.quantity) +
                         e.price * static_cast<double>(e.quantity);
    t.quantity += e.quantity;
    t.entry_price = total / static_cast<double>(t.quantity);
    t.commission += e.commission;
    batch.trades.push_back(t);
    return;
  }
  auto it = open_trades_.find(ref->setup_id);
  if (it == open_trades_.end()) {
    log_.warn("SLOB_FILL_NO_TRADE", "exit fill " + e.exec_id + " for " + ref->setup_id +
                                        " but no open trade");
    return;
  }
  sdk::TradeRecord t = it->second;
  t.exit_price = e.price;
  t.exit_time = e.time;
  t.commission += e.commission;
  t.exit_reason = ref->leg == sdk::Leg::kTakeProfit ? "take_profit"
                  : ref->leg == sdk::Leg::kStopLoss ? "stop_loss"
                                                    : "flatten";
  t.pnl = direction_sign(t.direction) * (e.price - t.entry_price) *
              static_cast<double>(t.quantity) * risk_.contract_multiplier -
          t.commission;
  close_trade(t, batch);
}

void TradingEngine::close_trade(const sdk::TradeRecord& t, sdk::WriteBatch& batch) {
  open_trades_.erase(t.id);
  batch.trades.push_back(t);
  ++stats_.trades_closed;
  stats_.realised_pnl += t.pnl;
  daily_.realised_pnl += t.pnl;
  host_state_.realised_pnl_today = daily_.realised_pnl;
  if (equity_) *equity_ += t.pnl;
  batch.host_state = host_state_;
  log_.info("SLOB_TRADE_CLOSED", t.id + " " + sdk::direction_name(t.direction) + " " +
                                     std::to_string(t.quantity) + " " + t.exit_reason +
                                     " P&L " + std::to_string(t.pnl));
}

ReconcileResult TradingEngine::compare_with_broker(const sdk::BrokerSnapshot& snapshot,
                                                   std::vector<sdk::Execution> live,
                                                   const ReconcilePolicy& policy) {
  next_valid_order_id_ = std::max(next_valid_order_id_, snapshot.next_valid_order_id);

  // The fill ledger first: every execution not yet known.
  live.insert(live.end(), snapshot.executions.begin(), snapshot.executions.end());
  apply_executions(std::move(live));
  // Then the broker's equity, which already holds the P&L of those executions: taken before
  // them, a trade they close would add its P&L a second time (and size the next order on it).
  if (snapshot.equity) equity_ = snapshot.equity;

  // Then the pure comparison on the resulting state.
  ReconcileInput input;
  for (const auto& [id, t] : open_trades_) input.open_trades.push_back(t);
  for (const auto& [ref, e] : live_orders_) input.unresolved_orders.push_back(e);
  input.snapshot = snapshot;
  input.now = clock_.now();
  resend_window_ = input.resend_window;
  return core::reconcile(input, policy);
}

void TradingEngine::act_on(const ReconcileResult& result) {
  sdk::WriteBatch batch;
  std::map<std::string, int> resend_legs;
  for (const auto& r : result.resolutions) {
    auto it = live_orders_.find(r.client_ref);
    if (it == live_orders_.end()) continue;
    if (r.resend) {
      ++resend_legs[it->second.setup_id];
      continue;
    }
    it->second.state = r.state;
    it->second.broker_order_id = r.broker_order_id ? r.broker_order_id : it->second.broker_order_id;
    it->second.perm_id = r.perm_id;
    it->second.filled = r.filled;
    it->second.updated = clock_.now();
    it->second.note = r.note;
    batch.journal.push_back(it->second);
    if (order_state_is_final(r.state)) live_orders_.erase(it);
  }
  for (const auto& c : result.closures) {
    auto it = open_trades_.find(c.trade_id);
    if (it == open_trades_.end()) continue;
    sdk::TradeRecord t = it->second;
    t.exit_time = c.exit_time.value_or(clock_.now());
    t.exit_price = c.exit_price;
    t.exit_reason = c.reason;
    t.pnl = c.exit_price ? direction_sign(t.direction) * (*c.exit_price - t.entry_price) *
                                   static_cast<double>(t.quantity) * risk_.contract_multiplier -
                               t.commission
                         : -t.commission;
    close_trade(t, batch);
  }
  for (const auto& f : result.findings) {
    batch.audit.push_back(event("reconcile", finding_kind_name(f.kind), f.message));
    if (f.safe_mode) log_.critical("SLOB_RECONCILE_MISMATCH", f.message);
    else log_.info("SLOB_RECONCILE_FINDING", f.message);
  }
  if (!batch.empty()) commit(batch, "reconcile");

  // Brackets that never reached the broker and are still fresh wait, whole, for the order gate
  // (send_resends): the reconciliation may have just found a reason for safe mode, and the
  // broker may not take orders yet (IB resolves the contract after the order channel is up).
  for (const auto& [setup, legs] : resend_legs) {
    if (legs != 3) continue;
    sdk::BracketOrder order;
    order.setup_id = setup;
    for (const auto& [ref, e] : live_orders_) {
      if (e.setup_id != setup) continue;
      order.symbol = e.symbol;
      order.quantity = e.quantity;
      sdk::OrderLeg leg{e.client_ref, e.leg, e.side, e.type, e.price, e.broker_order_id};
      if (e.leg == sdk::Leg::kEntry) {
        order.entry = leg;
        order.direction = e.side == sdk::Side::kSell ? sdk::Direction::kShort : sdk::Direction::kLong;
      } else if (e.leg == sdk::Leg::kTakeProfit) {
        order.take_profit = leg;
      } else {
        order.stop_loss = leg;
      }
    }
    resends_[setup] = order;
  }
}

void TradingEngine::send_resends() {
  if (resends_.empty()) return;
  if (hooks_.order_gate && hooks_.order_gate()) return;  // kept until the gate opens
  // In the order of their broker ids, as first journalled: a broker (IB) refuses an id below
  // one it has already been sent, so "t10" must not overtake "t8".
  std::vector<sdk::BracketOrder> pending;
  for (auto& [setup, order] : resends_) pending.push_back(std::move(order));
  resends_.clear();
  std::sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) {
    return a.entry.broker_order_id < b.entry.broker_order_id;
  });
  sdk::WriteBatch stale;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const sdk::BracketOrder& order = pending[i];
    const std::string& setup = order.setup_id;
    auto entry = live_orders_.find(order.entry.client_ref);
    if (entry == live_orders_.end() || entry->second.state != sdk::OrderState::kIntent) continue;
    if (entry->second.created > clock_.now()) {
      // A replay restarted behind the candle that made this intent (the candle was not durable
      // yet): the order leaves when the replayed market reaches that moment again, as it first
      // would have, never on bars from before it. Live, market time is wall time: never here.
      for (std::size_t j = i; j < pending.size(); ++j) resends_[pending[j].setup_id] = pending[j];
      break;
    }
    if (clock_.now() - entry->second.created > resend_window_) {
      // The gate stayed closed past the setup's moment: cancelled, as the reconciler would.
      log_.warn("SLOB_ORDER_RESEND_STALE", "bracket " + setup + " never reached the broker and "
                                           "is too old to send now; cancelled in the journal");
      for (const sdk::OrderLeg* leg : {&order.entry, &order.take_profit, &order.stop_loss}) {
        auto it = live_orders_.find(leg->client_ref);
        if (it == live_orders_.end()) continue;
        it->second.state = sdk::OrderState::kCancelled;
        it->second.updated = clock_.now();
        it->second.note = "never reached the broker; too old to send, not re-sent";
        stale.journal.push_back(it->second);
        live_orders_.erase(it);
      }
      continue;
    }
    log_.warn("SLOB_ORDER_RESENT", "bracket " + setup + " never reached the broker before the "
                                   "interruption; sending it now");
    send_bracket(order);
  }
  if (!stale.empty()) commit(stale, "stale resend");
}

bool TradingEngine::has_unknown_orders() const {
  return std::any_of(live_orders_.begin(), live_orders_.end(), [](const auto& kv) {
    return kv.second.state == sdk::OrderState::kIntent || kv.second.state == sdk::OrderState::kSent ||
           kv.second.state == sdk::OrderState::kUnknown;
  });
}

sdk::Status TradingEngine::audit(const std::string& kind, const std::string& subject,
                                 const std::string& reason) {
  sdk::WriteBatch batch;
  batch.audit.push_back(event(kind, subject, reason));
  return store_.commit(batch);
}

sdk::Status TradingEngine::set_safe_mode(bool on, const std::string& reason) {
  sdk::HostState next = host_state_;
  next.safe_mode = on;
  next.safe_mode_reason = on ? reason : "";
  next.safe_mode_since = on ? std::optional<sdk::Time>(clock_.now()) : std::nullopt;
  sdk::WriteBatch batch;
  batch.host_state = next;
  batch.audit.push_back(event("safe_mode", on ? "entered" : "cleared", reason));
  sdk::Status s = store_.commit(batch);
  if (s) host_state_ = next;
  return s;
}

sdk::Status TradingEngine::set_halt(bool on, const std::string& reason,
                                    std::optional<sdk::Time> until) {
  sdk::HostState next = host_state_;
  next.halted = on;
  next.halt_reason = on ? reason : "";
  next.halted_until = on ? until : std::nullopt;
  sdk::WriteBatch batch;
  batch.host_state = next;
  batch.audit.push_back(event("halt", on ? "halt" : "resume", reason));
  sdk::Status s = store_.commit(batch);
  if (s) host_state_ = next;
  return s;
}

std::vector<std::string> TradingEngine::working_orders(bool entries_only) const {
  std::vector<std::string> refs;
  for (const auto& [ref, e] : live_orders_) {
    if (entries_only && (e.leg != sdk::Leg::kEntry || e.filled > 0)) continue;
    refs.push_back(ref);
  }
  return refs;
}

std::size_t TradingEngine::cancel_working_orders(bool entries_only) {
  if (!broker_) return 0;
  // Collected first: a broker may report a cancellation synchronously, which erases the entry.
  std::vector<std::string> refs;
  for (const auto& [ref, e] : live_orders_) {
    if (e.leg == sdk::Leg::kEntry) {
      if (!entries_only || e.filled == 0) refs.push_back(ref);
    } else if (!entries_only && open_trades_.count(e.setup_id)) {
      // Exit legs of an open trade. Those of an unfilled entry go with their parent's cancel.
      refs.push_back(ref);
    }
  }
  std::size_t n = 0;
  for (const auto& ref : refs) {
    if (auto s = broker_->cancel_order(ref); s) ++n;
    else log_.warn("SLOB_CANCEL_FAILED", ref + ": " + s.message());
  }
  return n;
}

std::size_t TradingEngine::flatten_open_positions() {
  std::size_t n = 0;
  if (!broker_) return n;
  std::vector<sdk::TradeRecord> trades;
  for (const auto& [id, t] : open_trades_) trades.push_back(t);
  for (const auto& t : trades) {
    const std::string ref = sdk::make_flatten_ref(t.id);
    if (!flatten_sent_.insert(ref).second) continue;  // one close per trade, ever
    const std::int64_t order_id = std::max(next_valid_order_id_, host_state_.order_id_high_water + 1);
    host_state_.order_id_high_water = order_id;
    sdk::WriteBatch batch;
    batch.host_state = host_state_;
    batch.audit.push_back(event("order", "flatten " + t.id, "shutdown policy flatten"));
    if (!commit(batch, "flatten")) break;
    if (auto s = broker_->flatten(t.symbol, ref, order_id); s) ++n;
    else log_.warn("SLOB_FLATTEN_FAILED", t.id + ": " + s.message());
  }
  return n;
}

sdk::Status TradingEngine::persist_final_state() {
  if (!strategy_) return sdk::Status::ok();
  auto state = strategy_->export_state();
  if (!state) return state.status();
  sdk::WriteBatch batch;
  batch.checkpoint = sdk::StrategyCheckpoint{strategy_name_, last_candle_, std::move(*state)};
  batch.host_state = host_state_;
  add_held(batch);
  sdk::Status s = store_.commit(batch);
  if (s) held_committed();
  return s;
}

}  // namespace slob::core
