#include "incoming.hpp"

#include <string>

#include "wire.hpp"

namespace slob::plugins::ib {
namespace {

template <typename T>
sdk::Result<Incoming> finish(FieldReader& r, T value) {
  if (!r.ok()) return r.status();
  return Incoming(std::move(value));
}

// lastTradeDateOrContractMonth may carry a time after a space or '-': keep the date only.
std::string split_expiry(std::string_view text) {
  const auto cut = text.find_first_of(" -");
  return std::string(text.substr(0, cut));
}

sdk::Result<Incoming> decode_error(FieldReader& r) {
  ErrorMsg m;
  r.skip(1);  // version
  m.id = r.int_or(-1);
  m.code = static_cast<int>(r.int_or(0));
  m.message = r.str();
  if (!r.at_end()) m.advanced_order_reject_json = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_managed_accounts(FieldReader& r) {
  ManagedAccounts m;
  r.skip(1);
  const std::string list = r.str();
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = list.find(',', start);
    const auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) m.accounts.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_contract_details(FieldReader& r) {
  ContractDetailsMsg m;
  m.req_id = r.int_or(0);
  Contract& c = m.contract;
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  m.market_name = r.str();
  c.trading_class = r.str();
  c.con_id = r.int_or(0);
  m.min_tick = r.opt_double();
  c.multiplier = r.str();
  r.skip(4);  // orderTypes, validExchanges, priceMagnifier, underConId
  m.long_name = r.str();
  c.primary_exchange = r.str();
  r.skip(4);  // contractMonth, industry, category, subcategory
  m.time_zone_id = r.str();
  m.trading_hours = r.str();
  m.liquid_hours = r.str();
  r.skip(2);  // evRule, evMultiplier
  r.skip(2 * r.count(2));  // secIdList
  r.skip(4);  // aggGroup, underSymbol, underSecType, marketRuleIds
  m.real_expiration_date = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_realtime_bar(FieldReader& r) {
  RealtimeBarMsg m;
  r.skip(1);
  m.req_id = r.int_or(0);
  m.time = r.int_or(0);
  m.open = r.double_or(0);
  m.high = r.double_or(0);
  m.low = r.double_or(0);
  m.close = r.double_or(0);
  m.volume = r.double_or(0);
  m.wap = r.opt_double();
  m.count = r.int_or(0);
  return finish(r, std::move(m));
}

void read_bar_ohlc(FieldReader& r, HistoricalBar& b) {
  b.open = r.double_or(0);
  b.high = r.double_or(0);
  b.low = r.double_or(0);
  b.close = r.double_or(0);
}

sdk::Result<Incoming> decode_historical_data(FieldReader& r) {
  HistoricalDataMsg m;
  m.req_id = r.int_or(0);
  m.start = r.str();
  m.end = r.str();
  const auto n = r.count(8);
  if (r.ok() && static_cast<std::int64_t>(n) > kMaxHistoricalBars) {
    return sdk::Status::corruption("historicalData: " + std::to_string(n) + " bars exceed the limit");
  }
  m.bars.reserve(n);
  for (std::size_t i = 0; i < n && r.ok(); ++i) {
    HistoricalBar b;
    b.date = r.str();
    read_bar_ohlc(r, b);
    b.volume = r.double_or(0);
    b.wap = r.opt_double();
    b.count = r.int_or(0);
    m.bars.push_back(std::move(b));
  }
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_historical_update(FieldReader& r) {
  HistoricalDataUpdateMsg m;
  m.req_id = r.int_or(0);
  m.bar.count = r.int_or(0);
  m.bar.date = r.str();
  // Note the order on the wire: open, close, high, low, wap, volume.
  m.bar.open = r.double_or(0);
  m.bar.close = r.double_or(0);
  m.bar.high = r.double_or(0);
  m.bar.low = r.double_or(0);
  m.bar.wap = r.opt_double();
  m.bar.volume = r.double_or(0);
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_order_status(FieldReader& r) {
  OrderStatusMsg m;
  m.order_id = r.int_or(0);
  m.status = r.str();
  m.filled = r.double_or(0);
  m.remaining = r.double_or(0);
  m.avg_fill_price = r.double_or(0);
  m.perm_id = r.int_or(0);
  m.parent_id = r.int_or(0);
  m.last_fill_price = r.double_or(0);
  m.client_id = r.int_or(0);
  m.why_held = r.str();
  return finish(r, std::move(m));
}

// The 11-field contract of openOrder/completedOrder (no primaryExchange).
void read_order_contract(FieldReader& r, Contract& c) {
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
}

void read_order_head(FieldReader& r, OrderMsg& o) {
  o.action = r.str();
  o.quantity = r.double_or(0);
  o.order_type = r.str();
  o.limit_price = r.opt_double();
  o.aux_price = r.opt_double();
  o.tif = r.str();
  o.oca_group = r.str();
  o.account = r.str();
  r.skip(2);  // openClose, origin
  o.order_ref = r.str();
}

// volatility .. deltaNeutralAuxPrice [+ delta-neutral block]. `dn_fields` differs between
// openOrder (8) and completedOrder (4: conId, shortSale, shortSaleSlot, designatedLocation).
void read_vol_params(FieldReader& r, std::size_t dn_fields) {
  r.skip(2);  // volatility, volatilityType
  const bool has_dn = !r.view().empty();
  r.skip(1);  // deltaNeutralAuxPrice
  if (has_dn) r.skip(dn_fields);
}

void read_combo_and_scale(FieldReader& r) {
  r.skip(8 * r.count(8));  // comboLegs
  r.skip(r.count(1));      // orderComboLegs
  r.skip(2 * r.count(2));  // smartComboRoutingParams
  r.skip(2);               // scaleInitLevelSize, scaleSubsLevelSize
  const auto increment = r.opt_double();
  if (increment && *increment > 0) r.skip(7);
  if (!r.view().empty()) r.skip(1);  // hedgeType [+ hedgeParam]
}

void read_algo(FieldReader& r) {
  if (!r.view().empty()) r.skip(2 * r.count(2));  // algoStrategy [+ params]
}

sdk::Result<Incoming> decode_open_order(FieldReader& r) {
  OrderMsg o;
  o.order_id = r.int_or(0);
  read_order_contract(r, o.contract);
  read_order_head(r, o);
  o.client_id = r.int_or(0);
  o.perm_id = r.int_or(0);
  r.skip(5);  // outsideRth, hidden, discretionaryAmt, goodAfterTime, sharesAllocation
  r.skip(4);  // faGroup, faMethod, faPercentage, faProfile (below 177)
  r.skip(5);  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm
  r.skip(3);  // shortSaleSlot, designatedLocation, exemptCode
  r.skip(6);  // auctionStrategy, startingPrice, stockRefPrice, delta, stockRange*
  r.skip(6);  // displaySize, blockOrder, sweepToFill, allOrNone, minQty, ocaType
  r.skip(3);  // eTradeOnly, firmQuoteOnly, nbboPriceCap
  o.parent_id = r.int_or(0);
  r.skip(1);  // triggerMethod
  read_vol_params(r, 8);
  r.skip(4);  // continuousUpdate, referencePriceType, trailStopPrice, trailingPercent
  r.skip(3);  // basisPoints, basisPointsType, comboLegsDescrip
  read_combo_and_scale(r);
  r.skip(4);  // optOutSmartRouting, clearingAccount, clearingIntent, notHeld
  if (r.boolean()) r.skip(3);  // deltaNeutralContract
  read_algo(r);
  r.skip(2);  // solicited, whatIf
  o.status = r.str();
  r.skip(9);  // margin before/change/after
  r.skip(4);  // commission, min, max, currency
  o.warning_text = r.str();
  return finish(r, OpenOrderMsg{std::move(o)});
}

sdk::Result<Incoming> decode_completed_order(FieldReader& r) {
  // Layout of IB's EOrderDecoder for completed orders at 176 (no order id, no clientId).
  OrderMsg o;
  read_order_contract(r, o.contract);
  read_order_head(r, o);
  o.perm_id = r.int_or(0);
  r.skip(4);  // outsideRth, hidden, discretionaryAmt, goodAfterTime
  r.skip(4);  // faGroup, faMethod, faPercentage, faProfile
  r.skip(5);  // modelCode, goodTillDate, rule80A, percentOffset, settlingFirm
  r.skip(3);  // shortSaleSlot, designatedLocation, exemptCode
  r.skip(3);  // startingPrice, stockRefPrice, delta
  r.skip(2);  // stockRangeLower, stockRangeUpper
  r.skip(6);  // displaySize, sweepToFill, allOrNone, minQty, ocaType, triggerMethod
  read_vol_params(r, 4);
  r.skip(2);  // continuousUpdate, referencePriceType
  r.skip(2);  // trailStopPrice, trailingPercent
  r.skip(1);  // comboLegsDescrip
  read_combo_and_scale(r);
  r.skip(3);  // clearingAccount, clearingIntent, notHeld
  if (r.boolean()) r.skip(3);
  read_algo(r);
  r.skip(1);  // solicited
  o.status = r.str();
  r.skip(2);  // randomizeSize, randomizePrice
  if (o.order_type == "PEG BENCH") r.skip(5);
  const auto conditions = r.count(1);
  if (!r.ok()) return r.status();
  if (conditions > 0) {
    // Conditions have per-type layouts the connector does not model; the fields it needs are
    // all read, so stop here rather than guess.
    return Incoming(CompletedOrderMsg{std::move(o)});
  }
  r.skip(2);  // trailStopPrice, lmtPriceOffset
  r.skip(4);  // cashQty, dontUseAutoPriceForHedge, isOmsContainer, autoCancelDate
  o.filled = r.opt_double();
  r.skip(6);  // refFuturesConId, autoCancelParent, shareholder, imbalanceOnly, routeToBbo, parentPermId
  o.completed_time = r.str();
  o.completed_status = r.str();
  return finish(r, CompletedOrderMsg{std::move(o)});
}

sdk::Result<Incoming> decode_exec_details(FieldReader& r) {
  ExecDetailsMsg m;
  m.req_id = r.int_or(-1);
  m.order_id = r.int_or(0);
  Contract& c = m.contract;
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
  m.exec_id = r.str();
  m.time = r.str();
  m.account = r.str();
  m.exchange = r.str();
  m.side = r.str();
  m.shares = r.double_or(0);
  m.price = r.double_or(0);
  m.perm_id = r.int_or(0);
  m.client_id = r.int_or(0);
  r.skip(1);  // liquidation
  m.cum_qty = r.double_or(0);
  m.avg_price = r.double_or(0);
  m.order_ref = r.str();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_commission(FieldReader& r) {
  CommissionReportMsg m;
  r.skip(1);
  m.exec_id = r.str();
  m.commission = r.opt_double();
  m.currency = r.str();
  m.realized_pnl = r.opt_double();
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_position(FieldReader& r) {
  PositionMsg m;
  r.skip(1);
  m.account = r.str();
  Contract& c = m.contract;
  c.con_id = r.int_or(0);
  c.symbol = r.str();
  c.sec_type = r.str();
  c.last_trade_date = split_expiry(r.view());
  c.strike = r.opt_double();
  c.right = r.str();
  c.multiplier = r.str();
  c.exchange = r.str();
  c.currency = r.str();
  c.local_symbol = r.str();
  c.trading_class = r.str();
  m.position = r.double_or(0);
  m.avg_cost = r.double_or(0);
  return finish(r, std::move(m));
}

sdk::Result<Incoming> decode_account_summary(FieldReader& r) {
  AccountSummaryMsg m;
  r.skip(1);
  m.req_id = r.int_or(0);
  m.account = r.str();
  m.tag = r.str();
  m.value = r.str();
  m.currency = r.str();
  return finish(r, std::move(m));
}

}  // namespace

sdk::Result<ServerHello> decode_server_hello(std::string_view payload) {
  auto fields = split_fields(payload);
  if (!fields) return fields.status();
  if (fields->size() != 2) {
    return sdk::Status::corruption("handshake answer has " + std::to_string(fields->size()) +
                                   " fields, expected 2");
  }
  FieldReader r("handshake", std::move(*fields));
  ServerHello h;
  const auto v = r.opt_int();
  h.connection_time = r.str();
  if (!r.ok()) return r.status();
  if (!v || *v <= 0 || *v > 1000) return sdk::Status::corruption("handshake: bad server version");
  h.server_version = static_cast<int>(*v);
  return h;
}

sdk::Result<Incoming> decode_incoming(std::string_view payload) {
  auto fields = split_fields(payload);
  if (!fields) return fields.status();
  FieldReader head("message", *fields);
  const auto id = head.opt_int();
  if (!head.ok() || !id) return sdk::Status::corruption("message id missing or not a number");

  const auto reader = [&](const char* name) { return FieldReader(name, *fields, 1); };
  switch (*id) {
    case kErrorId: { auto r = reader("error"); return decode_error(r); }
    case kNextValidIdId: {
      auto r = reader("nextValidId");
      r.skip(1);
      NextValidId m{r.int_or(0)};
      return finish(r, m);
    }
    case kManagedAccountsId: { auto r = reader("managedAccounts"); return decode_managed_accounts(r); }
    case kCurrentTimeId: {
      auto r = reader("currentTime");
      r.skip(1);
      CurrentTime m{r.int_or(0)};
      return finish(r, m);
    }
    case kContractDetailsId: { auto r = reader("contractDetails"); return decode_contract_details(r); }
    case kContractDetailsEndId: {
      auto r = reader("contractDetailsEnd");
      r.skip(1);
      ContractDetailsEnd m{r.int_or(0)};
      return finish(r, m);
    }
    case kRealtimeBarId: { auto r = reader("realtimeBar"); return decode_realtime_bar(r); }
    case kHistoricalDataId: { auto r = reader("historicalData"); return decode_historical_data(r); }
    case kHistoricalDataUpdateId: {
      auto r = reader("historicalDataUpdate");
      return decode_historical_update(r);
    }
    case kOrderStatusId: { auto r = reader("orderStatus"); return decode_order_status(r); }
    case kOpenOrderId: { auto r = reader("openOrder"); return decode_open_order(r); }
    case kCompletedOrderId: { auto r = reader("completedOrder"); return decode_completed_order(r); }
    case kOpenOrderEndId: return Incoming(OpenOrderEnd{});
    case kCompletedOrdersEndId: return Incoming(CompletedOrdersEnd{});
    case kExecDetailsId: { auto r = reader("execDetails"); return decode_exec_details(r); }
    case kExecDetailsEndId: {
      auto r = reader("execDetailsEnd");
      r.skip(1);
      ExecDetailsEnd m{r.int_or(0)};
      return finish(r, m);
    }
    case kCommissionReportId: { auto r = reader("commissionReport"); return decode_commission(r); }
    case kPositionId: { auto r = reader("position"); return decode_position(r); }
    case kPositionEndId: return Incoming(PositionEnd{});
    case kAccountSummaryId: { auto r = reader("accountSummary"); return decode_account_summary(r); }
    case kAccountSummaryEndId: {
      auto r = reader("accountSummaryEnd");
      r.skip(1);
      AccountSummaryEnd m{r.int_or(0)};
      return finish(r, m);
    }
    case kMarketDataTypeId: {
      auto r = reader("marketDataType");
      r.skip(1);
      MarketDataTypeMsg m;
      m.req_id = r.int_or(0);
      m.type = static_cast<int>(r.int_or(0));
      return finish(r, m);
    }
    case kTickPrice:
    case kTickSize:
    case kAcctValue:
    case kPortfolioValue:
    case kAcctUpdateTime:
    case kTickGeneric:
    case kTickString:
    case kAccountDownloadEnd:
    case kTickSnapshotEnd:
    case kTickReqParams:
    case kOrderBound:
      return Incoming(Ignored{static_cast<int>(*id)});
    default:
      return sdk::Status::corruption("unknown message id " + std::to_string(*id));
  }
}

}  // namespace slob::plugins::ib
