#pragma once

// The trading pipeline: broker bars → candle builder → strategy → order gate → order journal →
// broker, and broker reports → journal, fill ledger and trade book. The engine sequences; each
// fact has one owner:
//
// - CandleBuilder (candle_builder.hpp): bars → candles and holes, and their counts;
// - OrderGate (order_gate.hpp): whether an intent may go out now, and why not;
// - sizing and the daily limits (risk.hpp), read from the durable HostState;
// - OrderJournal (order_journal.hpp): unresolved orders, order ids, reports, re-sends;
// - TradeBook (trade_book.hpp): fills → open trades → closed trades, the one P&L function;
// - HostState (sdk/records.hpp), held here and committed with what changes it: safe mode, halt,
//   the order-id high-water mark, the risk day and its counters.
//
// Every state change goes through the store before anything acts on it (ARCHITECTURE §6):
//
// - Write-behind for what can be derived again: handled candles, setup records and the strategy
//   checkpoint (which carries the last-candle mark) are held and committed together, at the
//   latest every kCheckpointEveryCandles candles or, for changed setups, once kSetupLag of wall
//   time has passed since the last commit (live, one candle a minute, a changed setup is stored
//   with its candle; a replay stores one batch per kCheckpointEveryCandles candles). A restart
//   continues from the checkpoint: the broker re-delivers the later candles and the
//   deterministic strategy handles them again, never one it has already handled since the
//   checkpoint, and re-emits the same setup updates.
// - Anything that must be durable before it acts — a bracket intent, an audit event, a change of
//   host state (halt, order-id high-water, the risk day and its trade count) — is committed with
//   the candle that caused it, at once, together with everything held.
// - A bracket intent is committed (all three legs, state "intent", and the raised order-id
//   high-water mark) before the first byte goes to the broker.
// - A fill is committed to the ledger (keyed by execution id, so replays are idempotent) together
//   with the journal and trade changes it causes.
//
// A store failure is never ignored: the engine reports it through on_store_failure, and the host
// enters safe mode.
//
// Threading: loop thread only.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/config.hpp"
#include "trading/candle_builder.hpp"
#include "trading/order_gate.hpp"
#include "trading/order_journal.hpp"
#include "trading/reconciler.hpp"
#include "trading/risk.hpp"
#include "trading/trade_book.hpp"
#include "trading/trading_day.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/store.hpp"
#include "slob/sdk/strategy.hpp"

namespace slob::core {

class Histogram;

// What the engine did since it started (candles and holes are the candle builder's counters).
struct EngineStats {
  std::uint64_t setups_complete = 0;
  std::uint64_t setups_invalidated = 0;
  std::uint64_t brackets_sent = 0;
  std::uint64_t intents_skipped = 0;
  std::uint64_t trades_closed = 0;
  double realised_pnl = 0;
  std::set<std::string> days;
  // For the metrics (observe/host_metrics.cpp), since the process started:
  std::uint64_t fills = 0;                                      // recorded in the ledger
  std::map<std::string, std::uint64_t> trades_by_exit_reason;  // closed trades
  // Finished setups by outcome ("complete", "invalidated") and the reason
  // in the setup's report (a short identifier, else "other"; none: "none").
  std::map<std::pair<std::string, std::string>, std::uint64_t> setups_finished;
  // Order legs committed in a final state, by leg and state (each leg once: the journal then
  // forgets it).
  std::map<std::pair<std::string, std::string>, std::uint64_t> orders_final;
};

// Latency histograms the engine feeds (the host's metrics registry owns them; unset: none).
struct EngineInstruments {
  Histogram* store_commit = nullptr;      // every Store::commit
  // From the bar that closed the candle (or, for a candle closed by its timer, from the start of
  // its handling) to Broker::place_bracket being called for the intent it made.
  Histogram* trigger_to_order = nullptr;
};

class TradingEngine {
 public:
  // The strategy is checkpointed at least this often (in candles), so a restart re-handles at
  // most this many candles.
  static constexpr std::size_t kCheckpointEveryCandles = 60;
  // A changed setup waits at most this long (wall time) for its commit when candles keep coming.
  static constexpr sdk::Duration kSetupLag = std::chrono::seconds(1);

  struct Hooks {
    // The host's side of the order gate, as values at the moment of asking. Unset: the gate
    // stays closed ("lifecycle is Starting").
    std::function<GateConditions()> gate_conditions;
    // A commit failed (or the strategy did): the host enters safe mode with this reason.
    std::function<void(const std::string& reason)> on_store_failure;
    // A commit with operator events succeeded (the observers have something new to read).
    std::function<void()> on_events_committed = nullptr;
    // An operator event the store refused (it failed): the observers may still tell it.
    std::function<void(sdk::AuditEvent)> on_unrecorded_event = nullptr;
  };

