#include "runtime/host.hpp"

#include <unistd.h>

#include <utility>

#include <boost/asio/post.hpp>

#include "runtime/exit_codes.hpp"
#include "trading/operator_events.hpp"

namespace slob::core {

Host::Host(HostConfig config, HostOptions options)
    : config_(std::move(config)),
      options_(options),
      wall_clock_(io_),
      loader_(config_.host.plugin_dirs, /*check_files=*/true),
      lifecycle_(wall_clock_.now()),
      retirement_(io_, wall_clock_, log_, pinned_libraries_, config_.host.shutdown_step_timeout),
      supervisor_(wall_clock_,
                  BackoffPolicy{config_.connection.backoff_initial, config_.connection.backoff_max,
                                config_.connection.startup_attempts,
                                config_.connection.runtime_attempts},
                  ConnectionSupervisor::Callbacks{
                      [this](std::int64_t n) { attempt_connect(n); },
                      [this](std::int64_t n) {
                        enter_safe_mode("broker unreachable after " + std::to_string(n) +
                                        " connection attempts (last: " +
                                        supervisor_.last_failure() + ")");
                      },
                      [this] { return maintenance_at(wall_clock_.now()).has_value(); }},
                  static_cast<std::uint32_t>(::getpid())),
      live_(wall_clock_, config_.connection.reconcile_interval, std::chrono::seconds(1),
            LiveReconcile::Callbacks{[this] { return live_readiness(); },
                                     [this](const std::string& why) { begin_live_reconcile(why); }}),
      control_(io_, wall_clock_, log_,
               [this](const nlohmann::json& r, ControlServer::Reply reply) {
                 handle_command(r, std::move(reply));
               }),
      signals_(io_, SIGTERM, SIGINT, SIGHUP),
      shutdown_(wall_clock_, log_, [this](int code) { finish(code); }),
      systemd_(wall_clock_) {
  started_at_ = wall_clock_.now();
  register_metrics();
  signals_.add(SIGUSR1);
  signals_.add(SIGUSR2);
  lifecycle_.add_observer([this](const Transition& t) { on_transition(t); });
}

Host::~Host() {
  // Observers read the store and may be mid-delivery; the broker calls into the engine and the
  // host. They go first.
  observers_.reset();
  broker_.reset();
  broker_port_.reset();
  reconcile_.reset();
  engine_.reset();
  strategy_.reset();
  store_.reset();
}

sdk::Status Host::load_plugins() {
  std::string errors;
  auto add_error = [&](const sdk::Status& s) { errors += (errors.empty() ? "" : "\n") + s.message(); };
  auto schedule = MaintenanceSchedule::make(config_.maintenance.timezone, config_.maintenance.windows);
  if (!schedule) return schedule.status();
  maintenance_ = std::move(*schedule);

  auto broker_lib = loader_.load(config_.broker.plugin, sdk::PluginKind::kBroker,
                                 config_.broker.position);
  if (!broker_lib) return broker_lib.status();
  const bool replay = ((*broker_lib)->descriptor().flags & sdk::kPluginDrivesClock) != 0;
  std::error_code ec;
  if (options_.fresh && !replay) {
    // A fresh start wipes the state directory: far too dangerous for a live account.
    return sdk::Status::failed_precondition(
        "--fresh is only for replays: the broker plugin \"" + config_.broker.plugin +
        "\" trades live, and its stored state must never be thrown away");
  }
  // The host owns its state directory; plugins keep their files inside it by default.
  std::filesystem::create_directories(config_.host.state_dir, ec);
  if (ec) {
    return sdk::Status::io_error(config_.host.state_dir.string() +
                                 ": cannot create state_dir: " + ec.message());
  }
  // Before anything in it is opened, or wiped.
  auto lock = StateDirLock::acquire(config_.host.state_dir);
  if (!lock) return lock.status();
  state_lock_ = std::move(*lock);
  if (options_.fresh) {
    // Each plugin deletes only the files it owns (the store's, the sim's book), when it is
    // created below; anything else kept in state_dir stays.
    log_.warn("SLOB_FRESH_START", "--fresh: the store and the broker discard their persisted "
                                  "state; nothing else in " + config_.host.state_dir.string() +
                                  " is touched");
  }
  if (replay) {
    simulated_clock_ = std::make_unique<SimulatedClock>();
    clock_ = simulated_clock_.get();
  }
  HostLoop loop = host_loop(false);
  loop.fresh_start = options_.fresh;  // the first instances only, never a reload's

  auto store = loader_.load(config_.store.plugin, sdk::PluginKind::kStore, config_.store.position);
  if (store) {
    auto inst = PluginLoader::create_store(*store, config_.store.config, loop);
    if (inst) store_ = std::move(*inst);
    else add_error(inst.status());
  } else {
    add_error(store.status());
  }
  auto strategy = loader_.load(config_.strategy.plugin, sdk::PluginKind::kStrategy,
                               config_.strategy.position);
  if (strategy) {
    auto inst = PluginLoader::create_strategy(*strategy, config_.strategy.config, loop);
    if (inst) strategy_ = std::move(*inst);
    else add_error(inst.status());
  } else {
    add_error(strategy.status());
  }
  auto broker = PluginLoader::create_broker(*broker_lib, config_.broker.config, loop);
  if (broker) broker_ = std::move(*broker);
  else add_error(broker.status());
  std::vector<std::unique_ptr<ObserverInstance>> observers;
  for (const auto& o : config_.observers) {
    auto lib = loader_.load(o.slot.plugin, sdk::PluginKind::kObserver, o.slot.position);
    if (!lib) {
      add_error(lib.status());
      continue;
    }
    auto inst = PluginLoader::create_observer(*lib, o.slot.config, loop);
    if (inst) observers.push_back(std::move(*inst));
    else add_error(inst.status());
  }

  if (!errors.empty()) {
    broker_.reset();
    strategy_.reset();
    store_.reset();
    return sdk::Status::invalid_argument(errors);
  }
  engine_ = std::make_unique<TradingEngine>(
      store_->get(), *clock_, wall_clock_, log_, config_.risk, CandleBuilder::Options{},
      TradingEngine::Hooks{
          // Values only: the order gate (trading/order_gate.hpp) decides.
          [this] {
            return GateConditions{lifecycle_.state(), orders_health_,
                                  reconcile_->confirming_disagreement(), maintenance_at(clock_->now())};
          },
          [this](const std::string& reason) { enter_safe_mode(reason); },
          [this] {
            if (observers_) observers_->wake();
          },
          [this](sdk::AuditEvent e) {
            if (observers_) observers_->tell_volatile(std::move(e));
          }});
  reconcile_ = std::make_unique<ReconcileSession>(
      *clock_, wall_clock_, config_.connection.position_recheck, log_,
      ReconcileSession::Callbacks{
          [this](sdk::Time since) { return broker_->get().request_snapshot(since); },
          [this](const sdk::BrokerSnapshot& snapshot, std::vector<sdk::Execution> held) {
            return engine_->compare_with_broker(snapshot, std::move(held), ReconcilePolicy{});
          },
          [this](const ReconcileResult& result) { engine_->act_on(result); },
          [this](std::vector<sdk::Execution> held) { engine_->apply_executions(std::move(held)); },
          [this] { return engine_->has_unknown_orders(); },
          [this] { return lifecycle_.state() == LifecycleState::kRunning; },
          [this] { live_.finished(); },
          [this](const ReconcileSession::Outcome& outcome) { on_reconcile_outcome(outcome); }});
  pinned_libraries_ = {store_->library_ref(), strategy_->library_ref(), broker_->library_ref()};
  observers_ = std::make_unique<ObserverRunner>(io_, store_->get(), *clock_, wall_clock_, log_);
  broker_alarm_ = make_outage_alarm(config_.alerts.broker_unreachable_after,
                                    sdk::event_type::kBrokerUnreachable, sdk::event_type::kBrokerBack,
                                    "the broker's order channel");
  market_data_alarm_ = make_outage_alarm(config_.alerts.market_data_stall_after,
                                         sdk::event_type::kMarketDataStalled,
                                         sdk::event_type::kMarketDataBack, "market data");
  for (std::size_t i = 0; i < observers.size(); ++i) {
    pinned_libraries_.push_back(observers[i]->library_ref());
    if (auto s = observers_->add(config_.observers[i], std::move(observers[i])); !s)
      return sdk::Status(s.code(), "observer " + config_.observers[i].name + ": " + s.message());
  }
  broker_port_ = std::make_unique<BrokerPort>(*this);
  broker_->get().set_listener(*broker_port_);
  engine_->set_broker(&broker_->get());
  engine_->set_instruments(engine_instruments_);
  return sdk::Status::ok();
}

int Host::run() {
  if (auto s = control_.listen(config_.host.control_socket); !s) {
    log_.error("SLOB_CONTROL_FAILED", s.message());
    return s.code() == sdk::StatusCode::kInvalidArgument ? kExitConfig : kExitRuntimeFailure;
  }
  log_.info("SLOB_CONTROL_LISTENING", "slob-ctl socket " + config_.host.control_socket.string());
  wait_for_signals();
  boost::asio::post(io_, [this] { start(); });
  io_.run();
  return exit_code_;
}

void Host::wait_for_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      log_.info("SLOB_RELOAD_REQUESTED", "SIGHUP received");
      // The outcome is logged (SLOB_RELOAD_RESULT) and audited; there is nobody to answer.
      handle_command({{"command", "reload"}, {"source", "SIGHUP"}}, [](nlohmann::json) {});
    } else if (signo == SIGUSR1) {
      log_.info("SLOB_STATUS_SIGNAL", "SIGUSR1: " + status_json().dump());
    } else if (signo == SIGUSR2) {
      // logrotate's postrotate: the files it moved away are closed, new ones open at the paths.
      if (auto n = reopen_log_files())
        log_.info("SLOB_LOG_REOPENED", "SIGUSR2: " + std::to_string(*n) + " log file(s) reopened");
      else
        log_.error("SLOB_LOG_REOPEN_FAILED", "SIGUSR2: " + n.status().message() +
                                                "; its lines go on into the file it had open");
    } else {
      stop_signal(signo == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    wait_for_signals();
  });
}

