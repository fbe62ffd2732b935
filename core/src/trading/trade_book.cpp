#include "trading/trade_book.hpp"

namespace slob::core {

double trade_pnl(const sdk::TradeRecord& trade, std::optional<double> exit_price, double multiplier) {
  if (!exit_price) return -trade.commission;
  const double sign = trade.direction == sdk::Direction::kLong ? 1.0 : -1.0;
  return sign * (*exit_price - trade.entry_price) * static_cast<double>(trade.quantity) * multiplier -
         trade.commission;
}

const sdk::TradeRecord& TradeBook::add_entry_fill(const std::string& setup_id,
                                                  const sdk::Execution& fill) {
  auto [it, fresh] = open_.try_emplace(setup_id);
  sdk::TradeRecord& t = it->second;
  if (fresh) {
    t.id = setup_id;
    t.symbol = fill.symbol;
    t.direction = fill.side == sdk::Side::kSell ? sdk::Direction::kShort : sdk::Direction::kLong;
    t.entry_time = fill.time;
  }
  const double total = t.entry_price * static_cast<double>(t.quantity) +
                       fill.price * static_cast<double>(fill.quantity);
  t.quantity += fill.quantity;
  t.entry_price = total / static_cast<double>(t.quantity);
  t.commission += fill.commission;
  return t;
}

std::optional<sdk::TradeRecord> TradeBook::close_by_fill(const std::string& setup_id, std::optional<sdk::Leg> leg,
                                                         const sdk::Execution& fill) {
  auto it = open_.find(setup_id);
  if (it == open_.end()) return std::nullopt;
  const char* reason = leg == sdk::Leg::kTakeProfit ? "take_profit"
                       : leg == sdk::Leg::kStopLoss ? "stop_loss"
                                                    : "flatten";
  return close(it, fill.price, fill.time, reason, fill.commission);
}

std::optional<sdk::TradeRecord> TradeBook::close_external(const std::string& trade_id,
                                                          std::optional<double> exit_price,
                                                          sdk::Time exit_time,
                                                          const std::string& reason) {
  auto it = open_.find(trade_id);
  if (it == open_.end()) return std::nullopt;
  return close(it, exit_price, exit_time, reason, 0);
}

std::optional<sdk::TradeRecord> TradeBook::close(
    std::map<std::string, sdk::TradeRecord>::iterator it, std::optional<double> exit_price,
    sdk::Time exit_time, std::string reason, double exit_commission) {
  sdk::TradeRecord t = std::move(it->second);
  open_.erase(it);
  t.exit_price = exit_price;
  t.exit_time = exit_time;
  t.exit_reason = std::move(reason);
  t.commission += exit_commission;
  t.pnl = trade_pnl(t, exit_price, multiplier_);
  return t;
}

std::int64_t TradeBook::position(const std::string& symbol) const {
  std::int64_t q = 0;
  for (const auto& [id, t] : open_)
    if (t.symbol == symbol) q += t.direction == sdk::Direction::kLong ? t.quantity : -t.quantity;
  return q;
}

}  // namespace slob::core
