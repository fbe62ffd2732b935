#pragma once

// The simulator's view of orders, positions and executions. Plain value types.

#include <cstdint>
#include <optional>
#include <string>

#include "contract.hpp"

namespace slob::tools::ib_gateway_sim {

using plugins::ib::Contract;

enum class SimOrderStatus { kHeld, kPreSubmitted, kSubmitted, kFilled, kCancelled };

const char* status_text(SimOrderStatus s);

struct SimOrder {
  std::int64_t order_id = 0;
  std::int64_t client_id = 0;
  std::int64_t perm_id = 0;
  Contract contract;
  std::string action;  // BUY / SELL
  double quantity = 0;
  std::string order_type;  // LMT / STP / MKT
  std::optional<double> limit_price;
  std::optional<double> aux_price;
  std::string tif;
  std::string oca_group;
  int oca_type = 0;
  std::string account;
  std::string order_ref;
  std::int64_t parent_id = 0;
  bool transmit = true;
  bool outside_rth = false;
  SimOrderStatus status = SimOrderStatus::kHeld;
  double filled = 0;
  double avg_fill_price = 0;
  std::string completed_time;  // "yyyymmdd hh:mm:ss UTC" once final
};

struct SimPosition {
  std::string account;
  Contract contract;
  double quantity = 0;
  double avg_cost = 0;  // price x multiplier, as IB reports futures
};

struct SimExecution {
  std::string exec_id;
  std::int64_t order_id = 0;
  std::int64_t client_id = 0;
  std::int64_t perm_id = 0;
  Contract contract;
  std::int64_t epoch_seconds = 0;
  std::string account;
  std::string side;  // BOT / SLD
  double shares = 0;
  double price = 0;
  double cum_qty = 0;
  double avg_price = 0;
  std::string order_ref;
  double commission = 0;
};

struct SimBar {
  std::int64_t time = 0;  // epoch seconds, bar start
  double open = 0, high = 0, low = 0, close = 0;
  double volume = 0;
  double wap = 0;
  std::int64_t count = 0;
};

struct FrontMonth {
  Contract contract;  // FUT with con_id, expiry, local symbol
  std::string time_zone_id;
  std::string trading_hours;
  std::string liquid_hours;
};

}  // namespace slob::tools::ib_gateway_sim