void Host::stop_signal(const std::string& name) {
  if (!shutdown_.started()) {
    begin_shutdown(name + " received");
    return;
  }
  // `timeout`, a shell and systemd may each deliver the same stop request: a signal this soon
  // after the shutdown began is that request again. Later, it is the operator insisting.
  const sdk::Duration since = wall_clock_.now() - shutdown_began_;
  // A wall clock stepped back since then reads as a later signal: never as one to ignore.
  if (since >= sdk::Duration::zero() && since < kRepeatedStopWindow) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since);
    log_.info("SLOB_SHUTDOWN_REPEATED", name + " " + std::to_string(ms.count()) + "ms" +
                                            " after the shutdown began: the same request; "
                                            "the shutdown goes on (a signal after " +
                                            sdk::format_duration(kRepeatedStopWindow) +
                                            " exits at once)");
    return;
  }
  shutdown_.abort("second signal (" + name + ")");
}

void Host::move_to(LifecycleState to, const std::string& reason) {
  if (lifecycle_.state() == to) return;
  if (auto s = lifecycle_.transition(to, reason, wall_clock_.now()); !s) {
    log_.error("SLOB_LIFECYCLE_ILLEGAL", s.message());
  }
}

void Host::on_transition(const Transition& t) {
  log_.info("SLOB_LIFECYCLE", std::string(lifecycle_state_name(t.from)) + " -> " +
                                  lifecycle_state_name(t.to) + ": " + t.reason);
  systemd_.status(std::string(lifecycle_state_name(t.to)) + ": " + t.reason);
  if (t.to == LifecycleState::kRunning || t.to == LifecycleState::kSafeMode) systemd_.ready();
  if (t.to == LifecycleState::kDraining) systemd_.stopping();
  live_.set_running(t.to == LifecycleState::kRunning);
  // Into and out of Reloading is audited as the reload itself (host_reload.cpp): one commit.
  // Out of Starting and into Stopped are daemon.started and daemon.stopped.
  if (engine_ && t.from != LifecycleState::kReloading && t.to != LifecycleState::kReloading &&
      t.from != LifecycleState::kStarting && t.to != LifecycleState::kStopped) {
    audit(sdk::event_type::kLifecycle,
          std::string(lifecycle_state_name(t.from)) + "->" + lifecycle_state_name(t.to), t.reason,
          {{"from", lifecycle_state_name(t.from)}, {"to", lifecycle_state_name(t.to)}});
  }
}

