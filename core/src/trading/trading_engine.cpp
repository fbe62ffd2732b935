#include "trading/trading_engine.hpp"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "observe/metrics.hpp"
#include "runtime/crash_points.hpp"
#include "trading/operator_events.hpp"

namespace slob::core {
namespace {

std::string money(double v) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(2);
  s << v;
  return s.str();
}

// A finished setup's reason as a metric label: the "reason" of its report when that is a short
// identifier (the strategy's fixed vocabulary, e.g. "SPIKE_TOO_LARGE"), "none" when it has none,
// and "other" for anything else, so a strategy's free text cannot make new series without end.
std::string setup_reason_label(const std::string& report) {
  const auto j = nlohmann::json::parse(report, nullptr, false);
  if (!j.is_object() || !j.contains("reason") || j["reason"].is_null()) return "none";
  if (!j["reason"].is_string()) return "other";
  const std::string r = j["reason"].get<std::string>();
  const bool identifier = !r.empty() && r.size() <= 40 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  return identifier ? r : "other";
}

}  // namespace

TradingEngine::TradingEngine(sdk::Store& store, sdk::Clock& clock, sdk::Clock& wall,
                             sdk::Logger& logger, const RiskSection& risk,
                             CandleBuilder::Options candle_options, Hooks hooks)
    : store_(store),
      clock_(clock),
      wall_(wall),
      log_(logger),
      risk_(risk),
      hooks_(std::move(hooks)),
      builder_(std::make_unique<CandleBuilder>(
          clock, logger, candle_options, [this](const sdk::Candle& c) { on_candle(c); },
          [this](sdk::Time minute) { on_hole(minute); })),
      calendar_(*TradingDayCalendar::make(risk.timezone)),
      trades_(risk.contract_multiplier) {}

TradingEngine::~TradingEngine() = default;

sdk::Status TradingEngine::commit_to_store(const sdk::WriteBatch& batch) {
  const auto started = std::chrono::steady_clock::now();
  sdk::Status s = store_.commit(batch);
  if (instruments_.store_commit) instruments_.store_commit->observe(std::chrono::steady_clock::now() - started);
  if (!s) return s;
  for (const auto& e : batch.journal) {
    if (sdk::order_state_is_final(e.state))
      ++stats_.orders_final[{sdk::leg_name(e.leg), sdk::order_state_name(e.state)}];
  }
  if (!batch.audit.empty() && hooks_.on_events_committed) hooks_.on_events_committed();
  return s;
}

bool TradingEngine::commit(const sdk::WriteBatch& batch, const char* what) {
  const sdk::Status s = commit_to_store(batch);
  if (!s) store_failed(what, s);
  return s.is_ok();
}

sdk::Status TradingEngine::recover(sdk::Strategy& strategy, const std::string& strategy_name) {
  strategy_ = &strategy;
  strategy_name_ = strategy_name;
  auto hs = store_.host_state();
  if (!hs) return hs.status();
  host_state_ = *hs;

  auto cp = store_.checkpoint();
  if (!cp) return cp.status();
  if (cp->has_value()) {
    const sdk::StrategyCheckpoint& c = **cp;
    if (c.plugin != strategy_name) {
      log_.warn("SLOB_RECOVERY_CHECKPOINT_FOREIGN",
                "stored strategy state belongs to \"" + c.plugin + "\", not \"" + strategy_name +
                    "\"; the strategy starts empty");
    } else if (auto s = strategy.import_state(c.state); !s) {
      return sdk::Status::corruption("stored strategy state cannot be imported: " + s.message());
    }
    last_candle_ = c.last_candle;
    recovered_through_ = c.last_candle;
    if (last_candle_) builder_->resume_after(*last_candle_);
  }
  sdk::Status scan = store_.scan_open_trades([this](const sdk::TradeRecord& t) {
    trades_.restore(t);
    return true;
  });
  if (!scan) return scan;
  scan = store_.scan_unresolved_orders([this](const sdk::JournalEntry& e) {
    journal_.restore(e);
    return true;
  });
  if (!scan) return scan;
  std::size_t live_setups = 0;
  scan = store_.scan_live_setups([&](const sdk::SetupRecord&) {
    ++live_setups;
    return true;
  });
  if (!scan) return scan;
  log_.info("SLOB_RECOVERY_DONE",
            "recovered: " + std::to_string(live_setups) + " active setups, " +
                std::to_string(trades_.open_count()) + " open trades, " +
                std::to_string(journal_.size()) + " unresolved orders, order id high-water " +
                std::to_string(host_state_.order_id_high_water) +
                (last_candle_ ? ", last candle " + sdk::format_rfc3339(*last_candle_) : "") +
                (host_state_.safe_mode ? ", SAFE MODE (" + host_state_.safe_mode_reason + ")" : ""));
  return sdk::Status::ok();
}