  // `clock` is market time (simulated in a replay); `wall` is the host's wall clock.
  TradingEngine(sdk::Store& store, sdk::Clock& clock, sdk::Clock& wall, sdk::Logger& logger,
                const RiskSection& risk, CandleBuilder::Options candle_options, Hooks hooks);
  ~TradingEngine();

  // Startup recovery, before any connection: host state, strategy checkpoint, open trades and
  // unresolved journal entries.
  sdk::Status recover(sdk::Strategy& strategy, const std::string& strategy_name);

  void set_broker(sdk::Broker* broker) { broker_ = broker; }
  void set_instruments(EngineInstruments instruments) { instruments_ = instruments; }

  // Hot reload: `next` has imported the running strategy's export and takes over from the next
  // candle. One commit holds the candles handled since the last checkpoint, a checkpoint of
  // `next` under `name` and the audit event, so a restart resumes with the new plugin and its
  // state. On failure nothing changed (the old strategy stays) and the error is returned.
  sdk::Status switch_strategy(sdk::Strategy& next, const std::string& name,
                              sdk::AuditEvent reload_event);
  void set_next_valid_order_id(std::int64_t id) { journal_.raise_next_valid_id(id); }

  // Where market data should resume: one minute after the last handled candle.
  std::optional<sdk::Time> resume_from() const;
  // The start of the trading day of `t` (midnight in the [risk] timezone).
  sdk::Time trading_day_start(sdk::Time t) const { return calendar_.day_start(t); }

  void on_bar(const sdk::Bar& bar);
  void on_order(const sdk::OrderReport& report);
  void on_execution(const sdk::Execution& execution);
  // Several executions at once (a snapshot's, or those held while one was awaited), in an order
  // that never reads an exit before its entry; each one not yet in the ledger is recorded.
  void apply_executions(std::vector<sdk::Execution> executions);
  // After each (re)connect, in two steps so the host can confirm a disagreement before acting.
  // compare_with_broker records unknown fills — the snapshot's and `live` ones that arrived
  // while it was awaited, in apply_executions' order; the ledger is keyed by execution id, so a
  // second snapshot's are ignored — and compares the result with the snapshot; nothing else
  // changes.
  ReconcileResult compare_with_broker(const sdk::BrokerSnapshot& snapshot, std::vector<sdk::Execution> live,
                                      const ReconcilePolicy& policy);
  // Acts on a comparison: resolves the journal, closes trades found flat, logs and audits the
  // findings. Brackets the broker never received and that are still fresh are kept for
  // send_resends().
  void act_on(const ReconcileResult& result);
  // Sends the brackets kept by act_on() when the order gate is open (the caller also knows
  // the broker can take orders; every handled candle tries again); while it is closed they wait.
  // One that has become older than the resend window by then is cancelled in the journal
  // instead, never sent.
  void send_resends();

  // Safe mode and halts, persisted in the host state with an audit event.
  sdk::Status set_safe_mode(bool on, const std::string& reason);
  sdk::Status set_halt(bool on, const std::string& reason, std::optional<sdk::Time> until);
  // One operator event (operator_events.hpp) in a commit of its own.
  sdk::Status record_event(sdk::AuditEvent event);

  // Shutdown policies (ARCHITECTURE §8). The client references still working at the broker:
  // every unresolved journal entry, or only entries nothing of which has filled.
  std::vector<std::string> working_orders(bool entries_only) const;
  // Asks the broker to cancel them (held children go with their entry, as at IB); returns how
  // many requests it accepted. Confirmations arrive as order reports, which resolve the journal.
  std::size_t cancel_working_orders(bool entries_only);
  // A market order closing each open trade, at most once per trade. Send it only after the
  // trade's exit legs are confirmed cancelled: a take-profit or stop filling after the close
  // would open the opposite position.
  std::size_t flatten_open_positions();
  std::size_t open_trade_count() const { return trades_.open_count(); }
  // Final state: the checkpoint of the strategy as it is now.
  sdk::Status persist_final_state();