void Host::start() {
  move_to(LifecycleState::kRecovering, "loading state from the store");
  if (auto s = engine_->recover(strategy_->get(), strategy_->name()); !s) {
    log_.critical("SLOB_RECOVERY_FAILED", s.message());
    begin_shutdown("recovery failed");
    exit_code_ = 1;
    return;
  }
  // A replay's market time resumes where the store says the market was: at the end of the last
  // candle handled. The replaying broker may restart its clock earlier (the sim persists only the
  // bars that changed its book), and an intent re-sent at reconciliation must be placed in the
  // present the crashed run had reached, not in a past it never traded in.
  if (simulated_clock_) {
    if (auto resume = engine_->resume_from()) simulated_clock_->advance_to(*resume);
  }
  observers_->start();
  const sdk::HostState& recovered = engine_->host_state();
  // Wall time: a replay has no market time before its first bar.
  record(events::make(wall_clock_.now(), sdk::event_type::kDaemonStarted, SLOB_VERSION,
        std::string("slob-host ") + SLOB_VERSION + " started" +
            (recovered.safe_mode ? "; still in safe mode: " + recovered.safe_mode_reason : ""),
        {{"version", SLOB_VERSION},
         {"pid", std::to_string(::getpid())},
         {"mode", simulated_clock_ ? "replay" : "live"},
         {"safe_mode", recovered.safe_mode ? "true" : "false"},
         {"broker", broker_->name()},
         {"strategy", strategy_->name()}}));
  broker_alarm_->begin("not connected since the start");
  if (engine_->host_state().safe_mode) {
    move_to(LifecycleState::kSafeMode,
            "safe mode persisted from an earlier run: " + engine_->host_state().safe_mode_reason);
    log_.critical("SLOB_SAFE_MODE_PERSISTED",
                  "still in safe mode: " + engine_->host_state().safe_mode_reason +
                      "; clear it with `slob-ctl clear-safe-mode --reason TEXT`");
  } else {
    move_to(LifecycleState::kConnecting, "connecting to the broker");
  }
  supervisor_.start_initial();
}

