// TradingEngine: the order side — sending journalled brackets, broker reports, the fill ledger,
// trades, reconciliation and the host-state changes (safe mode, halts).

#include <algorithm>
#include <sstream>

#include "runtime/crash_points.hpp"
#include "trading/operator_events.hpp"
#include "trading/trading_engine.hpp"

namespace slob::core {

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
  batch.journal = journal_.reject(order, s.message(), clock_.now());
  for (const auto& leg : batch.journal)
    if (leg.leg == sdk::Leg::kEntry) batch.audit.push_back(events::order_rejected(clock_.now(), leg, s.message()));
  commit(batch, "order refused");
}

void TradingEngine::on_order(const sdk::OrderReport& report) {
  if (!journal_.find(report.client_ref)) {
    if (!sdk::is_bot_ref(report.client_ref)) {
      log_.warn("SLOB_ORDER_FOREIGN", "order " + std::to_string(report.broker_order_id) + " (" +
                                          report.symbol + ") has no slob reference: placed "
                                          "outside the bot");
    }
    return;  // already final here: a late or duplicate report changes nothing
  }
  auto changed = journal_.apply_report(report, clock_.now());
  if (!changed) return;
  sdk::WriteBatch batch;
  if (changed->state == sdk::OrderState::kRejected)
    batch.audit.push_back(events::order_rejected(clock_.now(), *changed, changed->note));
  batch.journal.push_back(std::move(*changed));
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
  sdk::AuditEvent failed = events::make(clock_.now(), sdk::event_type::kStoreFailure, what,
                                        s.message(), {{"operation", what}, {"error", s.message()}});
  if (auto r = record_event(failed); !r && hooks_.on_unrecorded_event)
    hooks_.on_unrecorded_event(std::move(failed));
  if (hooks_.on_store_failure) hooks_.on_store_failure("store failed (" + std::string(what) + "): " + s.message());
}

void TradingEngine::record_fill(const sdk::Execution& e, sdk::WriteBatch& batch) {
  batch.fills.push_back({e.exec_id, e.client_ref, e.broker_order_id, e.symbol, e.side, e.quantity,
                         e.price, e.time, e.commission});
  ++stats_.fills;
  log_.info("SLOB_FILL", e.exec_id + " " + sdk::side_name(e.side) + " " +
                             std::to_string(e.quantity) + " " + e.symbol + " @ " +
                             std::to_string(e.price) + " (" + e.client_ref + ")");
  auto ref = sdk::parse_client_ref(e.client_ref);
  if (!ref) {
    log_.warn("SLOB_FILL_FOREIGN", "execution " + e.exec_id + " has no slob reference");
    return;
  }
  if (auto changed = journal_.apply_fill(e, clock_.now())) batch.journal.push_back(std::move(*changed));
  if (ref->leg == sdk::Leg::kEntry) {
    batch.trades.push_back(trades_.add_entry_fill(ref->setup_id, e));
    batch.audit.push_back(events::entry_filled(ref->setup_id, batch.fills.back()));
    return;
  }
  auto closed = trades_.close_by_fill(ref->setup_id, ref->leg, e);
  if (!closed) {
    log_.warn("SLOB_FILL_NO_TRADE", "exit fill " + e.exec_id + " for " + ref->setup_id +
                                        " but no open trade");
    return;
  }
  trade_closed(*closed, batch);
}

void TradingEngine::trade_closed(const sdk::TradeRecord& t, sdk::WriteBatch& batch) {
  batch.trades.push_back(t);
  ++stats_.trades_closed;
  ++stats_.trades_by_exit_reason[t.exit_reason];
  stats_.realised_pnl += t.pnl;
  host_state_.realised_pnl_today += t.pnl;
  if (equity_) *equity_ += t.pnl;
  batch.host_state = host_state_;
  batch.audit.push_back(events::trade_closed(t));
  log_.info("SLOB_TRADE_CLOSED", t.id + " " + sdk::direction_name(t.direction) + " " +
                                     std::to_string(t.quantity) + " " + t.exit_reason +
                                     " P&L " + std::to_string(t.pnl));
}

ReconcileResult TradingEngine::compare_with_broker(const sdk::BrokerSnapshot& snapshot,
                                                   std::vector<sdk::Execution> live,
                                                   const ReconcilePolicy& policy) {
  journal_.raise_next_valid_id(snapshot.next_valid_order_id);

  // The fill ledger first: every execution not yet known.
  live.insert(live.end(), snapshot.executions.begin(), snapshot.executions.end());
  apply_executions(std::move(live));
  // Then the broker's equity, which already holds the P&L of those executions: taken before
  // them, a trade they close would add its P&L a second time (and size the next order on it).
  if (snapshot.equity) equity_ = snapshot.equity;

  // Then the pure comparison on the resulting state.
  ReconcileInput input;
  for (const auto& [id, t] : trades_.open_trades()) input.open_trades.push_back(t);
  input.unresolved_orders = journal_.unresolved();
  input.snapshot = snapshot;
  input.now = clock_.now();
  return core::reconcile(input, policy);
}

