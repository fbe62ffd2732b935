#pragma once

// Collects one reconciliation snapshot from five answers: positions (until positionEnd), open
// orders (openOrderEnd), completed orders (completedOrdersEnd), executions since a time with
// their commissions (execDetailsEnd of our request id) and NetLiquidation (accountSummaryEnd).
//
// Threading: none; owned by the broker on the loop thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "incoming.hpp"
#include "slob/sdk/orders.hpp"

namespace date {
class time_zone;
}

namespace slob::plugins::ib {

// execDetails -> sdk::Execution. The time is read in `zone` when the text has none; when it
// cannot be read at all `fallback` is used and `time_ok` is false (a fill is never dropped for it).
sdk::Execution to_execution(const ExecDetailsMsg& m, const date::time_zone* zone, sdk::Time fallback,
                            bool& time_ok);
// position -> sdk::Position with IB's futures avgCost (price x multiplier) turned back into a price.
sdk::Position to_position(const PositionMsg& m);

class SnapshotCollector {
 public:
  SnapshotCollector(std::int64_t exec_req_id, std::int64_t summary_req_id, sdk::Time taken,
                    const date::time_zone* zone)
      : exec_req_id_(exec_req_id), summary_req_id_(summary_req_id), zone_(zone) {
    snapshot_.taken = taken;
  }

  std::int64_t exec_req_id() const { return exec_req_id_; }
  std::int64_t summary_req_id() const { return summary_req_id_; }

  void on_position(const PositionMsg& m);
  void on_position_end() { positions_done_ = true; }
  void on_open_order(const OrderMsg& m);
  void on_open_order_end() { open_done_ = true; }
  void on_completed_order(const sdk::OrderReport& r) { snapshot_.completed_orders.push_back(r); }
  void on_completed_end() { completed_done_ = true; }
  // False when the execution's time could not be read (the caller logs it).
  bool on_execution(const ExecDetailsMsg& m);
  void on_commission(const CommissionReportMsg& m);
  void on_exec_end() { exec_done_ = true; }
  void on_account_summary(const AccountSummaryMsg& m);
  void on_summary_end() { summary_done_ = true; }

  bool complete() const { return positions_done_ && open_done_ && completed_done_ && exec_done_ && summary_done_; }
  // What is still missing, for a timeout message.
  std::string missing() const;
  sdk::BrokerSnapshot take(std::int64_t next_valid_order_id);

 private:
  std::int64_t exec_req_id_;
  std::int64_t summary_req_id_;
  const date::time_zone* zone_;
  sdk::BrokerSnapshot snapshot_;
  // By account and contract id, the last report wins: with positions subscribed, an update IB
  // pushes while the answer is collected arrives beside the answer's own line for the contract.
  // take() leaves out the flat ones.
  std::map<std::pair<std::string, std::int64_t>, sdk::Position> positions_;
  std::map<std::int64_t, sdk::OrderReport> open_;  // by order id (TWS may repeat an order)
  std::map<std::string, sdk::Execution> executions_;
  std::map<std::string, double> commissions_;
  bool positions_done_ = false;
  bool open_done_ = false;
  bool completed_done_ = false;
  bool exec_done_ = false;
  bool summary_done_ = false;
};

}  // namespace slob::plugins::ib