void Host::attempt_connect(std::int64_t attempt) {
  log_.info("SLOB_CONNECT_ATTEMPT", "connecting to the broker, attempt " + std::to_string(attempt));
  if (auto s = broker_->get().connect(); !s) {
    log_.warn("SLOB_CONNECT_FAILED", s.message());
    connection_failed(s.message());
  }
}

void Host::connection_failed(const std::string& why, bool fatal) {
  if (auto m = maintenance_at(wall_clock_.now())) {
    log_.info("SLOB_MAINTENANCE_RETRY",
              "connection attempt failed inside maintenance window \"" + m->spec + "\" (until " +
                  sdk::format_rfc3339(m->ends) + "): expected, not counted toward safe mode");
  }
  supervisor_.attempt_failed(why, fatal);
}

std::unique_ptr<OutageAlarm> Host::make_outage_alarm(sdk::Duration after, const char* raised_type,
                                                     const char* cleared_type, std::string what) {
  auto format_since = [this](sdk::Time since) {
    return sdk::format_duration(
        std::chrono::duration_cast<std::chrono::seconds>(wall_clock_.now() - since));
  };
  return std::make_unique<OutageAlarm>(
      wall_clock_, after,
      OutageAlarm::Callbacks{
          // A maintenance window's outage is expected: told only if it outlasts the window.
          [this] { return !maintenance_at(wall_clock_.now()); },
          [this, raised_type, what, format_since](sdk::Time since, const std::string& why) {
            audit(raised_type, what, what + " down for " + format_since(since) + ": " + why,
                  {{"since", sdk::format_rfc3339(since)}, {"reason", why}});
          },
          [this, cleared_type, what, format_since](sdk::Time since, const std::string& why) {
            audit(cleared_type, what, what + " back after " + format_since(since),
                  {{"since", sdk::format_rfc3339(since)},
                   {"down_for", format_since(since)},
                   {"reason", why}});
          }});
}

std::optional<ActiveMaintenance> Host::maintenance_at(sdk::Time t) const {
  return maintenance_ ? maintenance_->active_at(t) : std::nullopt;
}

