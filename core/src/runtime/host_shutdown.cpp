// Host: the bounded shutdown sequence (ARCHITECTURE §8) and the replay summary.

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "runtime/host.hpp"
#include "trading/operator_events.hpp"

namespace slob::core {

void Host::begin_shutdown(const std::string& why) {
  if (shutdown_.started()) return;
  shutdown_began_ = wall_clock_.now();
  shutdown_why_ = why;
  // A stopping daemon disconnects on purpose: no outage to tell.
  if (broker_alarm_) broker_alarm_->reset();
  if (market_data_alarm_) market_data_alarm_->reset();
  state_before_shutdown_ = lifecycle_.state();
  // Safe mode as the lifecycle shows it: entered even when the store could not persist it.
  std::optional<std::string> safe_mode_reason;
  if (lifecycle_.state() == LifecycleState::kSafeMode) safe_mode_reason = lifecycle_.reason();
  log_.info("SLOB_SHUTDOWN_BEGIN", why + "; on_shutdown = " +
                                       shutdown_policy_name(config_.host.on_shutdown));
  move_to(LifecycleState::kDraining, why);
  shutdown_.start(shutdown_steps(), config_.host.shutdown_timeout,
                  config_.host.shutdown_step_timeout, [this, safe_mode_reason](bool clean) {
                    move_to(LifecycleState::kStopped, clean ? "shutdown complete"
                                                            : "shutdown complete with timeouts");
                    if (simulated_clock_) print_trade_summary();
                    if (!clean && exit_code_ == 0) exit_code_ = 1;
                    // A live daemon stays up in safe mode for the operator; a replay that ends
                    // there did not do what it was run for (a durable write failed, the store
                    // disagreed with the broker): its scripts must not read it as a success.
                    if (simulated_clock_ && safe_mode_reason && exit_code_ == 0) {
                      log_.error("SLOB_REPLAY_ENDED_IN_SAFE_MODE",
                                 "the replay ended in safe mode (" + *safe_mode_reason +
                                     "): exit code 1");
                      exit_code_ = 1;
                    }
                    control_.close();
                    signals_.cancel();
                    io_.stop();
                  });
}

void Host::record_stop() {
  // The exit code as far as it is known now; a step timing out later can still make it 1. Wall
  // time, as daemon.started.
  const bool failed = exit_code_ != 0 || state_before_shutdown_ == LifecycleState::kSafeMode;
  sdk::AuditEvent e = events::make(
      wall_clock_.now(), sdk::event_type::kDaemonStopped, shutdown_why_,
      "slob-host stopping: " + shutdown_why_,
      {{"reason", shutdown_why_},
       {"state", lifecycle_state_name(state_before_shutdown_)},
       {"exit_code", std::to_string(exit_code_)},
       {"uptime", sdk::format_duration(std::chrono::duration_cast<std::chrono::seconds>(
                      wall_clock_.now() - started_at_))}});
  if (failed) e.severity = sdk::Severity::kCritical;
  record(std::move(e));
}

std::vector<ShutdownStep> Host::shutdown_steps() {
  std::vector<ShutdownStep> steps;
  steps.push_back({"stop new setups and orders", [this](auto done) {
                     // Draining closes the pre-order gate and stops feeding bars to the strategy.
                     done();
                   }});
  steps.push_back({"cancel pending work", [this](auto done) {
                     supervisor_.cancel();
                     reconcile_->cancel();
                     done();
                   }});
  steps.push_back({std::string("apply position policy ") +
                       shutdown_policy_name(config_.host.on_shutdown),
                   [this](auto done) { apply_position_policy(std::move(done)); }});
  steps.push_back({"persist final state", [this](auto done) {
                     if (auto s = engine_->persist_final_state(); !s)
                       log_.error("SLOB_SHUTDOWN_PERSIST_FAILED", s.message());
                     record_stop();
                     done();
                   }});
  // Bounded by [alerts] shutdown_grace (the step timeout cuts it shorter when that is less):
  // what is not delivered by then goes out after the next start, from the store.
  steps.push_back({"deliver pending alerts", [this](auto done) {
                     observers_->drain(config_.alerts.shutdown_grace, std::move(done));
                   }});
  steps.push_back({"disconnect from the broker", [this](auto done) {
                     stop_plugin(broker_->get(), [this, done] {
                       broker_->get().disconnect();
                       done();
                     });
                   }});
  steps.push_back({"stop observers", [this](auto done) {
                     for (const auto& name : observers_->names())
                       retirement_.retire("observer " + name, observers_->remove(name));
                     done();
                   }});
  steps.push_back({"stop strategy and store", [this](auto done) {
                     stop_plugin(strategy_->get(),
                                 [this, done] { stop_plugin(store_->get(), done); });
                   }});
  return steps;
}

void Host::apply_position_policy(std::function<void()> done) {
  switch (config_.host.on_shutdown) {
    case ShutdownPolicy::kLeave:
      log_.info("SLOB_SHUTDOWN_POLICY", "leave: brackets at the broker keep managing positions");
      done();
      return;
    case ShutdownPolicy::kCancelEntries: {
      const std::size_t n = engine_->cancel_working_orders(/*entries_only=*/true);
      log_.info("SLOB_SHUTDOWN_POLICY",
                "cancel_entries: cancelling " + std::to_string(n) + " unfilled entry orders");
      when_settled([this] { return engine_->working_orders(true).empty(); }, [this, done] {
        log_.info("SLOB_SHUTDOWN_POLICY", "cancel_entries: no unfilled entry is working");
        done();
      });
      return;
    }
    case ShutdownPolicy::kFlatten: {
      const std::size_t n = engine_->cancel_working_orders(/*entries_only=*/false);
      log_.info("SLOB_SHUTDOWN_POLICY", "flatten: cancelling " + std::to_string(n) +
                                            " working orders before closing " +
                                            std::to_string(engine_->open_trade_count()) +
                                            " open positions");
      // Close only once nothing else works: a stop filling after the close would reverse.
      when_settled([this] { return engine_->working_orders(false).empty(); }, [this, done] {
        const std::size_t m = engine_->flatten_open_positions();
        log_.info("SLOB_SHUTDOWN_POLICY",
                  "flatten: closing " + std::to_string(m) + " open positions at market");
        when_settled([this] { return engine_->open_trade_count() == 0; }, [this, done] {
          log_.info("SLOB_SHUTDOWN_POLICY", "flatten: no open position is left");
          done();
        });
      });
      return;
    }
  }
}

void Host::when_settled(std::function<bool()> settled, std::function<void()> then) {
  if (settled()) {
    then();
    return;
  }
  // Broker reports arrive on this loop; a short wall-clock poll keeps the check in one place.
  // The shutdown step's timeout bounds the wait (a late `then` is ignored by the sequence).
  if (lifecycle_.state() == LifecycleState::kStopped) return;
  wall_clock_.call_after(std::chrono::milliseconds(20), [this, settled = std::move(settled),
                                                          then = std::move(then)]() mutable {
    when_settled(std::move(settled), std::move(then));
  });
}

void Host::stop_plugin(sdk::Plugin& plugin, std::function<void()> done) {
  try {
    plugin.stop(std::move(done));
  } catch (const std::exception& e) {
    log_.error("SLOB_PLUGIN_STOP_THREW", e.what());
  }
}

void Host::finish(int exit_code) {
  // The total timeout or a second signal: at once. Every commit was synchronous, so state is
  // already durable; destructors of plugins that may be stuck are skipped on purpose.
  std::fflush(stdout);
  std::_Exit(exit_code);
}

void Host::print_trade_summary() {
  std::ostringstream out;
  out << "\nTrades\n";
  out << std::left << std::setw(22) << "setup" << std::setw(7) << "dir" << std::right
      << std::setw(5) << "qty" << std::setw(12) << "entry" << std::setw(12) << "exit"
      << std::setw(13) << "P&L" << "  " << std::left << "exit reason\n";
  double total = 0;
  std::size_t count = 0;
  store_->get().scan_trades([&](const sdk::TradeRecord& t) {
    ++count;
    total += t.pnl;
    out << std::left << std::setw(22) << t.id << std::setw(7) << sdk::direction_name(t.direction)
        << std::right << std::setw(5) << t.quantity << std::setw(12) << std::fixed
        << std::setprecision(2) << t.entry_price << std::setw(12);
    if (t.exit_price) out << *t.exit_price;
    else out << "-";
    out << std::setw(13) << t.pnl << "  " << std::left << (t.open() ? "open" : t.exit_reason)
        << "\n";
    return true;
  });
  out << count << " trades, total P&L " << std::fixed << std::setprecision(2) << total << "\n";
  std::cout << out.str() << std::flush;
}

}  // namespace slob::core
