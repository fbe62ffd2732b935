#include "trading/operator_events.hpp"

#include <cstdio>
#include <utility>

namespace slob::core::events {

sdk::AuditEvent make(sdk::Time time, const char* type, std::string subject, std::string reason,
                     std::vector<sdk::EventField> fields) {
  const sdk::EventTypeInfo* info = sdk::find_event_type(type);
  return sdk::AuditEvent{0,
                         time,
                         type,
                         info ? info->severity : sdk::Severity::kCritical,
                         std::move(subject),
                         std::move(reason),
                         std::move(fields)};
}

std::string price(double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return buf;
}

std::string money(double value) { return price(value); }

sdk::AuditEvent setup_complete(sdk::Time time, const sdk::SetupRecord& setup) {
  return make(time, sdk::event_type::kSetupComplete, setup.id,
              std::string(sdk::direction_name(setup.direction)) + " setup complete",
              {{"setup_id", setup.id},
               {"direction", sdk::direction_name(setup.direction)},
               {"state", setup.state}});
}

sdk::AuditEvent order_sent(sdk::Time time, const sdk::BracketIntent& intent, const std::string& symbol,
                           std::int64_t quantity) {
  return make(time, sdk::event_type::kOrderSent, intent.setup_id,
              std::to_string(quantity) + " " + symbol + " " + sdk::direction_name(intent.direction) +
                  " entry " + price(intent.entry) + " stop " + price(intent.stop) + " target " +
                  price(intent.target),
              {{"setup_id", intent.setup_id},
               {"symbol", symbol},
               {"direction", sdk::direction_name(intent.direction)},
               {"quantity", std::to_string(quantity)},
               {"entry", price(intent.entry)},
               {"stop", price(intent.stop)},
               {"target", price(intent.target)},
               {"order_ref", sdk::make_client_ref(intent.setup_id, sdk::Leg::kEntry)}});
}

sdk::AuditEvent order_skipped(sdk::Time time, const std::string& setup_id, const std::string& why) {
  return make(time, sdk::event_type::kOrderSkipped, setup_id, why,
              {{"setup_id", setup_id}, {"reason", why}});
}

sdk::AuditEvent order_rejected(sdk::Time time, const sdk::JournalEntry& leg, const std::string& why) {
  return make(time, sdk::event_type::kOrderRejected, leg.client_ref, why,
              {{"setup_id", leg.setup_id},
               {"order_ref", leg.client_ref},
               {"leg", sdk::leg_name(leg.leg)},
               {"side", sdk::side_name(leg.side)},
               {"quantity", std::to_string(leg.quantity)},
               {"price", price(leg.price)},
               {"reason", why}});
}

sdk::AuditEvent flatten_sent(sdk::Time time, const sdk::TradeRecord& trade, const std::string& why) {
  return make(time, sdk::event_type::kFlattenSent, trade.id, why,
              {{"setup_id", trade.id},
               {"symbol", trade.symbol},
               {"quantity", std::to_string(trade.quantity)},
               {"order_ref", sdk::make_flatten_ref(trade.id)},
               {"reason", why}});
}

sdk::AuditEvent entry_filled(const std::string& setup_id, const sdk::FillRecord& fill) {
  return make(fill.time, sdk::event_type::kEntryFilled, setup_id,
              std::string(sdk::side_name(fill.side)) + " " + std::to_string(fill.quantity) + " " +
                  fill.symbol + " @ " + price(fill.price),
              {{"setup_id", setup_id},
               {"order_ref", fill.client_ref},
               {"symbol", fill.symbol},
               {"side", sdk::side_name(fill.side)},
               {"quantity", std::to_string(fill.quantity)},
               {"price", price(fill.price)},
               {"exec_id", fill.exec_id}});
}

sdk::AuditEvent trade_closed(const sdk::TradeRecord& trade) {
  const char* type = trade.exit_reason == "take_profit"         ? sdk::event_type::kTakeProfitHit
                     : trade.exit_reason == "stop_loss"         ? sdk::event_type::kStopLossHit
                     : trade.exit_reason == "closed_externally" ? sdk::event_type::kClosedExternally
                                                                : sdk::event_type::kTradeClosed;
  std::vector<sdk::EventField> fields{{"setup_id", trade.id},
                                      {"symbol", trade.symbol},
                                      {"direction", sdk::direction_name(trade.direction)},
                                      {"quantity", std::to_string(trade.quantity)},
                                      {"entry_price", price(trade.entry_price)}};
  if (trade.exit_price) fields.push_back({"exit_price", price(*trade.exit_price)});
  fields.push_back({"pnl", money(trade.pnl)});
  fields.push_back({"exit_reason", trade.exit_reason});
  return make(trade.exit_time.value_or(trade.entry_time), type, trade.id,
              trade.exit_reason + ", P&L " + money(trade.pnl), std::move(fields));
}

sdk::AuditEvent safe_mode(sdk::Time time, bool entered, const std::string& reason) {
  return make(time, entered ? sdk::event_type::kSafeModeEntered : sdk::event_type::kSafeModeCleared,
              entered ? "entered" : "cleared", reason, {{"reason", reason}});
}

sdk::AuditEvent halt(sdk::Time time, bool halted, const std::string& reason,
                     std::optional<sdk::Time> until) {
  std::vector<sdk::EventField> fields{{"reason", reason}};
  if (halted) fields.push_back({"until", until ? sdk::format_rfc3339(*until) : "operator resume"});
  return make(time, halted ? sdk::event_type::kHalted : sdk::event_type::kResumed,
              halted ? "halt" : "resume", reason, std::move(fields));
}

sdk::AuditEvent daily_limit(sdk::Time time, const std::string& reason, const sdk::HostState& state) {
  return make(time, sdk::event_type::kDailyLimit, state.risk_day, reason,
              {{"reason", reason},
               {"trading_day", state.risk_day},
               {"trades_today", std::to_string(state.trades_today)},
               {"realised_pnl_today", money(state.realised_pnl_today)},
               {"halted_until", state.halted_until ? sdk::format_rfc3339(*state.halted_until)
                                                   : "operator resume"}});
}

}  // namespace slob::core::events
