#include "sim_broker.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "price_rule.hpp"
#include "slob/sdk/candle_csv.hpp"

namespace slob::plugins::sim {
namespace {

constexpr auto kBarSpan = std::chrono::minutes(1);
// Bars evaluated without delivery (catching up to a resume point) per posted step.
constexpr int kSilentBatch = 512;

sdk::Result<std::vector<sdk::Candle>> load_bars(const SimConfig& config) {
  std::error_code ec;
  if (std::filesystem::is_directory(config.data_path, ec))
    return sdk::Status::invalid_argument(config.data_path + ": market data is a directory, not a file");
  std::ifstream in(config.data_path, std::ios::binary);
  if (!in) {
    return sdk::Status::io_error(config.data_path + ": cannot open market data: " +
                                 std::strerror(errno));
  }
  sdk::CandleCsvReader reader(in, config.data_path);
  std::vector<sdk::Candle> bars;
  sdk::Candle c;
  for (;;) {
    auto more = reader.next(c);
    if (!more.is_ok()) return more.status();
    if (!more.value()) break;
    static constexpr const char* kNames[] = {"open", "high", "low", "close"};
    const double prices[] = {c.open, c.high, c.low, c.close};
    for (int i = 0; i < 4; ++i) {
      if (auto why = price_problem(prices[i], config.tick_size)) {
        return sdk::Status::invalid_argument(config.data_path + ":" + std::to_string(reader.line()) +
                                             ": " + kNames[i] + " " + *why);
      }
    }
    if (config.start && c.start < *config.start) continue;
    if (config.end && c.start >= *config.end) continue;
    bars.push_back(c);
  }
  if (bars.empty()) {
    return sdk::Status::invalid_argument(config.data_path +
                                         ": no bars to replay (empty file or start/end exclude all)");
  }
  return bars;
}

std::size_t first_at_or_after(const std::vector<sdk::Candle>& bars, sdk::Time t) {
  return static_cast<std::size_t>(
      std::lower_bound(bars.begin(), bars.end(), t,
                       [](const sdk::Candle& c, sdk::Time x) { return c.start < x; }) -
      bars.begin());
}

BookParams book_params(const SimConfig& c) {
  BookParams p;
  p.symbol = c.symbol;
  p.starting_equity = c.equity;
  p.commission_per_contract = c.commission_per_contract;
  p.multiplier = c.multiplier;
  p.tick_size = c.tick_size;
  return p;
}

}  // namespace

sdk::Result<std::unique_ptr<SimBroker>> SimBroker::create(sdk::HostServices& host,
                                                          SimConfig config) {
  if (host.clock_driver() == nullptr) {
    return sdk::Status::failed_precondition(
        "the sim broker drives simulated time but the host offers no clock driver");
  }
  auto bars = load_bars(config);
  if (!bars.is_ok()) return bars.status();
  std::vector<ManualAction> actions;
  if (!config.manual_actions_path.empty()) {
    auto loaded = load_manual_actions(config.manual_actions_path);
    if (!loaded.is_ok()) return loaded.status();
    actions = std::move(loaded.value());
  }
  std::optional<PersistedState> restored;
  std::unique_ptr<StateFile> state_file;
  // `slob-host --check` validates the config and the data, never the stored state.
  if (!config.state_path.empty() && !host.check_only()) {
    state_file = std::make_unique<StateFile>(
        config.state_path, StateOwner{config.data_path, config.symbol, config.equity}, config.sync);
    if (config.sync == SyncMode::kNone) {
      host.logger().warn("SLOB_SIM_SYNC_NONE",
                         config.state_path +
                             ": sync = \"none\": the book is not fsynced; it survives kill -9, "
                             "but a machine crash or power loss may lose or tear it (use only "
                             "for replays)");
    }
    if (host.fresh_start()) {
      if (auto st = state_file->discard(); !st.is_ok()) return st;
    }
    auto loaded = state_file->load();
    if (!loaded.is_ok()) return loaded.status();
    restored = std::move(loaded.value());
    if (restored && (restored->data_path != config.data_path || restored->symbol != config.symbol ||
                     restored->starting_equity != config.equity)) {
      return sdk::Status::failed_precondition(
          config.state_path + ": written for data \"" + restored->data_path + "\", symbol " +
          restored->symbol + ", equity " + std::to_string(restored->starting_equity) +
          "; this config differs. Delete the file (or the state directory) to start fresh");
    }
  }
  host.logger().info("SLOB_SIM_DATA_LOADED",
                     config.data_path + ": " + std::to_string(bars->size()) + " bars from " +
                         sdk::format_rfc3339(bars->front().start) + " to " +
                         sdk::format_rfc3339(bars->back().start));
  return std::make_unique<SimBroker>(Key{}, host, std::move(config), std::move(bars.value()),
                                     std::move(actions), std::move(state_file), std::move(restored));
}

SimBroker::SimBroker(Key, sdk::HostServices& host, SimConfig config,
                     std::vector<sdk::Candle> bars, std::vector<ManualAction> actions,
                     std::unique_ptr<StateFile> state_file, std::optional<PersistedState> restored)
    : host_(host),
      config_(std::move(config)),
      bars_(std::move(bars)),
      actions_(std::move(actions)),
      book_(book_params(config_), restored ? std::move(restored->book) : BookState{}),
      state_file_(std::move(state_file)),
      alive_(std::make_shared<char>(0)) {
  if (restored) {
    evaluated_through_ = restored->evaluated_through;
    // An action happens in the first bar starting at or after its time: those due by the last
    // evaluated bar are in the restored book already.
    if (evaluated_through_) {
      while (next_action_ < actions_.size() && actions_[next_action_].time <= *evaluated_through_)
        ++next_action_;
    }
    const auto& s = book_.state();
    host_.logger().info(
        "SLOB_SIM_STATE_RESTORED",
        config_.state_path + ": " + std::to_string(s.orders.size()) + " orders, " +
            std::to_string(s.executions.size()) + " executions, position " +
            std::to_string(s.position.quantity) + ", equity " + std::to_string(book_.equity()) +
            ", evaluated through " +
            (evaluated_through_ ? sdk::format_rfc3339(*evaluated_through_) : std::string("none")));
  }
}

SimBroker::~SimBroker() { halt_replay(); }

void SimBroker::post_guarded(std::function<void()> fn) {
  host_.post([weak = std::weak_ptr<char>(alive_), fn = std::move(fn)] {
    if (!weak.expired()) fn();
  });
}

sdk::Status SimBroker::check_ready() const {
  if (listener_ == nullptr) return sdk::Status::failed_precondition("set_listener was not called");
  if (failed_) return *failed_;
  if (!connected_) return sdk::Status::unavailable("sim broker is not connected");
  return sdk::Status::ok();
}

void SimBroker::fail(const sdk::Status& why) {
  host_.logger().critical("SLOB_SIM_STATE_WRITE_FAILED",
                          why.message() + "; the sim stops: its book can no longer be kept");
  failed_ = sdk::Status::io_error("sim broker stopped after a failed state write: " + why.message());
  connected_ = false;
  halt_replay();
  const std::string reason = failed_->message();
  post_guarded([this, reason] {
    for (auto ch : {sdk::Channel::kOrders, sdk::Channel::kMarketData})
      listener_->on_health({ch, sdk::Health::kDown, reason, 0, false, /*fatal=*/true});
    if (config_.exit_at_end) listener_->on_end_of_data();
  });
}

sdk::Status SimBroker::connect() {
  if (listener_ == nullptr) return sdk::Status::failed_precondition("set_listener was not called");
  if (failed_) return *failed_;
  connected_ = true;
  post_guarded([this] {
    if (!connected_) return;
    // Simulated time starts at the first bar at the earliest; a restarted host has already
    // moved it to its resume point. Never to the last bar the book evaluated: the host replays
    // the bars after its last durable candle, and a clock already past them would close those
    // minutes as holes (the strategy would see a gap the uninterrupted run never saw).
    const sdk::Time start = std::max(bars_.front().start, host_.clock().now());
    host_.clock_driver()->advance_to(start);
    host_.logger().info("SLOB_SIM_CONNECTED", "sim broker up at " + sdk::format_rfc3339(start) +
                                                  ", next order id " +
                                                  std::to_string(book_.next_valid_order_id()));
    sdk::HealthEvent orders{sdk::Channel::kOrders, sdk::Health::kUp, "sim connected",
                            book_.next_valid_order_id(), false, false};
    listener_->on_health(orders);
    if (!connected_) return;
    listener_->on_health({sdk::Channel::kMarketData, sdk::Health::kUp, "sim connected", 0, false,
                          false});
  });
  return sdk::Status::ok();
}

void SimBroker::halt_replay() {
  replaying_ = false;
  ++generation_;
  if (wall_timer_ != sdk::kNoTimer) {
    host_.wall_clock().cancel(wall_timer_);
    wall_timer_ = sdk::kNoTimer;
  }
}

void SimBroker::disconnect() {
  if (!connected_) return;
  connected_ = false;
  halt_replay();
  host_.logger().info("SLOB_SIM_DISCONNECTED", "sim broker disconnected on request");
  post_guarded([this] {
    for (auto ch : {sdk::Channel::kOrders, sdk::Channel::kMarketData})
      listener_->on_health({ch, sdk::Health::kDown, "disconnect requested", 0, false, false});
  });
}

void SimBroker::stop(std::function<void()> done) {
  // The book is persisted at every change; the snapshot is rewritten so that it alone holds the
  // book after a clean stop.
  connected_ = false;
  halt_replay();
  // After a failed write nothing more is written: the files keep the last book made durable.
  if (state_file_ && !failed_) {
    if (auto st = state_file_->compact(book_.state(), evaluated_through_); !st)
      host_.logger().error("SLOB_SIM_STATE_WRITE_FAILED", st.message() + " (its journal still holds the book)");
  }
  done();
}

sdk::Status SimBroker::subscribe(const sdk::MarketDataRequest& request) {
  if (auto st = check_ready(); !st.is_ok()) return st;
  if (request.symbol != config_.symbol) {
    return sdk::Status::invalid_argument("sim replays \"" + config_.symbol + "\", not \"" +
                                         request.symbol + "\"");
  }
  halt_replay();
  deliver_from_ = bars_.front().start;
  if (request.backfill_from) deliver_from_ = std::max(deliver_from_, *request.backfill_from);
  // Catching up starts after the last bar ever evaluated, or at the resume point if earlier bars
  // (not yet evaluated) must still be delivered.
  const sdk::Time first_needed = evaluated_through_
                                     ? std::min(deliver_from_, *evaluated_through_ + kBarSpan)
                                     : deliver_from_;
  cursor_ = first_at_or_after(bars_, first_needed);
  replaying_ = true;
  delivered_ = 0;
  // Pacing counts from the end of the first bar delivered, which is due at once.
  wall_origin_ = host_.wall_clock().now();
  const std::size_t first_delivered = first_at_or_after(bars_, deliver_from_);
  data_origin_ = bars_[std::min(first_delivered, bars_.size() - 1)].start + kBarSpan;
  host_.logger().info("SLOB_SIM_REPLAY_STARTED",
                      "replaying " + config_.symbol + " from " + sdk::format_rfc3339(deliver_from_) +
                          (config_.speed > 0 ? " at x" + std::to_string(config_.speed)
                                             : std::string(" as fast as possible")));
  const std::uint64_t generation = generation_;
  post_guarded([this, generation] { step(generation); });
  return sdk::Status::ok();
}

void SimBroker::schedule_next() {
  const std::uint64_t generation = generation_;
  if (config_.speed <= 0 || cursor_ >= bars_.size()) {
    post_guarded([this, generation] { step(generation); });
    return;
  }
  const auto data_elapsed = bars_[cursor_].start + kBarSpan - data_origin_;
  const auto wall_elapsed = std::chrono::duration_cast<sdk::Duration>(
      std::chrono::duration<double, std::micro>(static_cast<double>(data_elapsed.count()) /
                                                config_.speed));
  wall_timer_ = host_.wall_clock().call_at(
      wall_origin_ + wall_elapsed,
      [weak = std::weak_ptr<char>(alive_), this, generation] {
        if (weak.expired()) return;
        wall_timer_ = sdk::kNoTimer;
        step(generation);
      });
}

void SimBroker::step(std::uint64_t generation) {
  if (generation != generation_ || !replaying_) return;
  flush_outbox();
  if (generation != generation_) return;
  int budget = kSilentBatch;
  while (cursor_ < bars_.size()) {
    const sdk::Candle bar = bars_[cursor_++];
    host_.clock_driver()->advance_to(bar.start + kBarSpan);
    if (generation != generation_) return;  // a timer disconnected or resubscribed
    if (!evaluated_through_ || bar.start > *evaluated_through_) {
      BookEvents events;
      bool changed = apply_manual_actions(bar.start, events);
      changed = book_.evaluate(bar, events) || changed;
      evaluated_through_ = bar.start;
      if (changed) {
        if (auto st = persist(); !st.is_ok()) {
          fail(st);
          return;
        }
        for (auto& e : events) outbox_.push_back(std::move(e));
        flush_outbox();
        if (generation != generation_) return;
      }
    }
    if (bar.start >= deliver_from_) {
      ++delivered_;
      listener_->on_bar({bar.start, kBarSpan, bar.open, bar.high, bar.low, bar.close, bar.volume,
                         false});
      if (generation != generation_) return;
      schedule_next();
      return;
    }
    if (--budget == 0) {
      schedule_next();
      return;
    }
  }
  replaying_ = false;
  host_.logger().info("SLOB_SIM_END_OF_DATA",
                      config_.data_path + ": replay finished after " + std::to_string(delivered_) +
                          " bars; equity " + std::to_string(book_.equity()));
  if (config_.exit_at_end) listener_->on_end_of_data();
}

bool SimBroker::apply_manual_actions(sdk::Time bar_start, BookEvents& out) {
  bool changed = false;
  for (; next_action_ < actions_.size() && actions_[next_action_].time <= bar_start; ++next_action_) {
    const ManualAction& a = actions_[next_action_];
    std::string what;
    switch (a.verb) {
      case ManualAction::Verb::kBuy:
      case ManualAction::Verb::kSell: {
        const auto side = a.verb == ManualAction::Verb::kBuy ? sdk::Side::kBuy : sdk::Side::kSell;
        book_.place_manual(side, a.quantity, bar_start, out);
        what = std::string("another client's market order: ") + sdk::side_name(side) + " " +
               std::to_string(a.quantity) + " " + config_.symbol;
        break;
      }
      case ManualAction::Verb::kCancel:
        if (auto st = book_.cancel(a.client_ref, out); !st.is_ok()) {
          host_.logger().warn("SLOB_SIM_MANUAL_ACTION_SKIPPED",
                              a.where + ": cancel " + a.client_ref + ": " + st.message());
          continue;
        }
        what = "order " + a.client_ref + " cancelled by hand";
        break;
      case ManualAction::Verb::kClose: {
        const std::size_t cancelled = book_.cancel_all(out);
        const std::int64_t held = book_.position().quantity;
        if (held != 0) {
          book_.place_manual(held > 0 ? sdk::Side::kSell : sdk::Side::kBuy, std::llabs(held),
                             bar_start, out);
        }
        what = "closed by hand: " + std::to_string(cancelled) + " orders cancelled, position " +
               std::to_string(held) + " closed at market";
        if (cancelled == 0 && held == 0) what = "closed by hand: nothing was open";
        break;
      }
    }
    changed = true;
    host_.logger().info("SLOB_SIM_MANUAL_ACTION", a.where + ": " + what);
  }
  return changed;
}

sdk::Status SimBroker::persist() {
  if (!state_file_) return sdk::Status::ok();
  return state_file_->save(book_.state(), evaluated_through_, book_.settled_orders());
}

sdk::Status SimBroker::change_book(const std::function<sdk::Status(BookEvents&)>& change) {
  if (auto st = check_ready(); !st.is_ok()) return st;
  OrderBook::Mark before = book_.mark();
  BookEvents events;
  if (auto st = change(events); !st.is_ok()) {
    host_.logger().warn("SLOB_SIM_ORDER_REJECTED", st.message());
    return st;
  }
  if (auto st = persist(); !st.is_ok()) {
    book_.rollback(std::move(before));
    fail(st);
    return st;
  }
  queue_events(std::move(events));
  return sdk::Status::ok();
}

sdk::Status SimBroker::place_bracket(const sdk::BracketOrder& order) {
  return change_book([&](BookEvents& out) {
    return book_.place_bracket(order, host_.clock().now(), out);
  });
}

sdk::Status SimBroker::cancel_order(const std::string& client_ref) {
  return change_book([&](BookEvents& out) { return book_.cancel(client_ref, out); });
}

sdk::Status SimBroker::flatten(const std::string& symbol, const std::string& client_ref,
                               std::int64_t broker_order_id) {
  return change_book([&](BookEvents& out) {
    const sdk::Time now = host_.clock().now();
    auto st = book_.flatten(symbol, client_ref, broker_order_id, now, out);
    // No bar will ever come to fill it: the market stays at the last close.
    if (st.is_ok() && data_exhausted()) book_.fill_market_orders_at(bars_.back().close, now, out);
    return st;
  });
}

bool SimBroker::data_exhausted() const {
  return evaluated_through_ && *evaluated_through_ >= bars_.back().start;
}

sdk::Status SimBroker::request_snapshot(sdk::Time executions_since) {
  if (auto st = check_ready(); !st.is_ok()) return st;
  post_guarded([this, executions_since] {
    flush_outbox();  // reports of earlier calls first, as they happened
    listener_->on_snapshot(book_.snapshot(executions_since, host_.clock().now()));
  });
  return sdk::Status::ok();
}

void SimBroker::queue_events(BookEvents events) {
  if (events.empty()) return;
  for (auto& e : events) outbox_.push_back(std::move(e));
  post_guarded([this] { flush_outbox(); });
}

void SimBroker::flush_outbox() {
  // The listener may place or cancel orders while we deliver; those reports join the queue.
  while (!outbox_.empty()) {
    const BookEvent e = std::move(outbox_.front());
    outbox_.pop_front();
    if (const auto* x = std::get_if<sdk::Execution>(&e)) {
      host_.logger().info("SLOB_SIM_FILL", x->exec_id + " " + x->client_ref + " " +
                                               sdk::side_name(x->side) + " " +
                                               std::to_string(x->quantity) + " @ " +
                                               std::to_string(x->price));
      listener_->on_execution(*x);
    } else {
      listener_->on_order(std::get<sdk::OrderReport>(e));
    }
  }
}

}  // namespace slob::plugins::sim