void Host::enter_safe_mode(const std::string& reason) {
  if (lifecycle_.state() == LifecycleState::kDraining || lifecycle_.state() == LifecycleState::kStopped)
    return;
  log_.critical("SLOB_SAFE_MODE_ENTERED", reason);
  if (!engine_->host_state().safe_mode) {
    if (auto s = engine_->set_safe_mode(true, reason); !s) {
      log_.critical("SLOB_SAFE_MODE_NOT_PERSISTED", s.message());
      observers_->tell_volatile(events::safe_mode(clock_->now(), true, reason));
    }
  }
  move_to(LifecycleState::kSafeMode, reason);
  // Safe mode still wants market data and status: keep (re)connecting, slowly.
  if (orders_health_ != sdk::Health::kUp) supervisor_.retry_slowly();
}

void Host::on_health(const sdk::HealthEvent& event) {
  log_.info("SLOB_BROKER_HEALTH", std::string(sdk::channel_name(event.channel)) + " " +
                                      sdk::health_name(event.health) +
                                      (event.reason.empty() ? "" : ": " + event.reason));
  if (event.channel == sdk::Channel::kMarketData) {
    market_data_health_ = event.health;
    if (event.health == sdk::Health::kUp) market_data_alarm_->end();
    else market_data_alarm_->begin(event.reason.empty() ? sdk::health_name(event.health) : event.reason);
    send_resends_when_ready();
    if (event.health == sdk::Health::kUp && event.resubscribe) subscribed_ = false;
    if (event.health == sdk::Health::kUp && !subscribed_ && lifecycle_.state() == LifecycleState::kRunning)
      subscribe_market_data();
    return;
  }
  const sdk::Health previous = orders_health_;
  if (event.health == sdk::Health::kUp &&
      (previous == sdk::Health::kDown || previous == sdk::Health::kConnecting)) {
    if (orders_were_up_) reconnects_->inc();
    orders_were_up_ = true;
  }
  orders_health_ = event.health;
  health_reason_ = event.reason;
  if (event.health == sdk::Health::kUp) broker_alarm_->end();
  else broker_alarm_->begin(event.reason.empty() ? sdk::health_name(event.health) : event.reason);
  const LifecycleState state = lifecycle_.state();
  if (state == LifecycleState::kDraining || state == LifecycleState::kStopped) return;
  if (event.health == sdk::Health::kUp) {
    supervisor_.connected();
    if (event.next_valid_order_id) engine_->set_next_valid_order_id(event.next_valid_order_id);
    if (state == LifecycleState::kConnecting || state == LifecycleState::kReconnecting) {
      move_to(LifecycleState::kReconciling, "broker connected");
    }
    reconcile_->begin();
    return;
  }
  if (event.health == sdk::Health::kDown) {
    subscribed_ = false;
    reconcile_->drop_recheck();  // the next connect reconciles afresh
    if (state == LifecycleState::kConnecting || state == LifecycleState::kReconnecting ||
        state == LifecycleState::kSafeMode) {
      connection_failed(event.reason, event.fatal);
      return;
    }
    if (previous == sdk::Health::kUp && event.fatal &&
        (state == LifecycleState::kRunning || state == LifecycleState::kReconciling)) {
      // The broker cannot go on (the sim could not persist its book): reconnecting would trade
      // against a broker that may have forgotten what it reported.
      enter_safe_mode("broker failed: " + event.reason);
      return;
    }
    if (previous == sdk::Health::kUp &&
        (state == LifecycleState::kRunning || state == LifecycleState::kReconciling)) {
      if (auto m = maintenance_at(wall_clock_.now())) {
        log_.info("SLOB_MAINTENANCE_DISCONNECT",
                  "order channel lost inside maintenance window \"" + m->spec + "\" (until " +
                      sdk::format_rfc3339(m->ends) + "): expected; reconnecting");
      }
      move_to(LifecycleState::kReconnecting, "order channel lost: " + event.reason);
      // Not from inside the broker's own callback: it is still tearing the connection down, and
      // a re-entrant connect() would be refused and waste an attempt of the budget.
      boost::asio::post(io_, [this] {
        if (lifecycle_.state() == LifecycleState::kReconnecting) supervisor_.start_after_loss();
      });
    }
  }
}

