#include "order_tracker.hpp"

#include <cmath>

namespace slob::plugins::ib {
namespace {

bool same(const sdk::OrderReport& a, const sdk::OrderReport& b) {
  return a.state == b.state && a.filled == b.filled && a.perm_id == b.perm_id &&
         a.avg_fill_price == b.avg_fill_price && a.price == b.price && a.quantity == b.quantity &&
         a.client_ref == b.client_ref && a.reason == b.reason;
}

sdk::OrderType map_type(const std::string& t) {
  if (t == "STP") return sdk::OrderType::kStop;
  if (t == "MKT") return sdk::OrderType::kMarket;
  return sdk::OrderType::kLimit;
}

}  // namespace

sdk::OrderState map_order_state(const std::string& s) {
  if (s == "Filled") return sdk::OrderState::kFilled;
  if (s == "Cancelled" || s == "ApiCancelled") return sdk::OrderState::kCancelled;
  if (s == "Inactive") return sdk::OrderState::kRejected;
  if (s == "PreSubmitted" || s == "Submitted" || s == "PendingCancel") return sdk::OrderState::kWorking;
  if (s == "PendingSubmit" || s == "ApiPending") return sdk::OrderState::kAcknowledged;
  return sdk::OrderState::kUnknown;
}

bool is_order_warning(int code) {
  if (code >= 2100 && code <= 2199) return true;
  switch (code) {
    case 105: case 110: case 165: case 321: case 329: case 399: case 404: case 434: case 492: case 10167:
      return true;
    default:
      return false;
  }
}

void OrderTracker::track(std::int64_t order_id, const std::string& client_ref, const std::string& symbol,
                         sdk::Side side, sdk::OrderType type, double price, std::int64_t quantity) {
  sdk::OrderReport r;
  r.client_ref = client_ref;
  r.broker_order_id = order_id;
  r.symbol = symbol;
  r.side = side;
  r.type = type;
  r.price = price;
  r.quantity = quantity;
  r.state = sdk::OrderState::kSent;
  orders_[order_id] = r;
  if (!client_ref.empty()) by_ref_[client_ref] = order_id;
}

sdk::OrderReport OrderTracker::to_report(const OrderMsg& m) {
  sdk::OrderReport r;
  r.client_ref = m.order_ref;
  r.broker_order_id = m.order_id;
  r.perm_id = m.perm_id;
  r.symbol = m.contract.symbol;
  r.side = m.action == "SELL" ? sdk::Side::kSell : sdk::Side::kBuy;
  r.type = map_type(m.order_type);
  r.price = r.type == sdk::OrderType::kStop ? m.aux_price.value_or(0) : m.limit_price.value_or(0);
  r.quantity = std::llround(m.quantity);
  const std::string& status = m.completed_status.empty() ? m.status : m.completed_status;
  r.state = map_order_state(status);
  if (m.filled) r.filled = std::llround(*m.filled);
  else if (r.state == sdk::OrderState::kFilled) r.filled = r.quantity;
  if (r.state == sdk::OrderState::kCancelled || r.state == sdk::OrderState::kRejected) {
    r.reason = m.warning_text;
  }
  return r;
}

std::optional<sdk::OrderReport> OrderTracker::changed(std::int64_t order_id, const sdk::OrderReport& before) {
  const auto& now = orders_.at(order_id);
  if (same(before, now)) return std::nullopt;
  return now;
}

std::optional<sdk::OrderReport> OrderTracker::on_open_order(const OrderMsg& m) {
  auto [it, inserted] = orders_.try_emplace(m.order_id);
  const sdk::OrderReport before = it->second;
  sdk::OrderReport& r = it->second;
  const sdk::OrderReport fresh = to_report(m);
  if (inserted || r.client_ref.empty()) r.client_ref = fresh.client_ref;
  r.broker_order_id = m.order_id;
  r.perm_id = fresh.perm_id;
  r.symbol = fresh.symbol;
  r.side = fresh.side;
  r.type = fresh.type;
  r.price = fresh.price;
  r.quantity = fresh.quantity;
  // A final state never goes back (duplicated or late reports arrive out of order).
  if (!sdk::order_state_is_final(r.state) && fresh.state != sdk::OrderState::kUnknown) r.state = fresh.state;
  if (fresh.state == sdk::OrderState::kFilled) r.filled = r.quantity;
  if (!r.client_ref.empty()) by_ref_[r.client_ref] = m.order_id;
  if (inserted) return r;
  return changed(m.order_id, before);
}

std::optional<sdk::OrderReport> OrderTracker::on_order_status(const OrderStatusMsg& m) {
  auto [it, inserted] = orders_.try_emplace(m.order_id);
  const sdk::OrderReport before = it->second;
  sdk::OrderReport& r = it->second;
  r.broker_order_id = m.order_id;
  if (m.perm_id) r.perm_id = m.perm_id;
  const auto state = map_order_state(m.status);
  if (!sdk::order_state_is_final(r.state) && state != sdk::OrderState::kUnknown) r.state = state;
  if (m.filled >= static_cast<double>(r.filled)) r.filled = std::llround(m.filled);
  if (m.avg_fill_price > 0) r.avg_fill_price = m.avg_fill_price;
  if (inserted) return r;
  return changed(m.order_id, before);
}

std::optional<sdk::OrderReport> OrderTracker::on_error(std::int64_t order_id, int code, const std::string& text) {
  auto it = orders_.find(order_id);
  if (it == orders_.end() || is_order_warning(code)) return std::nullopt;
  // Cancel failures (unknown / not cancellable) say nothing about the order's state: reconcile.
  if (code == 10147 || code == 10148 || code == 135 || code == 161) return std::nullopt;
  const sdk::OrderReport before = it->second;
  sdk::OrderReport& r = it->second;
  if (sdk::order_state_is_final(r.state)) return std::nullopt;
  r.state = code == 202 ? sdk::OrderState::kCancelled : sdk::OrderState::kRejected;
  r.reason = std::to_string(code) + ": " + text;
  return changed(order_id, before);
}

std::optional<std::int64_t> OrderTracker::find_by_ref(const std::string& client_ref) const {
  auto it = by_ref_.find(client_ref);
  if (it == by_ref_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::int64_t> OrderTracker::working(const std::string& symbol) const {
  std::vector<std::int64_t> out;
  for (const auto& [id, r] : orders_)
    if (r.symbol == symbol && !sdk::order_state_is_final(r.state) && r.state != sdk::OrderState::kUnknown)
      out.push_back(id);
  return out;
}

std::optional<std::int64_t> OrderTracker::id_for_perm(std::int64_t perm_id) const {
  if (perm_id == 0) return std::nullopt;
  for (const auto& [id, r] : orders_)
    if (r.perm_id == perm_id) return id;
  return std::nullopt;
}

}  // namespace slob::plugins::ib
