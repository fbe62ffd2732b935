#pragma once

// The bot's trades: fills → open trades → closed trades. A trade is named by its setup id; its
// entry fills (partial fills included) make its quantity and volume-weighted entry price; the
// first exit fill — take-profit, stop-loss or a flatten — closes it whole at that fill's price,
// as the bracket's exit legs carry the trade's full quantity. A trade the broker reports flat
// without an exit fill the bot saw is closed by the reconciliation (close_external).
//
// Every P&L in the core is trade_pnl(): points × quantity × contract multiplier, signed by the
// direction, minus every commission paid on the trade.
//
// The book only computes; the caller commits each returned record (and the host state it
// changes) before acting on it. Threading: loop thread only.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "slob/sdk/broker.hpp"
#include "slob/sdk/orders.hpp"
#include "slob/sdk/records.hpp"

namespace slob::core {

// Closed at `exit_price` (unknown: the P&L is the commissions alone, negated).
double trade_pnl(const sdk::TradeRecord& trade, std::optional<double> exit_price, double multiplier);

class TradeBook {
 public:
  explicit TradeBook(double contract_multiplier) : multiplier_(contract_multiplier) {}

  // Recovery: an open trade from the store.
  void restore(const sdk::TradeRecord& trade) { open_[trade.id] = trade; }

  // An entry fill of setup `setup_id` opens its trade or adds to it. Returns the trade as it is now.
  const sdk::TradeRecord& add_entry_fill(const std::string& setup_id, const sdk::Execution& fill);
  // An exit fill (`leg` take-profit, stop-loss, or none: the order flattening the trade) closes the setup's trade whole at the
  // fill's price. nullopt when no trade of that setup is open.
  std::optional<sdk::TradeRecord> close_by_fill(const std::string& setup_id, std::optional<sdk::Leg> leg,
                                                const sdk::Execution& fill);
  // Closed at the broker without a fill the bot saw. nullopt when the trade is not open.
  std::optional<sdk::TradeRecord> close_external(const std::string& trade_id,
                                                 std::optional<double> exit_price, sdk::Time exit_time,
                                                 const std::string& reason);

  bool is_open(const std::string& trade_id) const { return open_.count(trade_id) != 0; }
  std::size_t open_count() const { return open_.size(); }
  const std::map<std::string, sdk::TradeRecord>& open_trades() const { return open_; }
  // The position the open trades add up to in `symbol`, signed (short negative).
  std::int64_t position(const std::string& symbol) const;

 private:
  std::optional<sdk::TradeRecord> close(std::map<std::string, sdk::TradeRecord>::iterator it,
                                        std::optional<double> exit_price, sdk::Time exit_time,
                                        std::string reason, double exit_commission);

  double multiplier_;
  std::map<std::string, sdk::TradeRecord> open_;  // by trade id (the setup id)
};

}  // namespace slob::core