void TradingEngine::act_on(const ReconcileResult& result) {
  sdk::WriteBatch batch;
  // Brackets that never reached the broker and are still fresh are kept by the journal, whole,
  // for the order gate (send_resends): the reconciliation may have just found a reason for safe
  // mode, and the broker may not take orders yet (IB resolves the contract after the order
  // channel is up).
  batch.journal = journal_.apply_resolutions(result.resolutions, clock_.now());
  for (const auto& c : result.closures) {
    auto closed = trades_.close_external(c.trade_id, c.exit_price, c.exit_time.value_or(clock_.now()),
                                         c.reason);
    if (closed) trade_closed(*closed, batch);
  }
  for (const auto& f : result.findings) {
    sdk::AuditEvent e = events::make(clock_.now(), sdk::event_type::kReconcileFinding,
                                     finding_kind_name(f.kind), f.message,
                                     {{"finding", finding_kind_name(f.kind)},
                                      {"symbol", f.symbol},
                                      {"safe_mode", f.safe_mode ? "true" : "false"}});
    if (f.safe_mode) e.severity = sdk::Severity::kCritical;
    batch.audit.push_back(std::move(e));
    if (f.safe_mode) log_.critical("SLOB_RECONCILE_MISMATCH", f.message);
    else log_.info("SLOB_RECONCILE_FINDING", f.message);
  }
  if (!batch.empty()) commit(batch, "reconcile");
}

void TradingEngine::send_resends() {
  if (!journal_.has_resends()) return;
  if (!check_resend(gate_conditions()).open()) return;  // kept until the gate opens
  // A replay restarted behind the candle that made an intent (the candle was not durable yet)
  // keeps it until the replayed market reaches that moment again, as it first would have left.
  OrderJournal::DueResends due = journal_.take_due_resends(clock_.now(), kResendWindow);
  for (const auto& e : due.stale) {
    if (e.leg != sdk::Leg::kEntry) continue;
    // The gate stayed closed past the setup's moment: cancelled, as the reconciler would.
    log_.warn("SLOB_ORDER_RESEND_STALE", "bracket " + e.setup_id + " never reached the broker and "
                                         "is too old to send now; cancelled in the journal");
  }
  for (const auto& order : due.send) {
    log_.warn("SLOB_ORDER_RESENT", "bracket " + order.setup_id + " never reached the broker before "
                                   "the interruption; sending it now");
    send_bracket(order);
  }
  if (!due.stale.empty()) {
    sdk::WriteBatch stale;
    stale.journal = std::move(due.stale);
    commit(stale, "stale resend");
  }
}

sdk::Status TradingEngine::record_event(sdk::AuditEvent event) {
  sdk::WriteBatch batch;
  batch.audit.push_back(std::move(event));
  return commit_to_store(batch);
}

sdk::Status TradingEngine::commit_host_state(const sdk::HostState& next, sdk::AuditEvent audit) {
  sdk::WriteBatch batch;
  batch.host_state = next;
  batch.audit.push_back(std::move(audit));
  sdk::Status s = commit_to_store(batch);
  if (s) host_state_ = next;
  return s;
}

sdk::Status TradingEngine::set_safe_mode(bool on, const std::string& reason) {
  sdk::HostState next = host_state_;
  next.safe_mode = on;
  next.safe_mode_reason = on ? reason : "";
  next.safe_mode_since = on ? std::optional<sdk::Time>(clock_.now()) : std::nullopt;
  return commit_host_state(next, events::safe_mode(clock_.now(), on, reason));
}

sdk::Status TradingEngine::set_halt(bool on, const std::string& reason,
                                    std::optional<sdk::Time> until) {
  sdk::HostState next = host_state_;
  next.halted = on;
  next.halt_reason = on ? reason : "";
  next.halted_until = on ? until : std::nullopt;
  return commit_host_state(next, events::halt(clock_.now(), on, reason, until));
}

std::vector<std::string> TradingEngine::working_orders(bool entries_only) const {
  return journal_.working(entries_only);
}

std::size_t TradingEngine::cancel_working_orders(bool entries_only) {
  if (!broker_) return 0;
  // Collected first: a broker may report a cancellation synchronously, which erases the entry.
  const std::vector<std::string> refs = journal_.cancel_targets(
      entries_only, [this](const std::string& setup) { return trades_.is_open(setup); });
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
  for (const auto& [id, t] : trades_.open_trades()) trades.push_back(t);
  for (const auto& t : trades) {
    const std::string ref = sdk::make_flatten_ref(t.id);
    if (!flatten_sent_.insert(ref).second) continue;  // one close per trade, ever
    const std::int64_t order_id = journal_.reserve_ids(host_state_, 1);
    sdk::WriteBatch batch;
    batch.host_state = host_state_;
    batch.audit.push_back(events::flatten_sent(clock_.now(), t, "shutdown policy flatten"));
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
  sdk::Status s = commit_to_store(batch);
  if (s) held_committed();
  return s;
}

}  // namespace slob::core
