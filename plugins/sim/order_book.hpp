#pragma once

// The sim broker's matching engine: brackets, cancels, flatten, positions, executions and equity,
// evaluated one completed 1-minute bar at a time. Pure and deterministic: no clock, no I/O, no
// host services, so the fill model is tested exactly and the state can be persisted and rebuilt.
//
// Fill model (README.md "Fill model"):
// - An order is eligible in a bar whose start is at or after the order's `active_from`; an order
//   placed at time T (after the bar ending at T was delivered) first fills in the bar starting at T.
// - Limit: SELL fills when high >= price, BUY when low <= price, always at the limit price.
// - Stop: BUY triggers when high >= price, SELL when low <= price; fills at the stop, or at the
//   open when the bar opens beyond it (gap slippage).
// - Market (flatten): fills at the open of its first eligible bar.
// - Bracket children are held until the entry fills and are eligible from the bar after that
//   fill: one OHLC bar cannot tell whether the stop or the target was touched after the entry.
// - Within one bar: market orders, then stops, then take-profits, then entries. When stop and
//   target are both inside one bar the stop fills first and cancels the target (OCA).
//
// Threading: none; the owner (SimBroker) calls it on the loop thread.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "slob/sdk/broker.hpp"
#include "slob/sdk/market.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::sim {

// What the broker reports, in the order it happened.
using BookEvent = std::variant<sdk::OrderReport, sdk::Execution>;
using BookEvents = std::vector<BookEvent>;

struct BookParams {
  std::string symbol = "NQ";
  double starting_equity = 100000.0;
  double commission_per_contract = 2.25;  // per contract and side
  double multiplier = 20.0;
  double tick_size = 0.25;
};

struct SimOrder {
  sdk::OrderReport report;
  sdk::Leg leg = sdk::Leg::kEntry;
  bool flatten = false;      // a market order from flatten(), not a bracket leg
  std::string parent_ref;    // bracket children: the entry's client_ref
  std::string peer_ref;      // bracket children: the OCA sibling's client_ref
  bool held = false;         // a child waiting for its entry to fill (IB's PreSubmitted)
  sdk::Time active_from{};   // first bar start this order may fill in
};

// Everything the book knows; persisted as a whole by book_state_file.
struct BookState {
  std::vector<SimOrder> orders;  // in placement order; final orders are kept (completed orders)
  sdk::Position position;        // average_cost in points (price), not price x multiplier
  double realised_pnl = 0;       // account currency, before commission
  double commission = 0;         // account currency, all fills so far
  std::vector<sdk::Execution> executions;
  std::int64_t exec_seq = 0;
  std::int64_t perm_seq = 0;
  std::int64_t max_order_id = 0;
};

class OrderBook {
 public:
  explicit OrderBook(BookParams params, BookState state = {});

  // Checks the bracket (symbol, quantity, sides and types per direction, prices on the tick,
  // client refs and broker order ids never used before) and adds it: the entry works, the
  // children are held. Errors leave the book unchanged (nothing was "sent").
  sdk::Status place_bracket(const sdk::BracketOrder& order, sdk::Time now, BookEvents& out);

  // Cancels a working or held order; cancelling an unfilled entry cancels its children too.
  // not_found for an unknown reference, failed_precondition for an order already final.
  sdk::Status cancel(const std::string& client_ref, BookEvents& out);

  // A market order closing the whole current position. failed_precondition when flat.
  sdk::Status flatten(const std::string& symbol, const std::string& client_ref,
                      std::int64_t broker_order_id, sdk::Time now, BookEvents& out);

  // A market order of another client (the operator hook, manual_actions.hpp): no slob reference
  // (`manual-N`), order id 0 (not one of the bot's ids), eligible from `now`; it fills like
  // flatten's. quantity > 0.
  void place_manual(sdk::Side side, std::int64_t quantity, sdk::Time now, BookEvents& out);

  // Every working or held order of the bot cancelled by hand (the operator hook's `close`).
  // Returns how many.
  std::size_t cancel_all(BookEvents& out);

  // After the data ends the market is frozen at `price`: every working market order fills at it
  // at `when`. Returns true if anything filled.
  bool fill_market_orders_at(double price, sdk::Time when, BookEvents& out);

  // Evaluates every eligible order against one completed bar. Returns true if anything changed.
  bool evaluate(const sdk::Candle& bar, BookEvents& out);

  sdk::BrokerSnapshot snapshot(sdk::Time executions_since, sdk::Time now) const;

  // How many leading orders are final. Final orders never change again and orders are only
  // appended, so everything a later change can touch lies at or after this index: the state file
  // journals only that tail and a mark copies only that tail, never the whole history.
  std::size_t settled_orders();

  // What a failed change needs to be undone (SimBroker: the book could not be persisted).
  struct Mark {
    std::size_t settled = 0;
    std::vector<SimOrder> tail;  // orders[settled..] as they were
    std::size_t executions = 0;
    BookState counters;  // position, P&L, commission, sequences; without orders and executions
  };
  Mark mark();
  void rollback(Mark mark);

  // Starting equity + realised P&L - commission (no mark-to-market of an open position).
  double equity() const;
  std::int64_t next_valid_order_id() const { return state_.max_order_id + 1; }
  const sdk::Position& position() const { return state_.position; }
  const BookState& state() const { return state_; }
  const BookParams& params() const { return params_; }

 private:
  SimOrder* find(const std::string& client_ref);
  void append(SimOrder order);
  void index_from(std::size_t first);
  sdk::Status check_new_ref(const std::string& client_ref, std::int64_t broker_order_id) const;
  sdk::Status check_price(const char* leg, double price) const;
  SimOrder make_order(const sdk::OrderLeg& leg, std::int64_t quantity, sdk::Time now);
  void fill(SimOrder& order, double price, sdk::Time when, BookEvents& out);
  void cancel_one(SimOrder& order, const std::string& reason, BookEvents& out);
  void apply_to_position(sdk::Side side, std::int64_t quantity, double price);

  BookParams params_;
  BookState state_;
  // Every order before this index is final. Orders are appended and never leave a final state,
  // so evaluate() starts here: without it each bar walked the whole order history, and a
  // multi-year replay slowed down as it went.
  std::size_t first_open_ = 0;
  // Order index by client reference: placing checks every reference ever used and fills look
  // their OCA peer up, which were walks over the whole history.
  std::unordered_map<std::string, std::size_t> by_ref_;
};

}  // namespace slob::plugins::sim