sdk::Status TradingEngine::switch_strategy(sdk::Strategy& next, const std::string& name,
                                           sdk::AuditEvent reload_event) {
  auto state = next.export_state();
  if (!state) {
    return sdk::Status(state.status().code(),
                       "the new strategy cannot export its state: " + state.status().message());
  }
  sdk::WriteBatch batch;
  add_held(batch);
  batch.checkpoint = sdk::StrategyCheckpoint{name, last_candle_, std::move(*state)};
  batch.audit.push_back(std::move(reload_event));
  if (auto s = commit_to_store(batch); !s) return s;
  held_committed();
  strategy_ = &next;
  strategy_name_ = name;
  return sdk::Status::ok();
}

std::optional<sdk::Time> TradingEngine::resume_from() const {
  if (!last_candle_) return std::nullopt;
  return *last_candle_ + std::chrono::minutes(1);
}

void TradingEngine::on_bar(const sdk::Bar& bar) {
  bar_arrived_ = std::chrono::steady_clock::now();
  builder_->on_bar(bar);
  bar_arrived_.reset();  // a candle its timer closes later was not triggered by this bar
}

void TradingEngine::roll_day(sdk::Time t) {
  // Candles arrive in time order: until the next local midnight the day cannot change.
  if (day_end_ && t < *day_end_) return;
  const std::string day = calendar_.day_of(t);
  day_end_ = calendar_.next_day_start(t);
  if (stats_.days.insert(day).second && stats_.days.size() > 1) {
    log_.info("SLOB_PROGRESS", "trading day " + day + " begins: " +
                                   std::to_string(stats_.days.size() - 1) + " days done, " +
                                   std::to_string(stats_.setups_complete) + " complete setups, " +
                                   std::to_string(stats_.setups_invalidated) + " invalidated, " +
                                   std::to_string(stats_.trades_closed) + " trades, P&L " +
                                   money(stats_.realised_pnl));
  }
  if (host_state_.risk_day != day) {
    host_state_.risk_day = day;
    host_state_.trades_today = 0;
    host_state_.realised_pnl_today = 0;
  }
}

void TradingEngine::release_expired_halt(sdk::Time t) {
  if (host_state_.halted && host_state_.halted_until && t >= *host_state_.halted_until) {
    log_.info("SLOB_HALT_EXPIRED", "halt \"" + host_state_.halt_reason + "\" ended with the trading day");
    pending_events_.push_back(events::halt(t, false, "the halt \"" + host_state_.halt_reason +
                                                         "\" ended with the trading day",
                                           std::nullopt));
    host_state_.halted = false;
    host_state_.halt_reason.clear();
    host_state_.halted_until.reset();
  }
}

void TradingEngine::on_hole(sdk::Time minute) {
  if (!strategy_) return;
  auto out = strategy_->on_hole(minute);
  if (!out) {
    if (hooks_.on_store_failure) hooks_.on_store_failure("strategy failed on a hole: " + out.status().message());
    return;
  }
  if (out->empty()) return;
  // No candle follows a hole at once (the market may have closed): its setups are stored now,
  // with those held before it so that no older record overwrites a newer one later.
  apply_output(*out);
  sdk::WriteBatch batch;
  batch.setups = pending_setups_;
  batch.audit = pending_events_;
  if (commit(batch, "hole")) {
    pending_setups_.clear();
    pending_events_.clear();
    last_commit_wall_ = wall_.now();
  }
}

void TradingEngine::add_held(sdk::WriteBatch& batch) const {
  batch.candles = pending_candles_;
  batch.setups = pending_setups_;
  // Held events happened first (a setup completes before its order is sent).
  batch.audit.insert(batch.audit.begin(), pending_events_.begin(), pending_events_.end());
}

void TradingEngine::held_committed() {
  pending_candles_.clear();
  pending_setups_.clear();
  pending_events_.clear();
  last_commit_wall_ = wall_.now();
}

