#pragma once

// Decoders for every TWS -> client message the connector uses, at server version 176
// (ib-api.md §6). decode_incoming() turns one frame payload into a typed message or a Status:
// a truncated message, a non-numeric field where a number belongs, or an unknown message id is
// an error value, never a crash. Messages TWS may send that the connector has no use for
// (ticks, account updates, orderBound, ...) decode to Ignored so they are not mistaken for an
// unknown id.
//
// Complex messages (openOrder, completedOrder, contractDetails, execDetails, historicalData) are
// read sequentially up to the last field the connector needs; trailing fields are ignored, as the
// official decoders do.
//
// Threading: none; pure functions over the payload.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "contract.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins::ib {

enum IncomingId : int {
  kTickPrice = 1,
  kTickSize = 2,
  kOrderStatusId = 3,
  kErrorId = 4,
  kOpenOrderId = 5,
  kAcctValue = 6,
  kPortfolioValue = 7,
  kAcctUpdateTime = 8,
  kNextValidIdId = 9,
  kContractDetailsId = 10,
  kExecDetailsId = 11,
  kManagedAccountsId = 15,
  kHistoricalDataId = 17,
  kTickGeneric = 45,
  kTickString = 46,
  kCurrentTimeId = 49,
  kRealtimeBarId = 50,
  kContractDetailsEndId = 52,
  kOpenOrderEndId = 53,
  kAccountDownloadEnd = 54,
  kExecDetailsEndId = 55,
  kTickSnapshotEnd = 57,
  kMarketDataTypeId = 58,
  kCommissionReportId = 59,
  kPositionId = 61,
  kPositionEndId = 62,
  kAccountSummaryId = 63,
  kAccountSummaryEndId = 64,
  kTickReqParams = 81,
  kHistoricalDataUpdateId = 90,
  kOrderBound = 100,
  kCompletedOrderId = 101,
  kCompletedOrdersEndId = 102,
};

struct ServerHello {
  int server_version = 0;
  std::string connection_time;  // free text, e.g. "20250102 09:30:00 EST"
};

struct ErrorMsg {
  std::int64_t id = -1;  // reqId / orderId, -1 for system notices
  int code = 0;
  std::string message;
  std::string advanced_order_reject_json;
};
struct NextValidId { std::int64_t order_id = 0; };
struct ManagedAccounts { std::vector<std::string> accounts; };
struct CurrentTime { std::int64_t epoch_seconds = 0; };

struct ContractDetailsMsg {
  std::int64_t req_id = 0;
  Contract contract;  // con_id, symbol, sec_type, expiry, exchange, currency, local_symbol, ...
  std::string market_name;
  std::optional<double> min_tick;
  std::string long_name;
  std::string time_zone_id;
  std::string trading_hours;
  std::string liquid_hours;
  std::string real_expiration_date;
};
struct ContractDetailsEnd { std::int64_t req_id = 0; };

struct RealtimeBarMsg {
  std::int64_t req_id = 0;
  std::int64_t time = 0;  // epoch seconds, bar start
  double open = 0, high = 0, low = 0, close = 0;
  double volume = 0;
  std::optional<double> wap;
  std::int64_t count = 0;
};

struct HistoricalBar {
  std::string date;
  double open = 0, high = 0, low = 0, close = 0;
  double volume = 0;
  std::optional<double> wap;
  std::int64_t count = 0;
};
struct HistoricalDataMsg {
  std::int64_t req_id = 0;
  std::string start;
  std::string end;
  std::vector<HistoricalBar> bars;
};
struct HistoricalDataUpdateMsg {
  std::int64_t req_id = 0;
  HistoricalBar bar;
};

struct OrderStatusMsg {
  std::int64_t order_id = 0;
  std::string status;
  double filled = 0;
  double remaining = 0;
  double avg_fill_price = 0;
  std::int64_t perm_id = 0;
  std::int64_t parent_id = 0;
  double last_fill_price = 0;
  std::int64_t client_id = 0;
  std::string why_held;
};

// openOrder (5) and completedOrder (101) share this view; completed orders have no order id.
struct OrderMsg {
  std::int64_t order_id = 0;
  Contract contract;
  std::string action;
  double quantity = 0;
  std::string order_type;
  std::optional<double> limit_price;
  std::optional<double> aux_price;
  std::string tif;
  std::string oca_group;
  std::string account;
  std::string order_ref;
  std::int64_t client_id = 0;
  std::int64_t perm_id = 0;
  std::int64_t parent_id = 0;
  std::string status;
  std::optional<double> filled;         // completedOrder only
  std::string completed_time;           // completedOrder only
  std::string completed_status;         // completedOrder only
  std::string warning_text;             // openOrder only
};
struct OpenOrderMsg { OrderMsg order; };
struct CompletedOrderMsg { OrderMsg order; };
struct OpenOrderEnd {};
struct CompletedOrdersEnd {};

struct ExecDetailsMsg {
  std::int64_t req_id = -1;  // -1 for live fills
  std::int64_t order_id = 0;
  Contract contract;
  std::string exec_id;
  std::string time;
  std::string account;
  std::string exchange;
  std::string side;  // BOT / SLD
  double shares = 0;
  double price = 0;
  std::int64_t perm_id = 0;
  std::int64_t client_id = 0;
  double cum_qty = 0;
  double avg_price = 0;
  std::string order_ref;
};
struct ExecDetailsEnd { std::int64_t req_id = 0; };

struct CommissionReportMsg {
  std::string exec_id;
  std::optional<double> commission;
  std::string currency;
  std::optional<double> realized_pnl;
};

struct PositionMsg {
  std::string account;
  Contract contract;
  double position = 0;
  double avg_cost = 0;
};
struct PositionEnd {};

struct AccountSummaryMsg {
  std::int64_t req_id = 0;
  std::string account;
  std::string tag;
  std::string value;
  std::string currency;
};
struct AccountSummaryEnd { std::int64_t req_id = 0; };

struct MarketDataTypeMsg { std::int64_t req_id = 0; int type = 0; };

struct Ignored { int id = 0; };

using Incoming =
    std::variant<ErrorMsg, NextValidId, ManagedAccounts, CurrentTime, ContractDetailsMsg,
                 ContractDetailsEnd, RealtimeBarMsg, HistoricalDataMsg, HistoricalDataUpdateMsg,
                 OrderStatusMsg, OpenOrderMsg, CompletedOrderMsg, OpenOrderEnd, CompletedOrdersEnd,
                 ExecDetailsMsg, ExecDetailsEnd, CommissionReportMsg, PositionMsg, PositionEnd,
                 AccountSummaryMsg, AccountSummaryEnd, MarketDataTypeMsg, Ignored>;

// The server's first framed answer to the handshake: exactly 2 fields.
sdk::Result<ServerHello> decode_server_hello(std::string_view payload);

sdk::Result<Incoming> decode_incoming(std::string_view payload);

// Largest number of historical bars one message may announce; more is treated as corruption
// rather than trusted for an allocation.
inline constexpr std::int64_t kMaxHistoricalBars = 100000;

}  // namespace slob::plugins::ib
