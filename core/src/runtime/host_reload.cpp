// Host: hot reload of the strategy and broker plugins (ARCHITECTURE §9).
//
// SIGHUP and `slob-ctl reload` re-read the config file. An invalid file changes nothing. A
// valid one is compared with what runs (reload_plan.hpp); a changed strategy or broker is then
// swapped in four phases, and anything failing in the first three leaves the old instance
// running and is reported, one line per reason:
//
//   1. load: the new libraries are mapped side by side with the old ones and checked (ABI, SDK
//      version and build compatibility, kind, name), and a broker must keep the clock mode
//      (replay or live);
//   2. quiesce: a broker is never swapped while an order's outcome is unknown; the reload waits
//      for the reports, at most [host] reload_wait, and refuses when they do not come;
//   3. prepare: the new instances are created (their factories validate the config tables) and
//      the new strategy imports the running one's export (every active setup);
//   4. switch, inside one loop handler with the lifecycle in Reloading (the pre-order gate is
//      closed): the strategy checkpoint is committed under the new plugin, the engine and the
//      host point at the new instances, the old ones go to PluginRetirement. A new broker then
//      connects and reconciles like after a restart (Connecting → Reconciling → Running).
//
// Every reload is logged, audited (kind "reload") and shown in `slob-ctl status`.

#include <algorithm>

#include <boost/asio/post.hpp>

#include "runtime/host.hpp"
#include "slob/sdk/events.hpp"
#include "trading/operator_events.hpp"