void Host::on_snapshot(const sdk::Result<sdk::BrokerSnapshot>& snapshot) {
  reconcile_->on_snapshot(snapshot);
}

void Host::on_reconcile_outcome(const ReconcileSession::Outcome& outcome) {
  using Kind = ReconcileSession::Outcome::Kind;
  switch (outcome.kind) {
    case Kind::kFailed:
      if (lifecycle_.state() == LifecycleState::kReconciling)
        enter_safe_mode("broker snapshot failed: " + outcome.reason);
      return;
    case Kind::kAskAgain:
      live_.request(outcome.reason);
      return;
    case Kind::kSafeMode:
      enter_safe_mode(outcome.reason);
      break;
    case Kind::kReconciled:
      if (lifecycle_.state() == LifecycleState::kReconciling) {
        move_to(LifecycleState::kRunning, "reconciled: " + std::to_string(outcome.findings) +
                                              " findings, none blocking");
      } else if (lifecycle_.state() == LifecycleState::kRunning) {
        log_.info("SLOB_RECONCILE_LIVE_DONE",
                  "reconciled while running: " + std::to_string(outcome.findings) + " findings, none blocking");
      }
      break;
  }
  send_resends_when_ready();
  if (!subscribed_ && lifecycle_.state() != LifecycleState::kDraining) subscribe_market_data();
}

void Host::subscribe_market_data() {
  // Resume after the last handled candle. A live daemon with no stored candle still needs the
  // whole trading day so far (the strategy's London levels), so it backfills from the day's
  // start; a replay starts where its data starts.
  std::optional<sdk::Time> from = engine_->resume_from();
  if (!from && !simulated_clock_) from = engine_->trading_day_start(clock_->now());
  subscribed_ = true;
  awaiting_first_bar_ = true;
  if (auto s = broker_->get().subscribe({config_.risk.symbol, from}); !s) {
    subscribed_ = false;
    log_.warn("SLOB_SUBSCRIBE_FAILED", s.message());
  }
  if (pending_reload_) continue_reload();
}

void Host::send_resends_when_ready() {
  // Market data up is the broker's word that it can take orders for the symbol (IB: the front
  // month is resolved); the engine checks the order gate itself.
  if (market_data_health_ == sdk::Health::kUp) engine_->send_resends();
}

void Host::on_bar(const sdk::Bar& bar) {
  bars_in_->inc();
  last_bar_at_ = wall_clock_.now();
  last_bar_start_ = bar.start;
  if (lifecycle_.state() == LifecycleState::kDraining) return;
  if (!reload_pause_from_) {
    engine_->on_bar(bar);
  } else {
    const std::uint64_t candles = engine_->candle_builder().counters().candles;
    const sdk::Time started = wall_clock_.now();
    engine_->on_bar(bar);
    if (engine_->candle_builder().counters().candles > candles) note_first_candle_after_reload(started);
  }
  if (awaiting_first_bar_) {
    // Once per subscription: the operator's (and the reconnect benchmark's) sign that market
    // data flows again after a connect or reconnect.
    awaiting_first_bar_ = false;
    log_.info("SLOB_MARKET_DATA_FLOWING", "first bar since subscribing: " +
                                              sdk::format_rfc3339(bar.start) +
                                              (bar.backfill ? " (backfill)" : ""));
  }
}

void Host::on_order(const sdk::OrderReport& report) {
  // Judged against the journal as it was before the report moves it.
  const auto unexpected = unexpected_order_report(report, engine_->live_order(report.client_ref));
  engine_->on_order(report);
  if (unexpected) live_.request(*unexpected);
  if (pending_reload_) continue_reload();
}

void Host::on_execution(const sdk::Execution& execution) {
  if (!reconcile_->hold(execution)) engine_->on_execution(execution);
  if (auto why = unexpected_execution(execution)) live_.request(*why);
  if (pending_reload_) continue_reload();
}

void Host::on_heartbeat(sdk::Duration round_trip) { heartbeat_rtt_->observe(round_trip); }

void Host::on_end_of_data() {
  log_.info("SLOB_END_OF_DATA", "the broker has no more market data");
  begin_shutdown("end of replay data");
}

}  // namespace slob::core
