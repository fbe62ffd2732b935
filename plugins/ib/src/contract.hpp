#pragma once

// The contract block as the TWS API carries it (ib-api.md §4). Plain value type.

#include <cstdint>
#include <optional>
#include <string>

namespace slob::plugins::ib {

struct Contract {
  std::int64_t con_id = 0;  // 0: unknown (sent as "0")
  std::string symbol;
  std::string sec_type;  // FUT, CONTFUT, ...
  std::string last_trade_date;  // yyyymm or yyyymmdd
  std::optional<double> strike;  // unset: empty field
  std::string right;
  std::string multiplier;
  std::string exchange;
  std::string primary_exchange;
  std::string currency;
  std::string local_symbol;
  std::string trading_class;
};

}  // namespace slob::plugins::ib