namespace slob::core {
namespace {

template <typename T>
PluginFile running_file(const PluginInstance<T>& instance) {
  return {instance.library().file(), instance.library().identity()};
}

// Every line of a multi-line error (a factory reports one config problem per line), prefixed.
void add_lines(std::vector<std::string>& out, const std::string& prefix, const std::string& text) {
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (!line.empty()) out.push_back(prefix + line);
    if (end == std::string::npos) break;
    at = end + 1;
  }
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::string describe_plugin(const std::string& slot, const PluginLibrary& library) {
  return slot + " " + library.descriptor().name + " " + library.version();
}

// "<slot> <old name> <old version> -> <new name> <new version>: <why>", for log, audit and reply.
template <typename T>
std::string swap_line(const std::string& slot, const PluginInstance<T>& running,
                      const PluginInstance<T>& next, const std::string& why) {
  return describe_plugin(slot, running.library()) + " -> " + next.name() + " " + next.version() +
         ": " + why;
}

// The host's pin of `old` now holds `next`: the old library's last pins are PluginRetirement's.
// Whether a running observer and its table in a fresh config are the same.
bool same_observer(const ObserverSection& a, const ObserverSection& b) {
  return a.slot.plugin == b.slot.plugin && same_config_values(a.slot.config, b.slot.config) &&
         a.min_severity == b.min_severity && a.types == b.types && a.timeout == b.timeout &&
         a.summarise_after == b.summarise_after && a.max_batch == b.max_batch &&
         a.backoff_initial == b.backoff_initial && a.backoff_max == b.backoff_max;
}

void repin(std::vector<std::shared_ptr<PluginLibrary>>& pins,
           const std::shared_ptr<PluginLibrary>& old, std::shared_ptr<PluginLibrary> next) {
  auto it = std::find(pins.begin(), pins.end(), old);
  if (it != pins.end()) *it = std::move(next);
  else pins.push_back(std::move(next));
}

}  // namespace

HostLoop Host::host_loop(bool check_only) {
  HostLoop loop{io_,
                *clock_,
                wall_clock_,
                simulated_clock_.get(),
                config_.directory.string(),
                config_.host.state_dir.string(),
                check_only,
                host_settings(config_)};
  loop.read_view = [this](std::string_view name) -> sdk::Result<std::string> {
    if (!engine_) return sdk::Status::unavailable("the host is still starting");
    return view_text(std::string(name));
  };
  return loop;
}

void Host::reload(ControlServer::Reply reply) {
  const sdk::Time requested = wall_clock_.now();
  if (pending_reload_) {
    reply(ControlServer::error("a reload is already waiting for orders to resolve; try again "
                               "when it has finished"));
    return;
  }
  auto fresh = load_config(config_.file, SLOB_DEFAULT_PLUGIN_DIR);
  if (!fresh) {
    log_.error("SLOB_RELOAD_INVALID", fresh.status().message());
    std::vector<std::string> lines;
    add_lines(lines, "", fresh.status().message());
    record_reload("refused", lines, ReloadPlan{});
    reply(ControlServer::error("config is invalid; nothing changed:\n" + fresh.status().message()));
    return;
  }
  auto resolved = [&](const std::string& name) {
    auto file = loader_.resolve(name);
    return file ? PluginFile{*file, identify_file(*file)} : PluginFile{};
  };
  const SlotFiles running{running_file(*broker_), running_file(*store_), running_file(*strategy_)};
  const SlotFiles wanted{resolved(fresh->broker.plugin), resolved(fresh->store.plugin),
                         resolved(fresh->strategy.plugin)};
  auto pending = std::make_unique<PendingReload>();
  pending->plan = plan_reload(config_, running, *fresh, wanted);
  pending->fresh = std::move(*fresh);
  pending->reply = std::move(reply);
  pending->requested = requested;
  const ReloadPlan& plan = pending->plan;
  for (const auto& line : plan.needs_restart) log_.warn("SLOB_RELOAD_NEEDS_RESTART", line);
  if (auto errors = prepare_observers(*pending); !errors.empty()) {
    refuse_reload(std::move(pending), errors);
    return;
  }
  if (!plan.swaps()) {
    std::vector<std::string> observer_lines;
    apply_observers(*pending, observer_lines);
    const std::string result = !observer_lines.empty()  ? "swapped"
                               : plan.nothing_changed() ? "unchanged"
                                                        : "needs restart";
    std::vector<std::string> lines = observer_lines;
    lines.insert(lines.end(), plan.needs_restart.begin(), plan.needs_restart.end());
    record_reload(result, lines, plan);
    pending->reply(ControlServer::ok({{"result", result},
                                      {"swapped", observer_lines},
                                      {"needs_restart", plan.needs_restart},
                                      {"state", lifecycle_state_name(lifecycle_.state())}}));
    return;
  }

  std::vector<std::string> reasons;
  const LifecycleState state = lifecycle_.state();
  if (state != LifecycleState::kRunning && state != LifecycleState::kSafeMode) {
    reasons.push_back(std::string("plugins are swapped only while Running or in SafeMode; the "
                                  "host is ") +
                      lifecycle_state_name(state) + ", try again later");
    refuse_reload(std::move(pending), reasons);
    return;
  }
  // Phase 1: map and check the new libraries.
  // Only a config table changed: the library already loaded (same file) makes the new instance,
  // without a second copy of the same code (a copy and a dlopen of several MB).
  if (plan.strategy && !plan.strategy->library_changed) {
    pending->strategy_library = strategy_->library_ref();
  } else if (plan.strategy) {
    auto lib = loader_.load(pending->fresh.strategy.plugin, sdk::PluginKind::kStrategy,
                             pending->fresh.strategy.position);
    if (lib) pending->strategy_library = std::move(*lib);
    else add_lines(reasons, "strategy not swapped: ", lib.status().message());
  }
  if (plan.broker && !plan.broker->library_changed) {
    pending->broker_library = broker_->library_ref();
  } else if (plan.broker) {
    auto lib = loader_.load(pending->fresh.broker.plugin, sdk::PluginKind::kBroker,
                             pending->fresh.broker.position);
    if (!lib) {
      add_lines(reasons, "broker not swapped: ", lib.status().message());
    } else if ((((*lib)->descriptor().flags & sdk::kPluginDrivesClock) != 0) !=
               (simulated_clock_ != nullptr)) {
      reasons.push_back("broker not swapped: \"" + pending->fresh.broker.plugin + "\" " +
                        (simulated_clock_ ? "trades live" : "replays data") + " and \"" +
                        broker_->name() + "\" " + (simulated_clock_ ? "replays data" : "trades live") +
                        "; the market clock is chosen at startup: restart to apply");
    } else {
      pending->broker_library = std::move(*lib);
    }
  }
  if (!reasons.empty()) {
    refuse_reload(std::move(pending), reasons);
    return;
  }
  // Phase 2: a broker waits until no order's outcome is unknown.
  if (plan.broker && engine_->has_unknown_orders()) {
    log_.info("SLOB_RELOAD_WAITING", "waiting up to " + sdk::format_duration(config_.host.reload_wait) +
                                         " for orders whose outcome is unknown before swapping "
                                         "the broker");
    pending->deadline = wall_clock_.call_after(config_.host.reload_wait, [this] {
      if (!pending_reload_) return;
      auto timed_out = std::move(pending_reload_);
      timed_out->deadline = sdk::kNoTimer;
      refuse_reload(std::move(timed_out),
                    {"broker not swapped: orders whose outcome is unknown did not resolve within "
                     "[host] reload_wait (" +
                     sdk::format_duration(config_.host.reload_wait) +
                     "); see `slob-ctl orders`"});
    });
    pending_reload_ = std::move(pending);
    return;
  }
  complete_reload(std::move(pending));
}

void Host::continue_reload() {
  if (!pending_reload_ || engine_->has_unknown_orders()) return;
  // Not from inside the report that resolved the last order: the engine is still handling it.
  // The reload stays pending (a second one is refused) until the posted step takes it.
  boost::asio::post(io_, [this] {
    if (!pending_reload_ || engine_->has_unknown_orders()) return;
    auto pending = std::move(pending_reload_);
    wall_clock_.cancel(pending->deadline);
    pending->deadline = sdk::kNoTimer;
    complete_reload(std::move(pending));
  });
}

void Host::complete_reload(std::unique_ptr<PendingReload> pending) {
  const ReloadPlan& plan = pending->plan;
  const LifecycleState back = lifecycle_.state();
  if (back != LifecycleState::kRunning && back != LifecycleState::kSafeMode) {
    refuse_reload(std::move(pending),
                  {std::string("plugins are swapped only while Running or in SafeMode; the host "
                               "is now ") +
                   lifecycle_state_name(back)});
    return;
  }
  // Phase 3: new instances, validated, the strategy's state handed over. Nothing running changed.
  const HostLoop loop = host_loop(false);
  std::vector<std::string> reasons;
  std::unique_ptr<PluginInstance<sdk::Strategy>> next_strategy;
  std::unique_ptr<PluginInstance<sdk::Broker>> next_broker;
  if (plan.strategy) {
    auto exported = strategy_->get().export_state();
    auto created = PluginLoader::create_strategy(pending->strategy_library,
                                                 pending->fresh.strategy.config, loop);
    if (!exported) {
      add_lines(reasons, "strategy not swapped: the running strategy cannot export its state: ",
                exported.status().message());
    } else if (!created) {
      add_lines(reasons, "strategy not swapped: ", created.status().message());
    } else if (auto s = (*created)->get().import_state(*exported); !s) {
      add_lines(reasons, "strategy not swapped: the new instance cannot import the running state: ",
                s.message());
    }
    if (created) next_strategy = std::move(*created);
  }
  if (plan.broker) {
    auto created = PluginLoader::create_broker(pending->broker_library,
                                               pending->fresh.broker.config, loop);
    if (created) next_broker = std::move(*created);
    else add_lines(reasons, "broker not swapped: ", created.status().message());
  }
  if (!reasons.empty()) {
    if (next_strategy) retirement_.retire("strategy (never started)", std::move(next_strategy));
    if (next_broker) retirement_.retire("broker (never started)", std::move(next_broker));
    refuse_reload(std::move(pending), reasons);
    return;
  }

  // Phase 4: the switch. No handler runs in between, and the gate is closed while Reloading.
  // Its outcome is known before anything is switched, so a strategy swap writes the checkpoint
  // under the new plugin and the reload's audit record in one commit: one fsync on the pause
  // (the Reloading transitions are logged but not audited; the reload record covers them).
  std::vector<std::string> swapped;
  std::string strategy_line, broker_line;
  if (next_strategy) {
    strategy_line = swap_line("strategy", *strategy_, *next_strategy, plan.strategy->why);
    swapped.push_back(strategy_line);
  }
  if (next_broker) {
    broker_line = swap_line("broker", *broker_, *next_broker, plan.broker->why);
    swapped.push_back(broker_line);
  }
  apply_observers(*pending, swapped);
  std::vector<std::string> lines = swapped;
  lines.insert(lines.end(), plan.needs_restart.begin(), plan.needs_restart.end());
  move_to(LifecycleState::kReloading, "reload: swapping " +
                                          std::string(plan.strategy ? "the strategy" : "") +
                                          (plan.strategy && plan.broker ? " and " : "") +
                                          (plan.broker ? "the broker" : ""));
  if (next_strategy) {
    sdk::AuditEvent applied = events::make(clock_->now(), sdk::event_type::kReloadApplied, "swapped",
                                           joined(lines), {{"changes", joined(lines)}});
    if (auto s = engine_->switch_strategy(next_strategy->get(), next_strategy->name(), std::move(applied));
        !s) {
      retirement_.retire("strategy (never started)", std::move(next_strategy));
      if (next_broker) retirement_.retire("broker (never started)", std::move(next_broker));
      move_to(back, "reload refused");
      refuse_reload(std::move(pending),
                    {"strategy not swapped: the store refused the new checkpoint: " + s.message()});
      return;
    }
    auto old = std::move(strategy_);
    strategy_ = std::move(next_strategy);
    repin(pinned_libraries_, old->library_ref(), strategy_->library_ref());
    retirement_.retire("strategy", std::move(old));
    config_.strategy = pending->fresh.strategy;
    log_.info("SLOB_RELOAD_SWAPPED", strategy_line);
  }
  if (next_broker) {
    supervisor_.cancel();
    reconcile_->cancel();
    subscribed_ = false;
    broker_port_->mute();
    broker_->get().disconnect();
    auto old = std::move(broker_);
    std::shared_ptr<BrokerPort> old_port = std::move(broker_port_);
    broker_port_ = std::make_unique<BrokerPort>(*this);
    broker_ = std::move(next_broker);
    broker_->get().set_listener(*broker_port_);
    engine_->set_broker(&broker_->get());
    repin(pinned_libraries_, old->library_ref(), broker_->library_ref());
    retirement_.retire("broker", std::move(old), std::move(old_port));
    config_.broker = pending->fresh.broker;
    orders_health_ = sdk::Health::kDown;
    market_data_health_ = sdk::Health::kDown;
    health_reason_ = "broker swapped by a reload";
    log_.info("SLOB_RELOAD_SWAPPED", broker_line);
    // The new broker connects and reconciles as after a restart; in safe mode it stays there.
    if (back == LifecycleState::kRunning) {
      move_to(LifecycleState::kConnecting, "reload: connecting the new broker");
    } else {
      move_to(LifecycleState::kSafeMode, "reload done; safe mode still holds: " +
                                             engine_->host_state().safe_mode_reason);
    }
    supervisor_.start_initial();
  } else {
    move_to(back, "reload done");
  }
  reload_pause_from_ = pending->requested;
  record_reload("swapped", lines, plan, /*audited=*/plan.strategy.has_value());
  pending->reply(ControlServer::ok({{"result", "swapped"},
                                    {"swapped", swapped},
                                    {"needs_restart", plan.needs_restart},
                                    {"state", lifecycle_state_name(lifecycle_.state())}}));
}

void Host::refuse_reload(std::unique_ptr<PendingReload> pending,
                         const std::vector<std::string>& reasons) {
  for (const auto& r : reasons) log_.error("SLOB_RELOAD_REFUSED", r);
  record_reload("refused", reasons, pending->plan);
  pending->reply(ControlServer::error("reload refused; nothing changed:\n" + joined(reasons)));
}

void Host::record_reload(const std::string& result, const std::vector<std::string>& lines,
                         const ReloadPlan& plan, bool audited) {
  ++reloads_;
  last_reload_ = {{"at", sdk::format_rfc3339(wall_clock_.now())},
                  {"result", result},
                  {"details", lines},
                  {"strategy_changed", plan.strategy.has_value()},
                  {"broker_changed", plan.broker.has_value()},
                  {"pause_us", nullptr},
                  {"first_candle_us", nullptr}};
  if (!audited) {
    const std::string text = lines.empty() ? std::string("nothing changed") : joined(lines);
    audit(result == "refused" ? sdk::event_type::kReloadRefused : sdk::event_type::kReloadApplied,
          result, text, {{result == "refused" ? "reason" : "changes", text}});
  }
  log_.info("SLOB_RELOAD_RESULT", result + (lines.empty() ? "" : ": " + joined(lines)));
}

void Host::note_first_candle_after_reload(sdk::Time handling_started) {
  const sdk::Time now = wall_clock_.now();
  const auto pause = now - *reload_pause_from_;
  const auto candle = now - handling_started;
  reload_pause_from_.reset();
  last_reload_["pause_us"] = pause.count();
  last_reload_["first_candle_us"] = candle.count();
  log_.info("SLOB_RELOAD_RESUMED", "the new instance handled its first candle " +
                                       std::to_string(pause.count()) +
                                       " us after the reload command (that candle took " +
                                       std::to_string(candle.count()) + " us)");
}

// Observers never touch trading state: any change to them is applied live, whatever the
// lifecycle state.

std::vector<std::string> Host::prepare_observers(PendingReload& pending) {
  std::vector<std::string> errors;
  const HostLoop loop = host_loop(false);
  for (const auto& o : pending.fresh.observers) {
    const ObserverSection* running = observers_->config(o.name);
    if (running && same_observer(*running, o)) continue;
    auto lib = loader_.load(o.slot.plugin, sdk::PluginKind::kObserver, o.slot.position);
    if (!lib) {
      errors.push_back("observer " + o.name + " not changed: " + lib.status().message());
      continue;
    }
    auto inst = PluginLoader::create_observer(*lib, o.slot.config, loop);
    if (!inst) {
      errors.push_back("observer " + o.name + " not changed: " + inst.status().message());
      continue;
    }
    pending.observers.emplace_back(o, std::move(*inst));
  }
  for (const auto& name : observers_->names()) {
    const auto& wanted = pending.fresh.observers;
    if (std::none_of(wanted.begin(), wanted.end(), [&](const auto& o) { return o.name == name; }))
      pending.observers_removed.push_back(name);
  }
  return errors;
}

void Host::apply_observers(PendingReload& pending, std::vector<std::string>& lines) {
  for (const auto& name : pending.observers_removed) {
    retirement_.retire("observer " + name, observers_->remove(name));
    lines.push_back("observer " + name + " removed");
    log_.info("SLOB_RELOAD_SWAPPED", "observer " + name + " removed");
  }
  for (auto& [config, instance] : pending.observers) {
    const bool replaced = observers_->config(config.name) != nullptr;
    if (replaced) {
      auto old = observers_->remove(config.name);
      repin(pinned_libraries_, old->library_ref(), instance->library_ref());
      retirement_.retire("observer " + config.name, std::move(old));
    } else {
      pinned_libraries_.push_back(instance->library_ref());
    }
    const std::string line = "observer " + config.name + (replaced ? " replaced" : " added") +
                             " (" + instance->name() + ")";
    if (auto s = observers_->add(config, std::move(instance)); !s) {
      log_.error("SLOB_RELOAD_REFUSED", "observer " + config.name + ": " + s.message());
      continue;
    }
    lines.push_back(line);
    log_.info("SLOB_RELOAD_SWAPPED", line);
  }
  pending.observers.clear();
  pending.observers_removed.clear();
  config_.observers = pending.fresh.observers;
}

}  // namespace slob::core
