// Host: its metrics, as `slob-ctl metrics` and the "metrics" view show them. docs/metrics.md
// lists every one with its meaning; change both together.
//
// Names follow Prometheus' conventions: the prefix slob_, counters end in _total, durations are
// seconds (_seconds), ages and times too. Money carries no unit suffix (Prometheus has no base
// unit for it): it is in the account's currency, the unit of [risk] max_daily_loss, and the HELP
// says so.
//
// Counters count since the process started (a restart begins again at 0, which Prometheus reads
// as a reset); what the store keeps across restarts is in `slob-ctl status` and the exports.
// "Today" is the durable risk day, the same figures as `slob-ctl status` (risk.*).

#include <algorithm>

#include "plugins/build_compatibility.hpp"
#include "runtime/host.hpp"

namespace slob::core {
namespace {

using Sink = MetricsRegistry::Sink;

// Seconds: from half a millisecond (a loopback round trip, an unsynced commit) to 10 s (a
// heartbeat near its timeout, a commit on a disk in trouble).
const std::vector<double> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};

double seconds_since_epoch(sdk::Time t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

}  // namespace

void Host::register_metrics() {
  MetricsRegistry& m = metrics_;
  const auto gauge = MetricType::kGauge;
  const auto counter = MetricType::kCounter;

  m.computed("slob_build_info", "Always 1; the labels name this build of slob-host.", gauge,
             [](const Sink& add) {
               add({{"version", SLOB_VERSION},
                    {"sdk", sdk_version_of(sdk::kBuildInfo)},
                    {"compiler", sdk::kBuildInfo.compiler}},
                   1);
             });
  m.gauge("slob_start_time_seconds", "When this process started, in seconds since the Unix epoch.")
      .set(seconds_since_epoch(started_at_));

  // State: one series per value, 1 for the current one.
  m.computed("slob_lifecycle_state", "1 for the host's current lifecycle state, 0 for the others.",
             gauge, [this](const Sink& add) {
               for (LifecycleState s : kAllLifecycleStates)
                 add({{"state", lifecycle_state_name(s)}}, lifecycle_.state() == s ? 1 : 0);
             });
  m.computed("slob_safe_mode", "1 while in safe mode (no new orders until cleared by the operator).",
             gauge, [this](const Sink& add) { add({}, engine_->host_state().safe_mode ? 1 : 0); });
  m.computed("slob_safe_mode_info",
             "1 while in safe mode, with the reason it was entered as a label; absent otherwise.",
             gauge, [this](const Sink& add) {
               const sdk::HostState& hs = engine_->host_state();
               if (hs.safe_mode) add({{"reason", hs.safe_mode_reason}}, 1);
             });
  m.computed("slob_halted", "1 while new entries are halted (operator halt or a daily limit).",
             gauge, [this](const Sink& add) { add({}, engine_->host_state().halted ? 1 : 0); });

  // The broker.
  m.computed("slob_broker_health",
             "1 for each broker channel's current health (up, degraded, connecting, down), 0 for "
             "the others.",
             gauge, [this](const Sink& add) {
               const std::pair<sdk::Channel, sdk::Health> channels[] = {
                   {sdk::Channel::kOrders, orders_health_},
                   {sdk::Channel::kMarketData, market_data_health_}};
               for (const auto& [channel, health] : channels) {
                 for (sdk::Health h : {sdk::Health::kUp, sdk::Health::kDegraded,
                                       sdk::Health::kConnecting, sdk::Health::kDown}) {
                   add({{"channel", sdk::channel_name(channel)}, {"state", sdk::health_name(h)}},
                       h == health ? 1 : 0);
                 }
               }
             });
  reconnects_ = &m.counter("slob_broker_reconnects_total",
                           "Times the broker's order channel came up again after being down "
                           "(the first connection is not one).");
  heartbeat_rtt_ = &m.histogram("slob_broker_heartbeat_rtt_seconds",
                                "Round trip of the broker's heartbeats (ib: reqCurrentTime).",
                                kLatencyBuckets);

  // Market data.
  bars_in_ = &m.counter("slob_bars_total", "Bars (or ticks) the broker delivered.");
  m.computed("slob_candles_total", "One-minute candles built and handed to the strategy.", counter,
             [this](const Sink& add) { add({}, engine_->candle_builder().counters().candles); });
  m.computed("slob_candle_holes_total", "Minutes without data reported as holes.", counter,
             [this](const Sink& add) { add({}, engine_->candle_builder().counters().holes); });
  m.computed("slob_candle_inputs_dropped_total",
             "Bars the candle builder dropped, by reason (late, out_of_order, malformed).", counter,
             [this](const Sink& add) {
               const CandleBuilder::Counters& c = engine_->candle_builder().counters();
               add({{"reason", "late"}}, c.dropped_late);
               add({{"reason", "out_of_order"}}, c.dropped_out_of_order);
               add({{"reason", "malformed"}}, c.dropped_malformed);
             });
  m.computed("slob_last_bar_age_seconds",
             "Wall-clock seconds since the last bar arrived; absent before the first.", gauge,
             [this](const Sink& add) {
               if (!last_bar_at_) return;
               add({}, std::max(0.0, std::chrono::duration<double>(wall_clock_.now() - *last_bar_at_).count()));
             });
  m.computed("slob_last_bar_timestamp_seconds",
             "The broker's time of the last bar (its start; market time, simulated in a replay), in "
             "seconds since the Unix epoch; absent before the first.",
             gauge, [this](const Sink& add) {
               if (last_bar_start_) add({}, seconds_since_epoch(*last_bar_start_));
             });

  // The strategy and orders.
  m.computed("slob_setups_finished_total",
             "Setups finished, by outcome (complete: an order was asked for; invalidated) and the "
             "reason in the setup's report (none when it gives none).",
             counter, [this](const Sink& add) {
               for (const auto& [key, n] : engine_->stats().setups_finished)
                 add({{"outcome", key.first}, {"reason", key.second}}, n);
             });
  m.computed("slob_brackets_sent_total", "Bracket orders handed to the broker.", counter,
             [this](const Sink& add) { add({}, engine_->stats().brackets_sent); });
  m.computed("slob_order_intents_skipped_total",
             "Order intents of complete setups that sent no order (gate closed, limits, sizing).",
             counter, [this](const Sink& add) { add({}, engine_->stats().intents_skipped); });
  m.computed("slob_orders_total",
             "Order legs (entry, tp, sl) that reached a final state (filled, cancelled, rejected).",
             counter, [this](const Sink& add) {
               for (const char* leg : {"entry", "tp", "sl"})
                 for (const char* state : {"filled", "cancelled", "rejected"})
                   add({{"leg", leg}, {"state", state}}, 0);
               for (const auto& [key, n] : engine_->stats().orders_final)
                 add({{"leg", key.first}, {"state", key.second}}, n);
             });
  m.computed("slob_orders_unresolved",
             "Order legs not yet final, by state (what `slob-ctl orders` lists).", gauge,
             [this](const Sink& add) {
               for (sdk::OrderState s : {sdk::OrderState::kIntent, sdk::OrderState::kSent,
                                         sdk::OrderState::kAcknowledged, sdk::OrderState::kWorking,
                                         sdk::OrderState::kUnknown})
                 add({{"state", sdk::order_state_name(s)}}, 0);
               for (const auto& e : engine_->unresolved_orders())
                 add({{"state", sdk::order_state_name(e.state)}}, 1);
             });
  m.computed("slob_fills_total", "Executions recorded in the fill ledger.", counter,
             [this](const Sink& add) { add({}, engine_->stats().fills); });
  m.computed("slob_trades_total",
             "Trades closed, by exit reason (take_profit, stop_loss, closed_externally, flatten).",
             counter, [this](const Sink& add) {
               for (const char* r : {"take_profit", "stop_loss", "closed_externally", "flatten"})
                 add({{"exit_reason", r}}, 0);
               for (const auto& [reason, n] : engine_->stats().trades_by_exit_reason)
                 add({{"exit_reason", reason}}, n);
             });
  engine_instruments_.trigger_to_order = &m.histogram(
      "slob_trigger_to_order_seconds",
      "From the bar that closed a candle to the bracket order its setup asked for being handed "
      "to the broker (includes the durable commit of the order intent).",
      kLatencyBuckets);
  engine_instruments_.store_commit =
      &m.histogram("slob_store_commit_seconds", "Duration of each commit to the store.", kLatencyBuckets);

  // Risk today and the position.
  m.computed("slob_realised_pnl_today",
             "Realised P&L of the trades closed today, in the account's currency (the unit of "
             "[risk] max_daily_loss).",
             gauge, [this](const Sink& add) { add({}, engine_->host_state().realised_pnl_today); });
  m.computed("slob_daily_loss_headroom",
             "How much more may be lost today before max_daily_loss halts new entries, in the "
             "account's currency (0 once reached).",
             gauge, [this](const Sink& add) {
               add({}, std::max(0.0, config_.risk.max_daily_loss + engine_->host_state().realised_pnl_today));
             });
  m.computed("slob_trades_left_today", "New entries still allowed today by max_trades_per_day.",
             gauge, [this](const Sink& add) {
               const std::int64_t left = config_.risk.max_trades_per_day - engine_->host_state().trades_today;
               add({}, static_cast<double>(std::max<std::int64_t>(0, left)));
             });
  m.computed("slob_position_contracts",
             "The position the bot's open trades hold, in contracts (negative: short).", gauge,
             [this](const Sink& add) {
               add({{"symbol", config_.risk.symbol}},
                   static_cast<double>(engine_->expected_position(config_.risk.symbol)));
             });
}

}  // namespace slob::core
