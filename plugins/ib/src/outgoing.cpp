#include "outgoing.hpp"

#include "wire.hpp"

namespace slob::plugins::ib {
namespace {

Payload done(const FieldWriter& w, const char* name) {
  if (!w.ascii_ok()) {
    return sdk::Status::invalid_argument(std::string(name) +
                                         ": non-printable or non-ASCII text in a field");
  }
  return w.payload();
}

// The 12-field contract block of §4, conId 0 when unknown.
void add_contract(FieldWriter& w, const Contract& c) {
  w.add(c.con_id)
      .add(c.symbol)
      .add(c.sec_type)
      .add(c.last_trade_date)
      .add_double(c.strike)
      .add(c.right)
      .add(c.multiplier)
      .add(c.exchange)
      .add(c.primary_exchange)
      .add(c.currency)
      .add(c.local_symbol)
      .add(c.trading_class);
}

Payload simple(int id, int version, const char* name) {
  FieldWriter w;
  w.add(id).add(version);
  return done(w, name);
}

Payload simple_with_id(int id, int version, std::int64_t req_id, const char* name) {
  FieldWriter w;
  w.add(id).add(version).add(req_id);
  return done(w, name);
}

}  // namespace

Payload encode_start_api(std::int64_t client_id, const std::string& optional_capabilities) {
  FieldWriter w;
  w.add(kStartApi).add(2).add(client_id).add(optional_capabilities);
  return done(w, "startApi");
}

Payload encode_req_current_time() { return simple(kReqCurrentTime, 1, "reqCurrentTime"); }

Payload encode_req_ids(int num_ids) {
  FieldWriter w;
  w.add(kReqIds).add(1).add(num_ids);
  return done(w, "reqIds");
}

Payload encode_req_managed_accts() { return simple(kReqManagedAccts, 1, "reqManagedAccts"); }

Payload encode_req_contract_details(std::int64_t req_id, const Contract& contract,
                                    bool include_expired) {
  FieldWriter w;
  w.add(kReqContractDetails).add(8).add(req_id);
  add_contract(w, contract);
  w.add_bool(include_expired).add_empty().add_empty().add_empty();  // secIdType, secId, issuerId
  return done(w, "reqContractDetails");
}

Payload encode_req_historical_data(std::int64_t req_id, const Contract& contract,
                                   const HistoricalRequest& r) {
  FieldWriter w;
  w.add(kReqHistoricalData).add(req_id);  // no version field at >= 124
  add_contract(w, contract);
  w.add_bool(false)  // includeExpired
      .add(r.end_date_time)
      .add(r.bar_size)  // bar size comes before duration
      .add(r.duration)
      .add_bool(r.use_rth)
      .add(r.what_to_show)
      .add(r.format_date)
      .add_bool(r.keep_up_to_date)
      .add_empty();  // chartOptions
  return done(w, "reqHistoricalData");
}

Payload encode_cancel_historical_data(std::int64_t req_id) {
  return simple_with_id(kCancelHistoricalData, 1, req_id, "cancelHistoricalData");
}

Payload encode_req_real_time_bars(std::int64_t req_id, const Contract& contract,
                                  const std::string& what_to_show, bool use_rth) {
  FieldWriter w;
  w.add(kReqRealTimeBars).add(3).add(req_id);
  add_contract(w, contract);
  w.add(5).add(what_to_show).add_bool(use_rth).add_empty();  // 5-second bars only; options
  return done(w, "reqRealTimeBars");
}

Payload encode_cancel_real_time_bars(std::int64_t req_id) {
  return simple_with_id(kCancelRealTimeBars, 1, req_id, "cancelRealTimeBars");
}

Payload encode_req_mkt_data(std::int64_t req_id, const Contract& contract,
                            const std::string& generic_ticks, bool snapshot) {
  FieldWriter w;
  w.add(kReqMktData).add(11).add(req_id);
  add_contract(w, contract);
  w.add_bool(false)  // deltaNeutralContract flag
      .add(generic_ticks)
      .add_bool(snapshot)
      .add_bool(false)  // regulatorySnapshot
      .add_empty();     // mktDataOptions
  return done(w, "reqMktData");
}

Payload encode_cancel_mkt_data(std::int64_t req_id) {
  return simple_with_id(kCancelMktData, 2, req_id, "cancelMktData");
}

Payload encode_req_market_data_type(int type) {
  FieldWriter w;
  w.add(kReqMarketDataType).add(1).add(type);
  return done(w, "reqMarketDataType");
}

Payload encode_place_order(std::int64_t order_id, const Contract& contract, const OrderFields& o) {
  // Index comments follow the table of ib-api.md §5.1 (115 fields for a plain order at 176).
  FieldWriter w;
  w.add(kPlaceOrder).add(order_id);  // 0-1, no version field at >= 145
  add_contract(w, contract);         // 2-13
  w.add_empty().add_empty();         // 14-15 secIdType, secId
  w.add(o.action)                    // 16
      .add(o.quantity)               // 17 totalQuantity (decimal text)
      .add(o.order_type)             // 18
      .add_double(o.limit_price)     // 19
      .add_double(o.aux_price);      // 20
  w.add(o.tif).add(o.oca_group).add(o.account);          // 21-23
  w.add_empty().add(0).add(o.order_ref);                 // 24-26 openClose, origin, orderRef
  w.add_bool(o.transmit).add(o.parent_id);               // 27-28
  w.add(0).add(0).add(0).add(0).add_bool(o.outside_rth).add(0);  // 29-34 block..hidden
  w.add_empty();                                         // 35 sharesAllocation
  w.add(0).add_empty().add_empty();                      // 36-38 discretionaryAmt, GAT, GTD
  w.add_empties(4);                                      // 39-42 fa* (faProfile below 177)
  w.add_empty();                                         // 43 modelCode
  w.add(0).add_empty().add(-1);                          // 44-46 shortSaleSlot, desigLoc, exemptCode
  w.add(o.oca_type).add_empties(5);                      // 47-52 ocaType, rule80A..percentOffset
  w.add(0).add(0).add_empty();                           // 53-55 eTradeOnly, firmQuoteOnly, nbbo
  w.add(0).add_empties(5);                               // 56-61 auctionStrategy, 5 unset
  w.add(0);                                              // 62 overridePercentageConstraints
  w.add_empties(4);                                      // 63-66 volatility..deltaNeutralAuxPrice
  w.add(0).add_empties(3);                               // 67-70 continuousUpdate..trailingPercent
  w.add_empties(3);                                      // 71-73 scale*
  w.add_empties(3);                                      // 74-76 scaleTable, activeStart/Stop
  w.add_empty();                                         // 77 hedgeType
  w.add(0).add_empty().add_empty().add(0);               // 78-81 optOutSmartRouting..notHeld
  w.add(0);                                              // 82 deltaNeutralContract flag
  w.add_empty();                                         // 83 algoStrategy
  w.add_empty().add(0).add_empty().add(0).add(0).add(0);  // 84-89 algoId..randomizePrice
  w.add(0);                                              // 90 conditions count
  w.add_empty().add_empties(5).add(0);                   // 91-97 adjusted*
  w.add_empty();                                         // 98 extOperator
  w.add_empty().add_empty();                             // 99-100 softDollarTier
  w.add_empty();                                         // 101 cashQty
  w.add_empties(4);                                      // 102-105 mifid2*
  w.add(0).add(0).add(0).add_empty();                    // 106-109
  w.add_empty().add_empty();                             // 110-111 duration, postToAts
  w.add(0);                                              // 112 autoCancelParent
  w.add_empty().add_empty();                             // 113-114 advancedErrorOverride, manualOrderTime
  return done(w, "placeOrder");
}

Payload encode_cancel_order(std::int64_t order_id) {
  FieldWriter w;
  w.add(kCancelOrder).add(1).add(order_id).add_empty();  // manualOrderCancelTime (>= 169)
  return done(w, "cancelOrder");
}

Payload encode_req_open_orders() { return simple(kReqOpenOrders, 1, "reqOpenOrders"); }
Payload encode_req_all_open_orders() { return simple(kReqAllOpenOrders, 1, "reqAllOpenOrders"); }

Payload encode_req_completed_orders(bool api_only) {
  FieldWriter w;
  w.add(kReqCompletedOrders).add_bool(api_only);
  return done(w, "reqCompletedOrders");
}

Payload encode_req_executions(std::int64_t req_id, const ExecutionFilter& f) {
  FieldWriter w;
  w.add(kReqExecutions).add(3).add(req_id);
  w.add(f.client_id).add(f.account).add(f.time).add(f.symbol).add(f.sec_type).add(f.exchange).add(f.side);
  return done(w, "reqExecutions");
}

Payload encode_req_positions() { return simple(kReqPositions, 1, "reqPositions"); }
Payload encode_cancel_positions() { return simple(kCancelPositions, 1, "cancelPositions"); }

Payload encode_req_account_summary(std::int64_t req_id, const std::string& group,
                                   const std::string& tags) {
  FieldWriter w;
  w.add(kReqAccountSummary).add(1).add(req_id).add(group).add(tags);
  return done(w, "reqAccountSummary");
}

Payload encode_cancel_account_summary(std::int64_t req_id) {
  return simple_with_id(kCancelAccountSummary, 1, req_id, "cancelAccountSummary");
}

}  // namespace slob::plugins::ib
