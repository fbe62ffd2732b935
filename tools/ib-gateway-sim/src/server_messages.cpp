#include "server_messages.hpp"

#include <chrono>
#include <cstdio>

#include <date/date.h>

#include "wire.hpp"

namespace slob::tools::ib_gateway_sim {
namespace {

using plugins::ib::FieldWriter;

// What real TWS sends for an unset double and an unset int (the Java client's sentinels).
constexpr const char* kMaxDouble = "1.7976931348623157E308";
constexpr const char* kMaxInt = "2147483647";

FieldWriter& price_or_unset(FieldWriter& w, const std::optional<double>& v) {
  return v ? w.add_double(*v) : w.add(kMaxDouble);
}

// The 11-field order contract (no primaryExchange).
void add_order_contract(FieldWriter& w, const Contract& c) {
  w.add(c.con_id).add(c.symbol).add(c.sec_type).add(c.last_trade_date).add_double(c.strike.value_or(0))
      .add(c.right).add(c.multiplier).add(c.exchange).add(c.currency).add(c.local_symbol).add(c.trading_class);
}

std::string qty(double v) { return plugins::ib::format_double(v); }

}  // namespace

std::string format_tws_time(std::int64_t epoch_seconds) {
  using namespace std::chrono;
  const sys_seconds t{seconds(epoch_seconds)};
  const auto day = floor<days>(t);
  const date::year_month_day ymd{day};
  const auto tod = (t - day).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u %02lld:%02lld:%02lld UTC", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long long>(tod / 3600), static_cast<long long>(tod / 60 % 60),
                static_cast<long long>(tod % 60));
  return buf;
}

const char* status_text(SimOrderStatus s) {
  switch (s) {
    case SimOrderStatus::kHeld: return "Inactive";
    case SimOrderStatus::kPreSubmitted: return "PreSubmitted";
    case SimOrderStatus::kSubmitted: return "Submitted";
    case SimOrderStatus::kFilled: return "Filled";
    case SimOrderStatus::kCancelled: return "Cancelled";
  }
  return "Inactive";
}

std::string msg_server_hello(int version, const std::string& connection_time) {
  FieldWriter w;
  w.add(version).add(connection_time);
  return w.payload();
}

std::string msg_error(std::int64_t id, int code, const std::string& text) {
  FieldWriter w;
  w.add(4).add(2).add(id).add(code).add(text).add_empty();
  return w.payload();
}

std::string msg_next_valid_id(std::int64_t id) {
  FieldWriter w;
  w.add(9).add(1).add(id);
  return w.payload();
}

std::string msg_managed_accounts(const std::string& accounts) {
  FieldWriter w;
  w.add(15).add(1).add(accounts);
  return w.payload();
}

std::string msg_current_time(std::int64_t epoch_seconds) {
  FieldWriter w;
  w.add(49).add(1).add(epoch_seconds);
  return w.payload();
}

std::string msg_contract_details(std::int64_t req_id, const FrontMonth& fm, const std::string& sec_type) {
  const Contract& c = fm.contract;
  FieldWriter w;
  w.add(10).add(req_id);                                                   // 0-1
  w.add(c.symbol).add(sec_type).add(c.last_trade_date + " 08:30 US/Central")  // 2-4
      .add_double(0.0).add("").add(c.exchange).add(c.currency).add(c.local_symbol);  // 5-9
  w.add(c.trading_class).add(c.trading_class).add(c.con_id).add_double(0.25).add(c.multiplier);  // 10-14
  w.add("ACTIVETIM,AD,ADJUST,ALERT,ALLOC,LMT,MKT,STP,STPLMT").add("CME,QBALGO").add(1).add(0);  // 15-18
  w.add("E-mini Nasdaq-100").add("").add(c.last_trade_date.substr(0, 6));  // 19-21 longName, primary, month
  w.add("").add("").add("");                                               // 22-24
  w.add(fm.time_zone_id).add(fm.trading_hours).add(fm.liquid_hours);      // 25-27
  w.add("").add_empty();                                                   // 28-29 evRule, evMultiplier
  w.add(0);                                                                // 30 secIdList count
  w.add(1).add(c.symbol).add("IND").add("67,67").add(c.last_trade_date).add("");  // 31-36
  w.add("1").add("1").add("1");                                            // 37-39
  return w.payload();
}

std::string msg_contract_details_end(std::int64_t req_id) {
  FieldWriter w;
  w.add(52).add(1).add(req_id);
  return w.payload();
}

std::string msg_realtime_bar(std::int64_t req_id, const SimBar& b) {
  FieldWriter w;
  w.add(50).add(3).add(req_id).add(b.time).add_double(b.open).add_double(b.high).add_double(b.low)
      .add_double(b.close).add(qty(b.volume)).add_double(b.wap).add(b.count);
  return w.payload();
}

std::string msg_historical_data(std::int64_t req_id, const std::string& start, const std::string& end,
                                const std::vector<SimBar>& bars, int format_date) {
  FieldWriter w;
  w.add(17).add(req_id).add(start).add(end).add(static_cast<std::int64_t>(bars.size()));
  for (const auto& b : bars) {
    if (format_date == 2) w.add(b.time);
    else w.add(format_tws_time(b.time));
    w.add_double(b.open).add_double(b.high).add_double(b.low).add_double(b.close).add(qty(b.volume))
        .add_double(b.wap).add(b.count);
  }
  return w.payload();
}

