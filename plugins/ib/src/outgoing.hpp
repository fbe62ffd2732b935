#pragma once

// Encoders for every client -> TWS message the connector sends, at server version 176
// (ib-api.md §5). Each returns the unframed payload; field counts are pinned by golden tests
// (placeOrder 115, reqHistoricalData 23, reqContractDetails 19, reqRealTimeBars 19,
// reqMktData 20, reqExecutions 10, cancelOrder 4, reqAccountSummary 5).
//
// Threading: none; pure functions. Strings must be printable ASCII: an encoder given anything
// else returns invalid_argument instead of a payload (the official client's error 579).

#include <cstdint>
#include <optional>
#include <string>

#include "contract.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::ib {

enum OutgoingId : int {
  kReqMktData = 1,
  kCancelMktData = 2,
  kPlaceOrder = 3,
  kCancelOrder = 4,
  kReqOpenOrders = 5,
  kReqExecutions = 7,
  kReqIds = 8,
  kReqContractDetails = 9,
  kReqAllOpenOrders = 16,
  kReqManagedAccts = 17,
  kReqHistoricalData = 20,
  kCancelHistoricalData = 25,
  kReqCurrentTime = 49,
  kReqRealTimeBars = 50,
  kCancelRealTimeBars = 51,
  kReqMarketDataType = 59,
  kReqPositions = 61,
  kReqAccountSummary = 62,
  kCancelAccountSummary = 63,
  kCancelPositions = 64,
  kStartApi = 71,
  kReqCompletedOrders = 99,
};

// The order fields the connector sets; everything else goes out as the plain-order defaults.
struct OrderFields {
  std::string action;  // BUY / SELL
  std::int64_t quantity = 0;
  std::string order_type;  // LMT / STP / MKT
  std::optional<double> limit_price;
  std::optional<double> aux_price;  // stop trigger
  std::string tif = "DAY";
  std::string oca_group;
  int oca_type = 0;  // 1 = cancel the rest with block, used with oca_group
  std::string account;
  std::string order_ref;
  bool transmit = true;
  std::int64_t parent_id = 0;
  bool outside_rth = false;
};

struct HistoricalRequest {
  std::string end_date_time;  // "" = now (required for keepUpToDate and CONTFUT)
  std::string bar_size = "1 min";
  std::string duration = "1 D";
  bool use_rth = false;
  std::string what_to_show = "TRADES";
  int format_date = 2;  // 2: epoch seconds
  bool keep_up_to_date = false;
};

struct ExecutionFilter {
  std::int64_t client_id = 0;  // 0: all
  std::string account;
  std::string time;  // "yyyymmdd-hh:mm:ss" UTC, or "" for all of today
  std::string symbol;
  std::string sec_type;
  std::string exchange;
  std::string side;
};

using Payload = sdk::Result<std::string>;

Payload encode_start_api(std::int64_t client_id, const std::string& optional_capabilities = "");
Payload encode_req_current_time();
Payload encode_req_ids(int num_ids = 1);
Payload encode_req_managed_accts();
Payload encode_req_contract_details(std::int64_t req_id, const Contract& contract,
                                    bool include_expired = false);
Payload encode_req_historical_data(std::int64_t req_id, const Contract& contract,
                                   const HistoricalRequest& request);
Payload encode_cancel_historical_data(std::int64_t req_id);
Payload encode_req_real_time_bars(std::int64_t req_id, const Contract& contract,
                                  const std::string& what_to_show, bool use_rth);
Payload encode_cancel_real_time_bars(std::int64_t req_id);
Payload encode_req_mkt_data(std::int64_t req_id, const Contract& contract,
                            const std::string& generic_ticks, bool snapshot);
Payload encode_cancel_mkt_data(std::int64_t req_id);
Payload encode_req_market_data_type(int type);
Payload encode_place_order(std::int64_t order_id, const Contract& contract, const OrderFields& order);
Payload encode_cancel_order(std::int64_t order_id);
Payload encode_req_open_orders();
Payload encode_req_all_open_orders();
Payload encode_req_completed_orders(bool api_only);
Payload encode_req_executions(std::int64_t req_id, const ExecutionFilter& filter);
Payload encode_req_positions();
Payload encode_cancel_positions();
Payload encode_req_account_summary(std::int64_t req_id, const std::string& group,
                                   const std::string& tags);
Payload encode_cancel_account_summary(std::int64_t req_id);

}  // namespace slob::plugins::ib
