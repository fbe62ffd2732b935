#include "trading/order_journal.hpp"

#include <algorithm>

namespace slob::core {

std::int64_t OrderJournal::reserve_ids(sdk::HostState& state, std::int64_t count) const {
  const std::int64_t first = std::max(next_valid_id_, state.order_id_high_water + 1);
  state.order_id_high_water = first + count - 1;
  return first;
}

std::vector<sdk::JournalEntry> OrderJournal::record_intent(const sdk::BracketOrder& order,
                                                           sdk::Time now, const std::string& note) {
  std::vector<sdk::JournalEntry> entries;
  for (const sdk::OrderLeg* leg : {&order.entry, &order.take_profit, &order.stop_loss}) {
    sdk::JournalEntry e;
    e.client_ref = leg->client_ref;
    e.setup_id = order.setup_id;
    e.leg = leg->leg;
    e.symbol = order.symbol;
    e.side = leg->side;
    e.type = leg->type;
    e.quantity = order.quantity;
    e.price = leg->price;
    e.broker_order_id = leg->broker_order_id;
    e.state = sdk::OrderState::kIntent;
    e.created = e.updated = now;
    e.note = note;
    live_[e.client_ref] = e;
    entries.push_back(std::move(e));
  }
  return entries;
}

void OrderJournal::forget(const std::vector<sdk::JournalEntry>& entries) {
  for (const auto& e : entries) live_.erase(e.client_ref);
}

std::vector<sdk::JournalEntry> OrderJournal::reject(const sdk::BracketOrder& order,
                                                    const std::string& why, sdk::Time now) {
  std::vector<sdk::JournalEntry> changed;
  for (const sdk::OrderLeg* leg : {&order.entry, &order.take_profit, &order.stop_loss}) {
    auto it = live_.find(leg->client_ref);
    if (it == live_.end()) continue;
    it->second.state = sdk::OrderState::kRejected;
    it->second.updated = now;
    it->second.note = "refused by the broker plugin: " + why;
    changed.push_back(std::move(it->second));
    live_.erase(it);
  }
  return changed;
}

std::optional<sdk::JournalEntry> OrderJournal::apply_report(const sdk::OrderReport& report,
                                                            sdk::Time now) {
  auto it = live_.find(report.client_ref);
  if (it == live_.end()) return std::nullopt;  // already final here: a late or duplicate report
  sdk::JournalEntry& e = it->second;
  if (e.state == report.state && e.filled == report.filled &&
      (report.perm_id == 0 || e.perm_id == report.perm_id))
    return std::nullopt;
  // Fills move the journal through apply_fill; a report never moves it backwards.
  if (order_state_is_final(e.state)) return std::nullopt;
  e.state = report.state;
  if (report.broker_order_id) e.broker_order_id = report.broker_order_id;
  if (report.perm_id) e.perm_id = report.perm_id;
  e.filled = std::max(e.filled, report.filled);
  e.updated = now;
  e.note = report.reason.empty() ? "broker reports " + std::string(sdk::order_state_name(report.state))
                                 : report.reason;
  sdk::JournalEntry changed = e;
  if (order_state_is_final(e.state)) live_.erase(it);
  return changed;
}

std::optional<sdk::JournalEntry> OrderJournal::apply_fill(const sdk::Execution& fill, sdk::Time now) {
  auto it = live_.find(fill.client_ref);
  if (it == live_.end()) return std::nullopt;
  sdk::JournalEntry& e = it->second;
  e.filled += fill.quantity;
  if (e.filled >= e.quantity) e.state = sdk::OrderState::kFilled;
  e.updated = now;
  e.note = "filled by " + fill.exec_id;
  sdk::JournalEntry changed = e;
  if (e.state == sdk::OrderState::kFilled) live_.erase(it);
  return changed;
}

std::vector<sdk::JournalEntry> OrderJournal::apply_resolutions(
    const std::vector<OrderResolution>& resolutions, sdk::Time now) {
  std::vector<sdk::JournalEntry> changed;
  std::map<std::string, int> resend_legs;
  for (const auto& r : resolutions) {
    auto it = live_.find(r.client_ref);
    if (it == live_.end()) continue;
    if (r.resend) {
      ++resend_legs[it->second.setup_id];
      continue;
    }
    sdk::JournalEntry& e = it->second;
    e.state = r.state;
    if (r.broker_order_id) e.broker_order_id = r.broker_order_id;
    e.perm_id = r.perm_id;
    e.filled = r.filled;
    e.updated = now;
    e.note = r.note;
    changed.push_back(e);
    if (order_state_is_final(r.state)) live_.erase(it);
  }
  for (const auto& [setup, legs] : resend_legs) {
    if (legs == 3) resends_[setup] = bracket_of(setup);
  }
  return changed;
}

sdk::BracketOrder OrderJournal::bracket_of(const std::string& setup_id) const {
  sdk::BracketOrder order;
  order.setup_id = setup_id;
  for (const auto& [ref, e] : live_) {
    if (e.setup_id != setup_id) continue;
    order.symbol = e.symbol;
    order.quantity = e.quantity;
    sdk::OrderLeg leg{e.client_ref, e.leg, e.side, e.type, e.price, e.broker_order_id};
    if (e.leg == sdk::Leg::kEntry) {
      order.entry = leg;
      order.direction = e.side == sdk::Side::kSell ? sdk::Direction::kShort : sdk::Direction::kLong;
    } else if (e.leg == sdk::Leg::kTakeProfit) {
      order.take_profit = leg;
    } else {
      order.stop_loss = leg;
    }
  }
  return order;
}

OrderJournal::DueResends OrderJournal::take_due_resends(sdk::Time now, sdk::Duration window) {
  DueResends due;
  // In the order of their broker ids, as first journalled: a broker (IB) refuses an id below
  // one it has already been sent, so "t10" must not overtake "t8".
  std::vector<sdk::BracketOrder> pending;
  for (auto& [setup, order] : resends_) pending.push_back(std::move(order));
  resends_.clear();
  std::sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) {
    return a.entry.broker_order_id < b.entry.broker_order_id;
  });
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const sdk::BracketOrder& order = pending[i];
    auto entry = live_.find(order.entry.client_ref);
    if (entry == live_.end() || entry->second.state != sdk::OrderState::kIntent) continue;
    if (entry->second.created > now) {
      // Live, market time is wall time: never here.
      for (std::size_t j = i; j < pending.size(); ++j) resends_[pending[j].setup_id] = pending[j];
      break;
    }
    if (!resend_still_fresh(entry->second.created, now, window)) {
      for (const sdk::OrderLeg* leg : {&order.entry, &order.take_profit, &order.stop_loss}) {
        auto it = live_.find(leg->client_ref);
        if (it == live_.end()) continue;
        it->second.state = sdk::OrderState::kCancelled;
        it->second.updated = now;
        it->second.note = "never reached the broker; too old to send, not re-sent";
        due.stale.push_back(std::move(it->second));
        live_.erase(it);
      }
      continue;
    }
    due.send.push_back(order);
  }
  return due;
}

bool OrderJournal::has_unknown() const {
  return std::any_of(live_.begin(), live_.end(), [](const auto& kv) {
    return kv.second.state == sdk::OrderState::kIntent || kv.second.state == sdk::OrderState::kSent ||
           kv.second.state == sdk::OrderState::kUnknown;
  });
}

std::vector<std::string> OrderJournal::working(bool entries_only) const {
  std::vector<std::string> refs;
  for (const auto& [ref, e] : live_) {
    if (entries_only && (e.leg != sdk::Leg::kEntry || e.filled > 0)) continue;
    refs.push_back(ref);
  }
  return refs;
}

const sdk::JournalEntry* OrderJournal::find(const std::string& client_ref) const {
  auto it = live_.find(client_ref);
  return it == live_.end() ? nullptr : &it->second;
}

std::vector<sdk::JournalEntry> OrderJournal::unresolved() const {
  std::vector<sdk::JournalEntry> out;
  for (const auto& [ref, e] : live_) out.push_back(e);
  return out;
}

}  // namespace slob::core
