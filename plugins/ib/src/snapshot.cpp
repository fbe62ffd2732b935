#include "snapshot.hpp"

#include <cmath>
#include <cstdlib>

#include "ib_time.hpp"
#include "order_tracker.hpp"
#include "wire.hpp"

namespace slob::plugins::ib {

sdk::Execution to_execution(const ExecDetailsMsg& m, const date::time_zone* zone, sdk::Time fallback,
                            bool& time_ok) {
  const auto t = parse_ib_time(m.time, zone);
  time_ok = t.has_value();
  sdk::Execution e;
  e.exec_id = m.exec_id;
  e.client_ref = m.order_ref;
  e.broker_order_id = m.order_id;
  e.symbol = m.contract.symbol;
  e.side = m.side == "SLD" ? sdk::Side::kSell : sdk::Side::kBuy;
  e.quantity = std::llround(m.shares);
  e.price = m.price;
  e.time = t.value_or(fallback);
  return e;
}

sdk::Position to_position(const PositionMsg& m) {
  sdk::Position p;
  p.symbol = m.contract.symbol;
  p.quantity = std::llround(m.position);
  bool valid = false;
  const auto mult = parse_double_field(m.contract.multiplier, valid);
  p.average_cost = (valid && mult && *mult > 0) ? m.avg_cost / *mult : m.avg_cost;
  return p;
}

void SnapshotCollector::on_position(const PositionMsg& m) {
  if (positions_done_) return;
  positions_[{m.account, m.contract.con_id}] = to_position(m);
}

void SnapshotCollector::on_open_order(const OrderMsg& m) {
  if (open_done_) return;
  open_[m.order_id] = OrderTracker::to_report(m);
}

bool SnapshotCollector::on_execution(const ExecDetailsMsg& m) {
  bool time_ok = false;
  const sdk::Execution e = to_execution(m, zone_, snapshot_.taken, time_ok);
  executions_[e.exec_id] = e;
  return time_ok;
}

void SnapshotCollector::on_commission(const CommissionReportMsg& m) {
  if (m.commission) commissions_[m.exec_id] = *m.commission;
}

void SnapshotCollector::on_account_summary(const AccountSummaryMsg& m) {
  if (m.tag != "NetLiquidation") return;
  bool valid = false;
  const auto v = parse_double_field(m.value, valid);
  // Several accounts each report; keep the first (the configured account filters upstream).
  if (valid && v && !snapshot_.equity) snapshot_.equity = *v;
}

std::string SnapshotCollector::missing() const {
  std::string out;
  const auto add = [&](bool done, const char* what) {
    if (done) return;
    if (!out.empty()) out += ", ";
    out += what;
  };
  add(positions_done_, "positions");
  add(open_done_, "open orders");
  add(completed_done_, "completed orders");
  add(exec_done_, "executions");
  add(summary_done_, "account summary");
  return out;
}

sdk::BrokerSnapshot SnapshotCollector::take(std::int64_t next_valid_order_id) {
  // IB lists a contract closed today with position 0; flat is not a position (as in the sim).
  for (auto& [key, p] : positions_)
    if (p.quantity != 0) snapshot_.positions.push_back(p);
  for (auto& [id, r] : open_) snapshot_.open_orders.push_back(r);
  for (auto& [id, e] : executions_) {
    if (auto c = commissions_.find(id); c != commissions_.end()) e.commission = c->second;
    snapshot_.executions.push_back(e);
  }
  snapshot_.next_valid_order_id = next_valid_order_id;
  return std::move(snapshot_);
}

}  // namespace slob::plugins::ib
