#pragma once

// Order, fill and position value types shared by the broker, store and core.
//
// Client references: every leg of a bracket carries `slob:<setup-id>:<entry|tp|sl>` in the
// broker's free-text order reference (IB's orderRef), and the market order that closes a setup's
// trade at shutdown carries `slob:<setup-id>:flatten`. A reference is deterministic, so after a
// crash or a reconnect any order can be found again by reference instead of being re-sent. They
// are built and read only through make_client_ref / make_flatten_ref / parse_client_ref /
// is_bot_ref below, so the vocabulary lives in one place.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/time.hpp"

namespace slob::sdk {

enum class Side { kBuy, kSell };
enum class Direction { kLong, kShort };
enum class Leg { kEntry, kTakeProfit, kStopLoss };
enum class OrderType { kLimit, kStop, kMarket };

// Life of one leg as the host knows it. kIntent: durable, nothing sent yet. kSent: bytes went out,
// no acknowledgement. kUnknown: sent, then the connection or the process died before an answer;
// resolved by lookup, never re-sent blindly.
enum class OrderState {
  kIntent,
  kSent,
  kAcknowledged,
  kWorking,
  kFilled,
  kCancelled,
  kRejected,
  kUnknown,
};

inline const char* side_name(Side s) { return s == Side::kBuy ? "BUY" : "SELL"; }
inline const char* direction_name(Direction d) { return d == Direction::kLong ? "LONG" : "SHORT"; }
inline const char* leg_name(Leg l) {
  switch (l) {
    case Leg::kEntry: return "entry";
    case Leg::kTakeProfit: return "tp";
    case Leg::kStopLoss: return "sl";
  }
  return "?";
}
inline const char* order_type_name(OrderType t) {
  switch (t) {
    case OrderType::kLimit: return "LMT";
    case OrderType::kStop: return "STP";
    case OrderType::kMarket: return "MKT";
  }
  return "?";
}
inline const char* order_state_name(OrderState s) {
  switch (s) {
    case OrderState::kIntent: return "intent";
    case OrderState::kSent: return "sent";
    case OrderState::kAcknowledged: return "acknowledged";
    case OrderState::kWorking: return "working";
    case OrderState::kFilled: return "filled";
    case OrderState::kCancelled: return "cancelled";
    case OrderState::kRejected: return "rejected";
    case OrderState::kUnknown: return "unknown";
  }
  return "?";
}
inline bool order_state_is_final(OrderState s) {
  return s == OrderState::kFilled || s == OrderState::kCancelled || s == OrderState::kRejected;
}

// Every reference the bot makes starts with this; an order or execution without it was placed
// outside the bot.
inline constexpr std::string_view kClientRefPrefix = "slob:";

inline bool is_bot_ref(std::string_view ref) { return ref.starts_with(kClientRefPrefix); }

inline std::string make_client_ref(const std::string& setup_id, Leg leg) {
  return std::string(kClientRefPrefix) + setup_id + ":" + leg_name(leg);
}
inline std::string make_flatten_ref(const std::string& setup_id) {
  return std::string(kClientRefPrefix) + setup_id + ":flatten";
}

// A bot reference read back. The setup id is everything between the prefix and the last ':', so
// an id may itself contain ':'.
struct ClientRef {
  std::string setup_id;
  // The bracket leg; unset for any other suffix, which names the order closing the setup's trade
  // (make_flatten_ref): a fill of it is an exit like a take-profit or stop-loss fill.
  std::optional<Leg> leg;
};

// nullopt when `ref` is not a bot reference or has no "<setup-id>:" after the prefix (an empty
// setup id included). is_bot_ref() may hold where this fails: such a malformed reference is still
// the bot's, never a trade made outside it.
inline std::optional<ClientRef> parse_client_ref(std::string_view ref) {
  if (!is_bot_ref(ref)) return std::nullopt;
  const auto last = ref.rfind(':');
  if (last <= kClientRefPrefix.size()) return std::nullopt;
  ClientRef parsed{std::string(ref.substr(kClientRefPrefix.size(), last - kClientRefPrefix.size())), std::nullopt};
  const std::string_view suffix = ref.substr(last + 1);
  for (Leg l : {Leg::kEntry, Leg::kTakeProfit, Leg::kStopLoss})
    if (suffix == leg_name(l)) parsed.leg = l;
  return parsed;
}

// One leg as the core asks the broker to place it.
struct OrderLeg {
  std::string client_ref;
  Leg leg = Leg::kEntry;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  double price = 0;                 // limit price, or stop trigger for kStop
  std::int64_t broker_order_id = 0;  // assigned by the host: max(nextValidId, hwm + 1) onwards
};

// A bracket: limit entry, take-profit limit and stop-loss stop as one-cancels-other children.
struct BracketOrder {
  std::string setup_id;
  std::string symbol;
  Direction direction = Direction::kShort;
  std::int64_t quantity = 0;
  OrderLeg entry;
  OrderLeg take_profit;
  OrderLeg stop_loss;
};

// What the broker reports about one order (an orderStatus/openOrder/completedOrder).
struct OrderReport {
  std::string client_ref;      // empty when the order carries none (placed outside the bot)
  std::int64_t broker_order_id = 0;
  std::int64_t perm_id = 0;
  std::string symbol;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  double price = 0;
  std::int64_t quantity = 0;
  std::int64_t filled = 0;
  double avg_fill_price = 0;
  OrderState state = OrderState::kWorking;
  std::string reason;  // rejection text, when any
};

// One execution (a fill, possibly partial). exec_id is the broker's unique id.
struct Execution {
  std::string exec_id;
  std::string client_ref;
  std::int64_t broker_order_id = 0;
  std::string symbol;
  Side side = Side::kBuy;
  std::int64_t quantity = 0;
  double price = 0;
  Time time;
  double commission = 0;  // 0 until the commission report arrives
};

struct Position {
  std::string symbol;
  std::int64_t quantity = 0;  // signed: > 0 long, < 0 short
  double average_cost = 0;
};

// Everything reconciliation needs, pulled after each (re)connect.
struct BrokerSnapshot {
  Time taken;
  std::vector<Position> positions;
  std::vector<OrderReport> open_orders;
  std::vector<OrderReport> completed_orders;
  std::vector<Execution> executions;
  std::optional<double> equity;  // NetLiquidation
  std::int64_t next_valid_order_id = 0;
};

}  // namespace slob::sdk
