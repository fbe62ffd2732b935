#pragma once

// Encoders for the TWS -> client messages the simulator sends, at server version 176, in the
// layouts of ib-api.md §6 (openOrder 128 fields for a plain order, contractDetails 40,
// execDetails 31, completedOrder in IB's EOrderDecoder order). Each returns an unframed payload.

#include <cstdint>
#include <string>
#include <vector>

#include "sim_types.hpp"

namespace slob::tools::ib_gateway_sim {

std::string msg_server_hello(int version, const std::string& connection_time);
std::string msg_error(std::int64_t id, int code, const std::string& text);
std::string msg_next_valid_id(std::int64_t id);
std::string msg_managed_accounts(const std::string& accounts);
std::string msg_current_time(std::int64_t epoch_seconds);
std::string msg_contract_details(std::int64_t req_id, const FrontMonth& fm, const std::string& sec_type);
std::string msg_contract_details_end(std::int64_t req_id);
std::string msg_realtime_bar(std::int64_t req_id, const SimBar& bar);
std::string msg_historical_data(std::int64_t req_id, const std::string& start, const std::string& end,
                                const std::vector<SimBar>& bars, int format_date);
std::string msg_historical_update(std::int64_t req_id, const SimBar& bar);
std::string msg_order_status(const SimOrder& o);
std::string msg_open_order(const SimOrder& o);
std::string msg_open_order_end();
std::string msg_completed_order(const SimOrder& o);
std::string msg_completed_orders_end();
std::string msg_exec_details(std::int64_t req_id, const SimExecution& e);
std::string msg_exec_details_end(std::int64_t req_id);
std::string msg_commission_report(const SimExecution& e);
std::string msg_position(const SimPosition& p);
std::string msg_position_end();
std::string msg_account_summary(std::int64_t req_id, const std::string& account, const std::string& tag,
                                const std::string& value, const std::string& currency);
std::string msg_account_summary_end(std::int64_t req_id);
std::string msg_account_download_end(const std::string& account);
std::string msg_account_update_multi_end(std::int64_t req_id);
std::string msg_market_data_type(std::int64_t req_id, int type);
std::string msg_tick_req_params(std::int64_t req_id);
std::string msg_tick_price(std::int64_t req_id, int tick_type, double price, double size);

// "yyyymmdd hh:mm:ss UTC" (the form newer TWS sends, with an explicit zone).
std::string format_tws_time(std::int64_t epoch_seconds);

}  // namespace slob::tools::ib_gateway_sim