  const sdk::HostState& host_state() const { return host_state_; }
  const EngineStats& stats() const { return stats_; }
  std::optional<double> equity() const { return equity_; }
  const CandleBuilder& candle_builder() const { return *builder_; }
  bool has_unknown_orders() const { return journal_.has_unknown(); }
  // What live reconciliation compares broker reports with (live_reconcile.hpp): the position the
  // open trades add up to in `symbol` (signed), and the unresolved journal entry of `client_ref`
  // (null when there is none).
  std::int64_t expected_position(const std::string& symbol) const { return trades_.position(symbol); }
  const sdk::JournalEntry* live_order(const std::string& client_ref) const {
    return journal_.find(client_ref);
  }
  std::vector<sdk::JournalEntry> unresolved_orders() const { return journal_.unresolved(); }

 private:
  void on_candle(const sdk::Candle& candle);
  void on_hole(sdk::Time minute);
  // Counts and logs finished setups; the updates join pending_setups_.
  void apply_output(const sdk::StrategyOutput& output);
  // Whether the held candles and setups are due for their commit.
  bool checkpoint_due() const;
  // The held candles, setups and their events go into `batch`; once it is committed, held_committed() lets
  // them go (they stay held if the commit fails).
  void add_held(sdk::WriteBatch& batch) const;
  void held_committed();
  void handle_intent(const sdk::BracketIntent& intent, sdk::WriteBatch& candle_batch);
  // Whether `intent` comes from a candle after the checkpoint this process recovered from: a
  // candle handled before a crash whose commit (candles, setups, checkpoint, audit) was lost,
  // while the intent it made was already durable on its own.
  bool replays_lost_candle(const sdk::BracketIntent& intent) const;
  // Moves the journal entries and host state out of the candle's batch into a commit of their
  // own and, once it is durable, sends the pending brackets. False (nothing sent, the intents
  // forgotten) if the commit fails.
  bool commit_and_send_intents(sdk::WriteBatch& candle_batch);
  void send_bracket(const sdk::BracketOrder& order);
  void roll_day(sdk::Time t);
  void release_expired_halt(sdk::Time t);
  bool commit(const sdk::WriteBatch& batch, const char* what);
  // Every commit goes through here: the store, then on_events_committed when it held events.
  sdk::Status commit_to_store(const sdk::WriteBatch& batch);
  // A change of host state with its audit event, in one commit; held here only once durable.
  sdk::Status commit_host_state(const sdk::HostState& next, sdk::AuditEvent audit);
  // The host's side of the order gate now (closed while no hook is set).
  GateConditions gate_conditions() const;
  void record_fill(const sdk::Execution& e, sdk::WriteBatch& batch);
  // A trade just closed: its record, today's P&L in the host state and the equity.
  void trade_closed(const sdk::TradeRecord& t, sdk::WriteBatch& batch);
  // A commit or lookup failed: logged, and the host enters safe mode.
  void store_failed(const char* what, const sdk::Status& s);

  sdk::Store& store_;
  sdk::Clock& clock_;
  sdk::Clock& wall_;
  sdk::Logger& log_;
  const RiskSection& risk_;
  Hooks hooks_;
  std::unique_ptr<CandleBuilder> builder_;
  TradingDayCalendar calendar_;

  sdk::Strategy* strategy_ = nullptr;
  std::string strategy_name_;
  sdk::Broker* broker_ = nullptr;
  sdk::HostState host_state_;
  std::optional<sdk::Time> last_candle_;
  std::optional<sdk::Time> recovered_through_;  // the checkpoint's last candle at recovery
  // Setups whose intent this process journalled or replayed: a second intent for one of them is
  // the strategy repeating itself, never a replay.
  std::set<std::string> journalled_here_;
  // The trading day of the last candle is known until day_end_ (its next local midnight), so
  // roll_day() looks the zone up once a day, not once a candle.
  std::optional<sdk::Time> day_end_;
  std::optional<double> equity_;
  EngineStats stats_;
  OrderJournal journal_;
  TradeBook trades_;
  std::vector<sdk::BracketOrder> pending_brackets_;  // journalled, sent after the commit
  std::vector<sdk::Candle> pending_candles_;     // handled since the last checkpoint
  std::vector<sdk::SetupRecord> pending_setups_;  // changed since then, the latest of each id
  std::vector<sdk::AuditEvent> pending_events_;  // of those setups (setup.complete), same commit
  sdk::Time last_commit_wall_{};                  // of the last commit that took them
  std::set<std::string> flatten_sent_;        // client refs of closes sent by this process
  EngineInstruments instruments_;
  // Steady time the bar being handled arrived, and the trigger of the candle being handled.
  std::optional<std::chrono::steady_clock::time_point> bar_arrived_;
  std::chrono::steady_clock::time_point candle_trigger_{};
};

}  // namespace slob::core
