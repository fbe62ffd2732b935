#pragma once

// The sim broker: replays a CSV of 1-minute bars as market data, drives the host's simulated
// clock, and fills orders against the bars with OrderBook's model (README.md).
//
// One bar, in this order:
//   1. advance the simulated clock to the bar's end (start + 60 s), firing host timers due by then;
//   2. evaluate the working orders against the bar (orders placed before this step);
//   3. if the book changed, persist it, then report executions and order states;
//   4. deliver the bar (span 60 s) through on_bar.
// So an order placed in reaction to bar N (whose close the host knows only at step 4) can first
// fill in bar N+1, as in the market. The next bar is posted (speed 0) or put on a wall-clock
// timer (speed N) so the host's loop stays responsive between bars.
//
// Resume: subscribe() replays from max(config start, backfill_from). Every bar is evaluated
// against the book at most once, ever (the persisted `evaluated_through`); bars between the last
// evaluated one and the resume point are evaluated without being delivered, which is how a
// restarted daemon finds orders in the state a broker that kept running would have them in.
//
// Threading: loop thread only. Lifetime: the listener outlives the broker; posted work and timers
// check a liveness token, so nothing runs on a destroyed broker.

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "manual_actions.hpp"
#include "order_book.hpp"
#include "sim_config.hpp"
#include "slob/sdk/broker.hpp"
#include "slob/sdk/clock.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/market.hpp"
#include "state_file.hpp"

namespace slob::plugins::sim {

class SimBroker final : public sdk::Broker {
 public:
  // Loads the bars of `config.data_path` (errors name file and line) and the persisted book
  // (not under host.check_only()).
  // Fails when the host offers no clock driver (the descriptor must carry kPluginDrivesClock).
  static sdk::Result<std::unique_ptr<SimBroker>> create(sdk::HostServices& host, SimConfig config);

  // Only create() can make the key: construction goes through its checks.
  class Key {
    friend class SimBroker;
    Key() = default;
  };
  SimBroker(Key, sdk::HostServices& host, SimConfig config, std::vector<sdk::Candle> bars,
            std::vector<ManualAction> actions, std::unique_ptr<StateFile> state_file,
            std::optional<PersistedState> restored);
  ~SimBroker() override;

  void set_listener(sdk::BrokerListener& listener) override { listener_ = &listener; }
  sdk::Status connect() override;
  void disconnect() override;
  sdk::Status subscribe(const sdk::MarketDataRequest& request) override;
  sdk::Status place_bracket(const sdk::BracketOrder& order) override;
  sdk::Status cancel_order(const std::string& client_ref) override;
  sdk::Status flatten(const std::string& symbol, const std::string& client_ref,
                      std::int64_t broker_order_id) override;
  sdk::Status request_snapshot(sdk::Time executions_since) override;
  void stop(std::function<void()> done) override;

  const OrderBook& book_for_test() const { return book_; }
  std::size_t bar_count() const { return bars_.size(); }

 private:
  sdk::Status check_ready() const;
  // Runs `change` on the book; persists before anything is reported, and undoes the change when
  // the state cannot be written (the order then counts as not sent).
  sdk::Status change_book(const std::function<sdk::Status(BookEvents&)>& change);
  sdk::Status persist();
  // The book could not be made durable: the sim stops for good. It reports both channels down
  // with `fatal` (the host enters safe mode), refuses every later call with `why`, and, with
  // exit_at_end, ends the replay (the host then exits 1: it stopped in safe mode).
  void fail(const sdk::Status& why);
  // Reports leave through one FIFO outbox, flushed by a posted handler and at the start of every
  // bar, so an acknowledgement is never overtaken by the fill of a bar processed after it.
  void queue_events(BookEvents events);
  void flush_outbox();
  void step(std::uint64_t generation);
  // Applies the manual actions due by `bar_start` (manual_actions.hpp) to the book, as part of
  // that bar's evaluation. Returns true if the book changed.
  bool apply_manual_actions(sdk::Time bar_start, BookEvents& out);
  void schedule_next();
  void halt_replay();
  // Every bar of the data has been evaluated: nothing will move the market again.
  bool data_exhausted() const;
  void post_guarded(std::function<void()> fn);

  sdk::HostServices& host_;
  SimConfig config_;
  std::vector<sdk::Candle> bars_;
  std::vector<ManualAction> actions_;  // sorted by time
  std::size_t next_action_ = 0;        // actions before it happened (at or before evaluated_through_)
  OrderBook book_;
  std::unique_ptr<StateFile> state_file_;  // null: nothing persisted (state_file = "", --check)
  std::optional<sdk::Time> evaluated_through_;
  sdk::BrokerListener* listener_ = nullptr;
  std::deque<BookEvent> outbox_;

  bool connected_ = false;
  std::optional<sdk::Status> failed_;  // set by fail(): never again ready
  bool replaying_ = false;
  std::uint64_t generation_ = 0;  // bumped to invalidate posted steps and timers
  std::size_t cursor_ = 0;         // next bar to process
  sdk::Time deliver_from_{};       // bars before this are evaluated but not delivered
  sdk::TimerId wall_timer_ = sdk::kNoTimer;
  sdk::Time wall_origin_{};
  sdk::Time data_origin_{};
  std::size_t delivered_ = 0;
  std::shared_ptr<char> alive_;
};

}  // namespace slob::plugins::sim