bool TradingEngine::checkpoint_due() const {
  return pending_candles_.size() >= kCheckpointEveryCandles ||
         (!pending_setups_.empty() && wall_.now() - last_commit_wall_ >= kSetupLag);
}

void TradingEngine::on_candle(const sdk::Candle& candle) {
  if (!strategy_) return;
  if (last_candle_ && candle.start <= *last_candle_) return;  // handled before a restart
  candle_trigger_ = bar_arrived_.value_or(std::chrono::steady_clock::now());
  // Market data flows, so the broker can take orders: a re-send waiting for the gate (it belongs
  // to an earlier candle) tries again first.
  send_resends();
  const sdk::HostState before = host_state_;
  roll_day(candle.start);
  release_expired_halt(candle.start);

  auto out = strategy_->on_candle(candle);
  if (!out) {
    log_.critical("SLOB_STRATEGY_FAILED", out.status().message());
    if (hooks_.on_store_failure) hooks_.on_store_failure("strategy failed: " + out.status().message());
    return;
  }
  apply_output(*out);
  sdk::WriteBatch batch;
  for (const auto& intent : out->intents) {
    handle_intent(intent, batch);
  }
  const bool host_changed = before.halted != host_state_.halted ||
                            before.order_id_high_water != host_state_.order_id_high_water ||
                            before.risk_day != host_state_.risk_day ||
                            before.trades_today != host_state_.trades_today;
  if (host_changed) batch.host_state = host_state_;
  pending_candles_.push_back(candle);
  const bool urgent = !batch.journal.empty() || !batch.audit.empty() || host_changed;
  if (!urgent && !checkpoint_due()) {
    last_candle_ = candle.start;
    return;
  }
  if (!pending_brackets_.empty() && !commit_and_send_intents(batch)) {
    // Nothing of this candle happened: no order may leave for an intent that is not durable.
    host_state_ = before;
    day_end_.reset();  // the risk day may have been rolled back with it: look it up again
    pending_candles_.pop_back();
    return;
  }
  add_held(batch);
  auto state = strategy_->export_state();
  if (!state) {
    if (hooks_.on_store_failure) hooks_.on_store_failure("strategy export failed: " + state.status().message());
    return;
  }
  batch.checkpoint = sdk::StrategyCheckpoint{strategy_name_, candle.start, std::move(*state)};
  if (!commit(batch, "candle")) return;
  last_candle_ = candle.start;
  held_committed();
}

bool TradingEngine::commit_and_send_intents(sdk::WriteBatch& batch) {
  // Only what must be durable before an order leaves: the journal entries and the host state
  // (order-id high water, trades today). A batch of only those is what a store can make durable
  // cheapest (lmdb: one record in its intent log, one flush); the candle's other state (candles,
  // setups, checkpoint, audit) follows in the next commit, after the send. A crash in between
  // replays the candle from the last checkpoint, and the strategy's intent for a setup already
  // journalled is skipped.
  sdk::WriteBatch intents;
  intents.journal = std::move(batch.journal);
  batch.journal.clear();
  intents.host_state = std::exchange(batch.host_state, std::nullopt);
  crash_point(CrashPoint::kBeforeJournal, log_);
  if (!commit(intents, "order intents")) {
    journal_.forget(intents.journal);
    pending_brackets_.clear();
    return false;
  }
  auto brackets = std::move(pending_brackets_);
  pending_brackets_.clear();
  for (const auto& b : brackets) {
    if (instruments_.trigger_to_order)
      instruments_.trigger_to_order->observe(std::chrono::steady_clock::now() - candle_trigger_);
    send_bracket(b);
  }
  return true;
}

void TradingEngine::apply_output(const sdk::StrategyOutput& output) {
  for (const auto& u : output.updates) {
    auto held = std::find_if(pending_setups_.begin(), pending_setups_.end(),
                             [&](const sdk::SetupRecord& r) { return r.id == u.record.id; });
    if (held != pending_setups_.end()) *held = u.record;
    else pending_setups_.push_back(u.record);
    if (!u.finished()) continue;
    const bool complete = u.outcome == sdk::SetupOutcome::kComplete;
    ++stats_.setups_finished[{complete ? "complete" : "invalidated", setup_reason_label(u.record.report)}];
    if (complete) {
      ++stats_.setups_complete;
      pending_events_.push_back(events::setup_complete(clock_.now(), u.record));
    } else {
      ++stats_.setups_invalidated;
    }
    log_.info("SLOB_SETUP_FINISHED", u.record.id + " " + sdk::direction_name(u.record.direction) +
                                         " " + u.record.state + " " + u.record.report);
  }
}