std::string msg_historical_update(std::int64_t req_id, const SimBar& b) {
  FieldWriter w;
  w.add(90).add(req_id).add(b.count).add(b.time).add_double(b.open).add_double(b.close)
      .add_double(b.high).add_double(b.low).add_double(b.wap).add(qty(b.volume));
  return w.payload();
}

std::string msg_order_status(const SimOrder& o) {
  FieldWriter w;
  w.add(3).add(o.order_id).add(status_text(o.status)).add(qty(o.filled)).add(qty(o.quantity - o.filled))
      .add_double(o.avg_fill_price).add(o.perm_id).add(o.parent_id).add_double(o.avg_fill_price)
      .add(o.client_id).add("").add_double(0.0);
  return w.payload();
}

std::string msg_open_order(const SimOrder& o) {
  // Index comments follow the openOrder table of ib-api.md §6 (128 fields).
  FieldWriter w;
  w.add(5).add(o.order_id);                                          // 0-1
  add_order_contract(w, o.contract);                                 // 2-12
  w.add(o.action).add(qty(o.quantity)).add(o.order_type);            // 13-15
  price_or_unset(w, o.limit_price);                                  // 16
  price_or_unset(w, o.aux_price);                                    // 17
  w.add(o.tif).add(o.oca_group).add(o.account).add("").add(0).add(o.order_ref);  // 18-23
  w.add(o.client_id).add(o.perm_id);                                 // 24-25
  w.add_bool(o.outside_rth).add(0).add_double(0.0).add("").add("");  // 26-30
  w.add("").add("").add("").add("");                                 // 31-34 fa*
  w.add("").add("").add("").add(kMaxDouble).add("");                 // 35-39
  w.add(0).add("").add(-1);                                          // 40-42
  w.add(0).add(kMaxDouble).add(kMaxDouble).add(kMaxDouble).add(kMaxDouble).add(kMaxDouble);  // 43-48
  w.add(0).add(0).add(0).add(0).add(kMaxInt).add(o.oca_type);        // 49-54
  w.add(0).add(0).add(kMaxDouble);                                   // 55-57
  w.add(o.parent_id).add(0);                                         // 58-59
  w.add(kMaxDouble).add(0).add("").add(kMaxDouble);                  // 60-63
  w.add(0).add(0).add(kMaxDouble).add(kMaxDouble);                   // 64-67
  w.add(kMaxDouble).add(kMaxInt).add("");                            // 68-70
  w.add(0).add(0).add(0);                                            // 71-73 combo counts
  w.add(kMaxInt).add(kMaxInt).add(kMaxDouble);                       // 74-76 scale
  w.add("");                                                         // 77 hedgeType
  w.add(0).add("").add("").add(0);                                   // 78-81
  w.add(0);                                                          // 82 deltaNeutralContract
  w.add("");                                                         // 83 algoStrategy
  w.add(0).add(0);                                                   // 84-85 solicited, whatIf
  w.add(status_text(o.status));                                      // 86
  for (int i = 0; i < 9; ++i) w.add("");                             // 87-95 margins
  w.add(kMaxDouble).add(kMaxDouble).add(kMaxDouble).add("").add("");  // 96-100
  w.add(0).add(0);                                                   // 101-102 randomize
  w.add(0);                                                          // 103 conditions
  w.add("").add(kMaxDouble).add(kMaxDouble).add(kMaxDouble).add(kMaxDouble).add(kMaxDouble)
      .add(kMaxDouble).add(0);                                       // 104-111
  w.add("").add("").add("");                                         // 112-114 softDollarTier
  w.add(kMaxDouble);                                                 // 115 cashQty
  w.add(0).add(0).add(0).add(0);                                     // 116-119
  w.add(kMaxInt).add(kMaxInt).add(0);                                // 120-122
  w.add(kMaxInt).add(kMaxInt).add(kMaxDouble).add(kMaxDouble).add(kMaxDouble);  // 123-127
  return w.payload();
}

std::string msg_open_order_end() {
  FieldWriter w;
  w.add(53).add(1);
  return w.payload();
}

std::string msg_completed_order(const SimOrder& o) {
  // IB's EOrderDecoder order for completed orders at 176 (no order id, no clientId).
  FieldWriter w;
  w.add(101);
  add_order_contract(w, o.contract);
  w.add(o.action).add(qty(o.quantity)).add(o.order_type);
  price_or_unset(w, o.limit_price);
  price_or_unset(w, o.aux_price);
  w.add(o.tif).add(o.oca_group).add(o.account).add("").add(0).add(o.order_ref);
  w.add(o.perm_id);
  w.add_bool(o.outside_rth).add(0).add_double(0.0).add("");   // outsideRth, hidden, discr., GAT
  w.add("").add("").add("").add("");                          // fa*
  w.add("").add("").add("").add(kMaxDouble).add("");          // modelCode .. settlingFirm
  w.add(0).add("").add(-1);                                   // short sale
  w.add(kMaxDouble).add(kMaxDouble).add(kMaxDouble);          // box: startingPrice, stockRef, delta
  w.add(kMaxDouble).add(kMaxDouble);                          // stock range
  w.add(0).add(0).add(0).add(kMaxInt).add(o.oca_type).add(0);  // display .. triggerMethod
  w.add(kMaxDouble).add(0).add("").add(kMaxDouble);           // vol params
  w.add(0).add(0);                                            // continuousUpdate, referencePriceType
  w.add(kMaxDouble).add(kMaxDouble);                          // trail
  w.add("").add(0).add(0);                                    // comboLegsDescrip, legs, order legs
  w.add(0);                                                   // smart combo routing
  w.add(kMaxInt).add(kMaxInt).add(kMaxDouble);                // scale
  w.add("");                                                  // hedgeType
  w.add("").add("").add(0);                                   // clearing, notHeld
  w.add(0);                                                   // deltaNeutralContract
  w.add("");                                                  // algoStrategy
  w.add(0);                                                   // solicited
  w.add(status_text(o.status));                               // order status
  w.add(0).add(0);                                            // randomize
  w.add(0);                                                   // conditions
  w.add(kMaxDouble).add(kMaxDouble);                          // trailStopPrice, lmtPriceOffset
  w.add(kMaxDouble).add(0).add(0).add("");                    // cashQty, dontUseAuto.., isOms, autoCancelDate
  w.add(qty(o.filled));                                       // filledQuantity
  w.add(0).add(0).add("").add(0).add(0).add(kMaxInt);         // refFutConId .. parentPermId
  w.add(o.completed_time).add(status_text(o.status));         // completedTime, completedStatus
  return w.payload();
}

std::string msg_completed_orders_end() {
  FieldWriter w;
  w.add(102);
  return w.payload();
}

std::string msg_exec_details(std::int64_t req_id, const SimExecution& e) {
  const Contract& c = e.contract;
  FieldWriter w;
  w.add(11).add(req_id).add(e.order_id).add(c.con_id).add(c.symbol).add(c.sec_type).add(c.last_trade_date)
      .add_double(0.0).add("").add(c.multiplier).add(c.exchange).add(c.currency).add(c.local_symbol)
      .add(c.trading_class);
  w.add(e.exec_id).add(format_tws_time(e.epoch_seconds)).add(e.account).add(c.exchange).add(e.side)
      .add(qty(e.shares)).add_double(e.price).add(e.perm_id).add(e.client_id).add(0)
      .add(qty(e.cum_qty)).add_double(e.avg_price).add(e.order_ref).add("").add(kMaxDouble).add("").add(1);
  return w.payload();
}

std::string msg_exec_details_end(std::int64_t req_id) {
  FieldWriter w;
  w.add(55).add(1).add(req_id);
  return w.payload();
}

std::string msg_commission_report(const SimExecution& e) {
  FieldWriter w;
  w.add(59).add(1).add(e.exec_id).add_double(e.commission).add("USD").add(kMaxDouble).add(kMaxDouble).add("");
  return w.payload();
}

std::string msg_position(const SimPosition& p) {
  const Contract& c = p.contract;
  FieldWriter w;
  w.add(61).add(3).add(p.account).add(c.con_id).add(c.symbol).add(c.sec_type).add(c.last_trade_date)
      .add_double(0.0).add("").add(c.multiplier).add(c.exchange).add(c.currency).add(c.local_symbol)
      .add(c.trading_class).add(qty(p.quantity)).add_double(p.avg_cost);
  return w.payload();
}

std::string msg_position_end() {
  FieldWriter w;
  w.add(62).add(1);
  return w.payload();
}

std::string msg_account_summary(std::int64_t req_id, const std::string& account, const std::string& tag,
                                const std::string& value, const std::string& currency) {
  FieldWriter w;
  w.add(63).add(1).add(req_id).add(account).add(tag).add(value).add(currency);
  return w.payload();
}

std::string msg_account_summary_end(std::int64_t req_id) {
  FieldWriter w;
  w.add(64).add(1).add(req_id);
  return w.payload();
}

std::string msg_account_download_end(const std::string& account) {
  FieldWriter w;
  w.add(54).add(1).add(account);
  return w.payload();
}

std::string msg_account_update_multi_end(std::int64_t req_id) {
  FieldWriter w;
  w.add(74).add(1).add(req_id);
  return w.payload();
}

std::string msg_market_data_type(std::int64_t req_id, int type) {
  FieldWriter w;
  w.add(58).add(1).add(req_id).add(type);
  return w.payload();
}

std::string msg_tick_req_params(std::int64_t req_id) {
  FieldWriter w;
  w.add(81).add(req_id).add_double(0.25).add("9c0001").add(3);
  return w.payload();
}

std::string msg_tick_price(std::int64_t req_id, int tick_type, double price, double size) {
  FieldWriter w;
  w.add(1).add(6).add(req_id).add(tick_type).add_double(price).add(qty(size)).add(0);
  return w.payload();
}

}  // namespace slob::tools::ib_gateway_sim