void TradingEngine::handle_intent(const sdk::BracketIntent& intent, sdk::WriteBatch& batch) {
  auto skip = [&](const std::string& why) {
    ++stats_.intents_skipped;
    log_.warn("SLOB_ORDER_SKIPPED", "setup " + intent.setup_id + ": no order: " + why);
    batch.audit.push_back(events::order_skipped(clock_.now(), intent.setup_id, why));
  };
  auto existing = store_.find_order(sdk::make_client_ref(intent.setup_id, sdk::Leg::kEntry));
  if (!existing) {
    store_failed("order lookup", existing.status());
    return skip("the order journal cannot be read: " + existing.status().message());
  }
  if (existing->has_value()) {
    if (replays_lost_candle(intent) && journalled_here_.insert(intent.setup_id).second) {
      // The candle that made this intent is handled again after a restart: its intent reached
      // the journal (and maybe the broker), the rest of its commit did not. Nothing is sent;
      // the bracket's audit event, lost with that commit, is recorded as it was first meant.
      const sdk::JournalEntry& entry = **existing;
      log_.info("SLOB_ORDER_REPLAYED", "setup " + intent.setup_id + ": intent journalled before "
                                       "the restart (" + sdk::order_state_name(entry.state) +
                                       "); nothing sent again");
      batch.audit.push_back(events::order_sent(clock_.now(), intent, risk_.symbol, entry.quantity));
      return;
    }
    return skip("an order for this setup is already journalled");
  }
  const GateDecision gate = check_new_bracket(gate_conditions(), host_state_, risk_);
  if (gate.verdict == GateVerdict::kDailyLimit) {
    host_state_.halted = true;
    host_state_.halt_reason = gate.reason;
    host_state_.halted_until = calendar_.next_day_start(intent.time);
    batch.audit.push_back(events::daily_limit(clock_.now(), gate.reason, host_state_));
    log_.warn("SLOB_HALTED", gate.reason + "; new entries halted until the next trading day");
  }
  if (!gate.open()) return skip(gate.reason);
  if (!equity_) return skip("account equity unknown");
  const SizingResult size = size_position(risk_, *equity_, intent.entry, intent.stop);
  if (size.contracts < 1) return skip("size below one contract: " + size.reason);

  const std::int64_t base = journal_.reserve_ids(host_state_, 3);
  const bool is_short = intent.direction == sdk::Direction::kShort;
  const sdk::Side entry_side = is_short ? sdk::Side::kSell : sdk::Side::kBuy;
  const sdk::Side exit_side = is_short ? sdk::Side::kBuy : sdk::Side::kSell;
  sdk::BracketOrder order;
  order.setup_id = intent.setup_id;
  order.symbol = risk_.symbol;
  order.direction = intent.direction;
  order.quantity = size.contracts;
  order.entry = {sdk::make_client_ref(intent.setup_id, sdk::Leg::kEntry), sdk::Leg::kEntry, entry_side,
                 sdk::OrderType::kLimit, intent.entry, base};
  order.take_profit = {sdk::make_client_ref(intent.setup_id, sdk::Leg::kTakeProfit),
                       sdk::Leg::kTakeProfit, exit_side, sdk::OrderType::kLimit, intent.target,
                       base + 1};
  order.stop_loss = {sdk::make_client_ref(intent.setup_id, sdk::Leg::kStopLoss), sdk::Leg::kStopLoss,
                     exit_side, sdk::OrderType::kStop, intent.stop, base + 2};
  for (auto& e : journal_.record_intent(order, clock_.now(), "sized " + size.reason))
    batch.journal.push_back(std::move(e));
  ++host_state_.trades_today;
  journalled_here_.insert(intent.setup_id);
  batch.audit.push_back(events::order_sent(clock_.now(), intent, risk_.symbol, order.quantity));
  pending_brackets_.push_back(order);
}

GateConditions TradingEngine::gate_conditions() const {
  return hooks_.gate_conditions ? hooks_.gate_conditions() : GateConditions{};
}

bool TradingEngine::replays_lost_candle(const sdk::BracketIntent& intent) const {
  return !recovered_through_ || intent.time > *recovered_through_;
}

}  // namespace slob::core
